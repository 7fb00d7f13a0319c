"""Fusion of dense and BM25 rankings: the arithmetic, and the retriever that uses it on a real index."""
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bench import search as search_bench
from knowledge.catalog_index import CatalogIndex
from knowledge.catalog_io import write_jsonl
from knowledge.filters import ProductFilter
from knowledge.hybrid import (Candidates, Hit, HybridConfig, Reranker, fuse, linear_scores,
                              reciprocal_rank_scores)
from knowledge.product import Product
from knowledge.retriever import Retriever

FIXTURE = Path(__file__).parent / "fixtures" / "beir_tiny"


def candidates(dense_rank, lexical_rank, dense=None, lexical=None, rows=None) -> Candidates:
    count = len(dense_rank)
    return Candidates(
        rows=np.arange(count) if rows is None else np.array(rows),
        dense=np.array(dense if dense is not None else [0.5] * count, dtype=np.float32),
        lexical=np.array(lexical if lexical is not None else [1.0] * count, dtype=np.float32),
        dense_rank=np.array(dense_rank), lexical_rank=np.array(lexical_rank),
    )


def test_reciprocal_rank_fusion_sums_one_over_k_plus_rank():
    scores = reciprocal_rank_scores((np.array([0, 1, -1]), np.array([2, 0, 1])), k=60)
    assert scores == pytest.approx([1 / 61 + 1 / 63, 1 / 62 + 1 / 61, 1 / 62])


def test_rrf_puts_a_row_both_lists_rank_well_above_one_list_topper():
    found = candidates(dense_rank=[0, 1, -1], lexical_rank=[-1, 1, 0], rows=[10, 20, 30])
    assert [row for row, _ in fuse(found, HybridConfig(fusion="rrf"))] == [20, 10, 30]


def test_linear_blend_of_min_max_normalised_scores():
    dense, lexical = np.array([0.9, 0.5, 0.1]), np.array([0.0, 10.0, 5.0])
    assert linear_scores(dense, lexical, 0.5) == pytest.approx([0.5, 0.75, 0.25])
    assert linear_scores(dense, lexical, 1.0) == pytest.approx([1.0, 0.5, 0.0])
    assert linear_scores(dense, lexical, 0.0) == pytest.approx([0.0, 1.0, 0.5])


def test_z_normalisation_and_constant_scores():
    z = linear_scores(np.array([1.0, 2.0, 3.0]), np.array([3.0, 3.0, 3.0]), 0.5, "zscore")
    assert z == pytest.approx([-0.5 * 1.2247449, 0.0, 0.5 * 1.2247449])
    assert linear_scores(np.array([0.3, 0.3]), np.array([0.0, 0.0]), 0.4) == pytest.approx([0.0, 0.0])


def test_fused_ties_keep_the_lower_row_first_and_nothing_fuses_to_nothing():
    found = candidates([0, 1], [1, 0], dense=[0.5, 0.5], lexical=[2.0, 2.0], rows=[7, 3])
    assert [row for row, _ in fuse(found, HybridConfig())] == [3, 7]
    assert fuse(candidates([], []), HybridConfig()) == []


def test_gather_scores_the_union_and_looks_up_only_what_dense_did_not_propose():
    asked = []

    def lookup(rows):
        asked.append(rows.tolist())
        return np.full(len(rows), 0.2)

    lexical_scores = np.array([0.0, 3.0, 0.0, 1.0, 0.0, 0.0])
    found = Candidates.gather([(2, 0.9), (1, 0.8)], [(1, 3.0), (3, 1.0)], lexical_scores, lookup)
    assert found.rows.tolist() == [2, 1, 3] and asked == [[3]]
    assert found.dense.tolist() == pytest.approx([0.9, 0.8, 0.2])
    assert found.lexical.tolist() == [0.0, 3.0, 1.0]
    assert found.dense_rank.tolist() == [0, 1, -1] and found.lexical_rank.tolist() == [-1, 0, 1]


@pytest.mark.parametrize("change, message", [
    ({"fusion": "max"}, "fusion 'max' is not known"),
    ({"normalisation": "rank"}, "normalisation 'rank' is not known"),
    ({"dense_weight": 1.5}, "dense_weight must lie in 0..1, got 1.5"),
    ({"rrf_k": -1}, "rrf_k must be 0 or more, got -1"),
    ({"depth": 0}, "depth must be at least 1, got 0"),
])
def test_bad_fusion_settings_are_named(change, message):
    with pytest.raises(ValueError, match=message):
        HybridConfig(**change)


