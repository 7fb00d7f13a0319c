"""The whole agent opened from configuration with `llm.backend: local`: the LLM routes real turns."""
import pytest

from agent.config import load_config
from agent.llm.router import LLMRouter
from agent.runtime import open_agent
from agent.types import UserMessage


@pytest.mark.slow
async def test_the_agent_routes_with_the_local_llm_and_answers(tiny_model_path, tmp_path):
    config = load_config(None, environ={
        "AISLE_DATA_DIR": str(tmp_path), "AISLE_CATALOG__DEMO_SIZE": "50", "AISLE_LLM__BACKEND": "local",
        "AISLE_LLM__MODEL": str(tiny_model_path), "AISLE_LLM__FAST_PATH_CONFIDENCE": "1.01",
        "AISLE_LLM__TIMEOUT_S": "60", "AISLE_LLM__MAX_NEW_TOKENS": "200"})
    async with open_agent(config, progress=False) as agent:
        assert isinstance(agent.router, LLMRouter)
        first = await agent.handle(UserMessage("ann", "something nice for my sister"))
        second = await agent.handle(UserMessage("ann", "hello"))
        stats = dict(agent.router.stats)
    assert first and second and all(reply.as_text() for reply in first + second)
    assert stats.get("llm", 0) + stats.get("fallback_invalid", 0) == 2  # every turn asked the LLM
    assert stats.get("llm", 0) >= 1  # constrained decoding: a valid call even from random weights


async def test_with_no_llm_configured_the_agent_is_as_before(tmp_path):
    from agent.llm.setup import llm_parts, open_llm

    config = load_config(None, environ={})
    async with open_llm(config.llm) as llm:
        router, skills = object(), object()
        parts = llm_parts(llm, config.llm, router, skills, catalog=None)
        assert llm is None and parts.router is router and parts.skills is skills
        assert parts.history_turns == 0 and parts.summariser is None  # the conversation is not read
