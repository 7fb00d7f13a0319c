"""Opening the configured LLM and deciding what it changes in the agent: the router, the responder.

    async with open_llm(config.llm) as llm:                       # None with `backend: none`
        parts = llm_parts(llm, config.llm, router, skills, catalog)  # given to the agent when it is built
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from agent.config import LLMConfig
from agent.llm.summary import LLMSummariser
from agent.errors import ConfigError
from agent.llm.responder import PHRASED_SKILLS, LLMResponder, PhrasedSkill
from agent.llm.router import LLMRouter
from agent.llm.types import LLMBackend
from agent.nlu.router import EmbeddingRouter
from agent.parts import Router
from agent.skill_catalog import CATALOG
from knowledge.catalog_index import CatalogIndex
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


@dataclass(frozen=True)
class LLMParts:
    """What the LLM changes in an agent, decided before it is built: the router, the skills (their replies
    worded by the LLM where `phrase_replies`), the history the router reads, the handoff summariser."""

    router: Router
    skills: SkillRegistry
    history_turns: int = 0
    summariser: LLMSummariser | None = None


def llm_parts(llm: LLMBackend | None, config: LLMConfig, router: EmbeddingRouter, skills: SkillRegistry,
              catalog: CatalogIndex) -> LLMParts:
    """Route with the LLM (embedding router as fast path and fallback); word replies if configured.
    Without an LLM, the embedding router and the skills as they are."""
    if llm is None:
        return LLMParts(router, skills)
    channel_tools = config.tools_by_channel()
    _check_channel_tools(channel_tools, {skill.name for skill in skills})
    merchant_tools = {s.name for s in skills if CATALOG.merchant_only(s.name)}
    routed = LLMRouter(llm, router, skills.tool_schemas(), fast_path_confidence=config.fast_path_confidence,
                       timeout_s=config.timeout_s, max_tokens=config.max_new_tokens, adapter=config.adapter,
                       channel_tools=channel_tools, merchant_tools=merchant_tools)
    summariser = LLMSummariser(llm, config.timeout_s, adapter=config.adapter)
    phrased = _phrased(llm, config, skills, catalog) if config.phrase_replies else skills
    return LLMParts(routed, phrased, config.history_turns, summariser)


def _check_channel_tools(channel_tools: dict[str, frozenset[str]], known: set[str]) -> None:
    for channel, names in channel_tools.items():
        if unknown := sorted(names - known):
            raise ConfigError(f"llm.channel_tools.{channel} names {', '.join(map(repr, unknown))}, which "
                              f"{'is not a tool' if len(unknown) == 1 else 'are not tools'}; tools: {', '.join(sorted(known))}")


def _phrased(llm: LLMBackend, config: LLMConfig, skills: SkillRegistry, catalog: CatalogIndex) -> SkillRegistry:
    products = catalog.products
    responder = LLMResponder(llm, [p.title for p in products], [p.brand for p in products],
                             timeout_s=config.timeout_s, adapter=config.adapter)
    phrased = SkillRegistry()
    for skill in skills:
        phrased.register(PhrasedSkill(skill, responder) if skill.name in PHRASED_SKILLS else skill)
    return phrased
