"""The LLM router over the real embedding router (MiniLM, the intent model from agent/defaults/nlu.yml):
the LLM decides unless the intent is confident; timeouts, errors and invalid calls fall back."""
import pytest

from agent.llm.local import LocalBackend
from agent.llm.openai import OpenAIBackend
from agent.llm.router import LLMRouter
from agent.nlu.intent_model import cached_intent_model
from agent.nlu.nlu_data import read_nlu_data
from agent.nlu.router import INTENT_SKILLS, EmbeddingRouter
from knowledge.catalog_io import load_catalog
from knowledge.query_parse import Lexicon
from skills.registry import SkillRegistry
from skills.search import SearchSkill
from skills.smalltalk import OutOfScopeSkill, SmalltalkSkill

UNSURE = "do you have something like the ones from last time but cheaper"


@pytest.fixture(scope="module")
def embedding_router(demo_catalog_path, minilm, tmp_path_factory):
    model = cached_intent_model(read_nlu_data("agent/defaults/nlu.yml"), minilm, tmp_path_factory.mktemp("cache"))
    products = load_catalog(demo_catalog_path).products
    return EmbeddingRouter(minilm, model, Lexicon.from_products(products), threshold=0.35)


@pytest.fixture(scope="module")
def tools():
    registry = SkillRegistry()
    for skill in (SearchSkill(retriever=None), SmalltalkSkill(), OutOfScopeSkill()):
        registry.register(skill)
    return registry.tool_schemas()


def router_over(llm, embedding_router, tools, **options):
    return LLMRouter(llm, embedding_router, tools, **{"fast_path_confidence": 1.01, "timeout_s": 20, **options})


async def test_the_llm_picks_a_valid_skill_and_arguments(loaded_backend, embedding_router, tools):
    async with loaded_backend as llm:
        router = router_over(llm, embedding_router, tools)
        decision = await router.adecide(UNSURE)
        understanding = await router.aunderstand(UNSURE)
    assert decision.skill in {t["function"]["name"] for t in tools} and decision.confidence == 1.0
    assert INTENT_SKILLS[decision.intent] == decision.skill
    assert INTENT_SKILLS[understanding.intent] == decision.skill and understanding.confidence == 1.0
    assert router.stats == {"llm": 2}


async def test_a_confident_intent_takes_the_fast_path_without_the_llm(embedding_router, tools, unused_tcp_port):
    async with OpenAIBackend(f"http://127.0.0.1:{unused_tcp_port}/v1") as unreachable:
        router = router_over(unreachable, embedding_router, tools, fast_path_confidence=0.5)
        decision = await router.adecide("hello there")
    assert (decision.intent, decision.skill) == ("greet", "smalltalk")
    assert router.stats == {"fast_path": 1}


async def test_an_unreachable_server_falls_back_to_the_embedding_router(embedding_router, tools, unused_tcp_port):
    async with OpenAIBackend(f"http://127.0.0.1:{unused_tcp_port}/v1", retries=0) as unreachable:
        router = router_over(unreachable, embedding_router, tools)
        decision = await router.adecide("show me red sneakers under 80 dollars")
    assert decision == embedding_router.decide("show me red sneakers under 80 dollars")
    assert router.stats == {"fallback_error": 1}


async def test_timeout_falls_back(loaded_backend, embedding_router, tools):
    slow = loaded_backend.with_batching(max_batch=1, batch_wait_ms=0)
    async with slow as llm:
        router = router_over(llm, embedding_router, tools, timeout_s=0.05, max_tokens=2000)
        decision = await router.adecide("thank you so much")
    assert (decision.intent, decision.skill) == ("thanks", "smalltalk")
    assert router.stats == {"fallback_timeout": 1}


async def test_invalid_output_falls_back(tiny_model_path, embedding_router, tools):
    unconstrained = LocalBackend(str(tiny_model_path), constrained=False, max_batch=1)  # random weights: noise
    async with unconstrained as llm:
        router = router_over(llm, embedding_router, tools, max_tokens=8)
        decision = await router.adecide("show me red sneakers under 80 dollars")
    assert decision.skill == "search" and decision.arguments["colour"] == "red"
    assert router.stats == {"fallback_invalid": 1}


async def test_many_conversations_at_once_are_each_routed_by_the_llm(embedding_router, tools):
    import asyncio

    from agent.llm.testkit import ScriptedBackend
    from agent.llm.types import ToolCall

    llm = ScriptedBackend([ToolCall("search", {"query": "lamp", "colour": "red"})])
    router = router_over(llm, embedding_router, tools)
    turns = [router.aunderstand(f"{UNSURE} {n}") for n in range(12)]
    understood = await asyncio.wait_for(asyncio.gather(*turns), 60)
    assert {u.intent for u in understood} == {"search_products"}
    assert all(u.entities.values["colour"] == "red" for u in understood) and router.stats["llm"] == 12
