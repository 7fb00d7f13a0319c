"""Skills on their own: typed input, honest fallbacks, schemas generated from the code."""
import pytest

from knowledge.catalog_index import CatalogIndex
from knowledge.retriever import Retriever
from skills.base import SkillContext
from skills.registry import SkillRegistry, UnknownSkill
from skills.search import SearchInput, SearchSkill
from skills.smalltalk import OutOfScopeSkill, SmalltalkSkill


@pytest.fixture(scope="module")
def search(demo_catalog_path, minilm, tmp_path_factory):
    index = CatalogIndex.open(demo_catalog_path, tmp_path_factory.mktemp("index"), minilm, progress=False)
    return SearchSkill(Retriever(index), results=5)


def ctx(text=""):
    return SkillContext("test:1", text)


async def test_search_respects_every_filter(search):
    result = await search.run(SearchInput(query="shoes", colour="black", max_price=150), ctx())
    assert result.products
    assert all(p.colour == "black" and p.price <= 150 for p in result.products)
    assert result.slots["last_results"] == [p.id for p in result.products]


async def test_impossible_request_names_what_was_relaxed(search):
    result = await search.run(SearchInput(product_type="sneakers", colour="purple", max_price=1), ctx())
    assert result.text.startswith("I found no purple sneakers under $1")
    assert "ignoring the" in result.text
    assert result.products


async def test_empty_request_asks_what_the_shopper_wants(search):
    result = await search.run(SearchInput(), ctx())
    assert not result.products and "What are you looking for" in result.text


def test_registry_validates_arguments_and_generates_tool_schemas(search):
    registry = SkillRegistry()
    for skill in (search, SmalltalkSkill(), OutOfScopeSkill()):
        registry.register(skill)
    with pytest.raises(TypeError, match="takes no argument 'colour_name'"):
        registry.build_input("search", {"colour_name": "red"})
    with pytest.raises(UnknownSkill, match="registered: search"):
        registry["order_status"]
    with pytest.raises(ValueError, match="already registered"):
        registry.register(SmalltalkSkill())
    [schema] = [s for s in registry.tool_schemas() if s["function"]["name"] == "search"]
    properties = schema["function"]["parameters"]["properties"]
    assert properties["max_price"]["type"] == "number" and properties["colour"]["type"] == "string"
    assert "description" in properties["query"]
