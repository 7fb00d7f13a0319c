"""The embedding router and the turn loop on a small real catalog with the real MiniLM."""
import pytest

from agent.config import AisleConfig, CatalogConfig, NluConfig
from agent.core import Agent
from agent.nlu.intent_model import IntentModel, cached_intent_model
from agent.nlu.nlu_data import read_nlu_data
from agent.nlu.router import EmbeddingRouter
from agent.runtime import build_skills
from agent.store import SQLiteStore
from agent.types import UserMessage
from knowledge.catalog_index import CatalogIndex
from knowledge.query_parse import Lexicon
from knowledge.retriever import Retriever


@pytest.fixture(scope="module")
def catalog(demo_catalog_path, minilm, tmp_path_factory):
    return CatalogIndex.open(demo_catalog_path, tmp_path_factory.mktemp("index"), minilm, progress=False)


@pytest.fixture(scope="module")
def router(catalog, minilm, tmp_path_factory):
    model = cached_intent_model(read_nlu_data("agent/defaults/nlu.yml"), minilm, tmp_path_factory.mktemp("cache"))
    return EmbeddingRouter(minilm, model, Lexicon.from_products(catalog.products), threshold=0.35)


@pytest.mark.parametrize("text, intent, skill", [
    ("hello there", "greet", "smalltalk"),
    ("what can you do?", "help", "smalltalk"),
    ("thank you so much", "thanks", "smalltalk"),
    ("show me red sneakers under 80 dollars", "search_products", "search"),
    ("tell me a joke about cats", "out_of_scope", "out_of_scope"),
])
def test_router_decisions(router, text, intent, skill):
    decision = router.decide(text)
    assert (decision.intent, decision.skill) == (intent, skill)


def test_search_arguments_come_from_the_catalog_lexicon(router):
    decision = router.decide("show me red sneakers under 80 dollars")
    assert decision.arguments["colour"] == "red"
    assert decision.arguments["product_type"] == "sneakers"
    assert decision.arguments["max_price"] == 80


def test_intent_model_cache_is_reused_and_safe(minilm, tmp_path):
    data = read_nlu_data("agent/defaults/nlu.yml")
    first = cached_intent_model(data, minilm, tmp_path)
    [cache] = list(tmp_path.glob("intent-*.npz"))
    again = IntentModel.load(cache)
    assert again.classes == first.classes
    cache.write_bytes(b"garbage")
    assert cached_intent_model(data, minilm, tmp_path).classes == first.classes


async def test_a_turn_is_stored_and_a_failing_skill_becomes_a_polite_reply(catalog, router, tmp_path, caplog):
    store = SQLiteStore.open(tmp_path / "aisle.db")
    agent = Agent(router, build_skills(Retriever(catalog), AisleConfig()), store, catalog)
    replies = await agent.handle(UserMessage("zoe", "red sneakers under 80"))
    assert replies[0].products and all(p.colour == "red" and p.price <= 80 for p in replies[0].products)
    state = await store.load_state("rest:zoe")
    assert state["last_results"] == [p.id for p in replies[0].products]

    async def broken(args, ctx):
        raise RuntimeError("index on fire")

    agent.skills["search"].run = broken
    replies = await agent.handle(UserMessage("zoe", "blue jeans"))
    assert "went wrong" in replies[0].text
    assert "rest:zoe" in caplog.text and "index on fire" in caplog.text
    transcript = await agent.transcript("zoe", "rest")
    assert [t["role"] for t in transcript] == ["user", "bot", "user", "bot"]
    await store.close()