def goods(count: int = 60) -> list[Product]:
    colours, kinds = ["red", "blue", "black", "white"], ["drill", "saw", "lamp", "faucet", "hose"]
    return [Product(id=f"g-{i}", title=f"{colours[i % 4].title()} {kinds[i % 5]} model {i}", price=5.0 + i,
                    colour=colours[i % 4], product_type=kinds[i % 5], stock=i % 3) for i in range(count)]


@pytest.fixture
def retriever(tmp_path, hashing) -> Retriever:
    catalog = write_jsonl(goods(), tmp_path / "catalog.jsonl")
    return Retriever(CatalogIndex.open(catalog, tmp_path / "index", hashing, progress=False))


def test_hybrid_results_never_violate_the_filter(retriever):
    for wanted in (ProductFilter(colours={"red"}, max_price=40), ProductFilter(product_types={"lamp"}),
                   ProductFilter(in_stock_only=True, colours={"white"})):
        for query in ("red drill", "white lamp model 7", "faucet"):
            hits = retriever.search(query, wanted, k=8)
            assert len(hits) == min(8, retriever.count(wanted))
            assert all(wanted.matches(hit.product) for hit in hits)


def test_an_exact_title_ranks_its_product_first(retriever):
    for product in retriever.index.products[::7]:
        assert retriever.search(product.title, k=3)[0].product.id == product.id


def test_an_empty_query_ranks_by_the_filter_and_nothing_to_go_on_is_an_error(retriever):
    hits = retriever.search("", ProductFilter(colours={"blue"}, product_types={"saw"}), k=4)
    assert hits and all(h.product.colour == "blue" and h.product.product_type == "saw" for h in hits)
    with pytest.raises(ValueError, match="query is empty"):
        retriever.search("   ")


def test_the_keyword_index_follows_catalog_updates(retriever):
    index = retriever.index
    before = retriever.lexical
    assert retriever.search("zanzibar", k=3)[0].product.id != "new-1"
    index.apply_update([Product(id="new-1", title="Zanzibar cordless drill", price=9.0)], deletes=["g-0"])
    assert index.version == 1
    hits = retriever.search("zanzibar", k=3)
    assert hits[0].product.id == "new-1"
    assert retriever.lexical is not before and len(retriever.lexical) == len(index.products)
    assert all(hit.product.id != "g-0" for hit in retriever.search("Red drill model 0", k=60))
    assert retriever.count(ProductFilter(max_price=9.0)) == 5


def test_a_reranker_reorders_the_best_fused_hits(retriever):
    seen = {}

    def reverse(query: str, hits):
        seen["query"], seen["count"] = query, len(hits)
        return list(reversed(hits))

    assert isinstance(reverse, Reranker)
    plain = retriever.search("black saw", k=3)
    reranked = Retriever(retriever.index, reranker=reverse, rerank_depth=10).search("black saw", k=3)
    assert seen == {"query": "black saw", "count": 10}
    assert len(reranked) == 3 and reranked[0].product.id not in {hit.product.id for hit in plain[:1]}
    assert all(isinstance(hit, Hit) for hit in reranked)


def test_rrf_and_linear_both_serve_searches(retriever):
    for config in (HybridConfig(fusion="rrf"), replace(HybridConfig(), dense_weight=1.0)):
        hits = Retriever(retriever.index, config).search("blue hose", ProductFilter(colours={"blue"}), k=5)
        assert len(hits) == 5 and all(hit.product.colour == "blue" for hit in hits)


def test_the_search_benchmark_runs_end_to_end_on_a_tiny_beir_folder(tmp_path, capsys):
    out = tmp_path / "search.json"
    args = ["--quick", "--data", str(FIXTURE), "--out", str(out), "--embedder", "hashing",
            "--cache-dir", str(tmp_path / "cache")]
    assert search_bench.main(args) == 0
    result = json.loads(out.read_text())
    for key in ("ndcg10", "recall100"):
        assert set(result[key]) >= {"bm25", "dense", "hybrid", "rrf"}
        assert all(0 <= value <= 1 for value in result[key].values())
    assert result["latency_ms"]["p50"] > 0 and result["embed_query_ms"]["p50"] > 0
    assert result["build_products_per_s"] > 0 and result["peak_rss_mb"] > 0
    assert result["quick"] is True and "cpu_count" in result["machine"]
    assert result["data"]["evaluable_queries"] == 9
    assert result["batched_vs_live_top10_agreement"]["share"] == 1.0
    assert "hybrid" in capsys.readouterr().out


def test_the_search_benchmark_skips_cleanly_without_data(tmp_path, capsys):
    assert search_bench.main(["--data", str(tmp_path / "absent"), "--out", str(tmp_path / "x.json")]) == 0
    assert "no search data" in capsys.readouterr().out
    assert not (tmp_path / "x.json").exists()
