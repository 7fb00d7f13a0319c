import pytest

from knowledge.catalog_index import CatalogIndex
from knowledge.filters import ProductFilter
from knowledge.query_parse import Lexicon, parse_query
from knowledge.retriever import Retriever

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def retriever(demo_catalog_path, minilm, tmp_path_factory) -> Retriever:
    index = CatalogIndex.open(demo_catalog_path, tmp_path_factory.mktemp("index"), minilm, progress=False)
    return Retriever(index)


def test_results_never_violate_the_filter(retriever):
    products = retriever.index.products
    red = ProductFilter(colours={"red"}, max_price=80)
    for wanted in (red, ProductFilter(categories={"kitchen"}, in_stock_only=True), ProductFilter(genders={"kids"})):
        hits = retriever.search("something nice", wanted, k=6)
        assert len(hits) == min(6, sum(wanted.matches(p) for p in products)) > 0
        assert all(wanted.matches(hit.product) for hit in hits)


def test_a_filter_only_a_few_products_satisfy_still_fills_the_results(retriever):
    products = retriever.index.products
    rare = next(p for p in products if p.category == "toys")
    wanted = ProductFilter(product_types={rare.product_type}, colours={rare.colour})
    expected = {p.id for p in products if wanted.matches(p)}
    assert 0 < len(expected) <= 5
    hits = retriever.search("wireless noise cancelling headphones", wanted, k=6)
    assert {hit.product.id for hit in hits} == expected
    assert retriever.search("anything", ProductFilter(colours={"red"}, min_price=99_999)) == []


def test_semantic_ranking_puts_the_asked_for_type_first(retriever):
    lexicon = Lexicon.from_products(retriever.index.products)
    hits = retriever.search("running shoes for the marathon", k=3)
    assert all(hit.product.category == "shoes" for hit in hits)
    parsed = parse_query("show me red sneakers under 80 dollars", lexicon)
    for hit in retriever.search(parsed.search_text, parsed.filter, k=6):
        assert hit.product.colour == "red" and hit.product.product_type == "sneakers" and hit.product.price <= 80
    scores = [hit.score for hit in retriever.search("a warm wool sweater", k=5)]
    assert scores == sorted(scores, reverse=True)
