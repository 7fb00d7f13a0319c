"""Opening the configured LLM and putting it to work in an agent: the router, the responder.

    async with open_llm(config.llm) as llm:            # None with `backend: none`
        agent = with_llm(agent, llm, config.llm)       # the same agent when llm is None
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from agent.config import LLMConfig
from agent.llm.summary import LLMSummariser
from agent.errors import ConfigError
from agent.llm.responder import PHRASED_SKILLS, LLMResponder, PhrasedSkill
from agent.llm.router import LLMRouter
from agent.llm.types import LLMBackend
from skills.registry import SkillRegistry


def llm_backend(config: LLMConfig) -> LLMBackend | None:
    if config.backend == "local":
        from agent.llm.local import LocalBackend
        return LocalBackend(config.model, config.adapter_paths, device=config.device, dtype=config.dtype,
                            max_batch=config.max_batch, batch_wait_ms=config.batch_wait_ms,
                            timeout_s=config.timeout_s, cpu_threads=config.cpu_threads)
    if config.backend == "openai":
        from agent.llm.openai import OpenAIBackend
        return OpenAIBackend(config.base_url, config.model, api_key_env=config.api_key_env,
                             timeout_s=config.timeout_s, retries=config.retries,
                             max_concurrency=config.max_concurrency)
    return None


@asynccontextmanager
async def open_llm(config: LLMConfig) -> AsyncIterator[LLMBackend | None]:
    backend = llm_backend(config)
    if backend is None:
        yield None
        return
    async with backend:
        yield backend


def with_llm(agent: Any, llm: LLMBackend | None, config: LLMConfig) -> Any:
    """Route with the LLM (embedding router as fast path and fallback); word replies if configured."""
    if llm is None:
        return agent
    channel_tools = config.tools_by_channel()
    known = {skill.name for skill in agent.skills}
    for channel, names in channel_tools.items():
        if unknown := sorted(names - known):
            raise ConfigError(f"llm.channel_tools.{channel} names {', '.join(map(repr, unknown))}, which "
                              f"{'is not a tool' if len(unknown) == 1 else 'are not tools'}; tools: {', '.join(sorted(known))}")
    agent.router = LLMRouter(llm, agent.router, agent.skills.tool_schemas(),
                             fast_path_confidence=config.fast_path_confidence, timeout_s=config.timeout_s,
                             max_tokens=config.max_new_tokens, adapter=config.adapter,
                             channel_tools=channel_tools,
                             merchant_tools={s.name for s in agent.skills if getattr(s, "merchant_only", False)})
    agent.history_turns = config.history_turns
    agent.handoff_context.summariser = LLMSummariser(llm, config.timeout_s, adapter=config.adapter)
    if config.phrase_replies:
        products = agent.catalog.products
        responder = LLMResponder(llm, [p.title for p in products], [p.brand for p in products],
                                 timeout_s=config.timeout_s, adapter=config.adapter)
        phrased = SkillRegistry()
        for skill in agent.skills:
            phrased.register(PhrasedSkill(skill, responder) if skill.name in PHRASED_SKILLS else skill)
        agent.skills = phrased
    return agent
