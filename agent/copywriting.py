"""Wiring the copy skills from config: `describe` for everyone, `ads` for merchants, A/B tests.

Ads can be written for audience segments made from the `recommend` skill's shopper profiles,
whichever of the two is registered first.

    register_copy_skills(skills, catalog, config)            # in agent.runtime.build_skills
    register_copy_skills(skills, catalog, config, writer=llm_writer)   # with an LLM writer

The LLM writer is any `writer(product, prompt) -> str` (`skills.describe.generator.Writer`);
with `describe.writer: llm`, `use_llm_writer` makes one of the configured LLM once it is open.
Without one, the template composer writes every description.
"""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from agent.config import AisleConfig
from knowledge.catalog_index import CatalogIndex
from skills.ads.abstore import ABStore
from skills.ads.audiences import ProfileSource, SegmentBook, recommender_source
from skills.ads.copy import AdWriter
from skills.ads.experiments import Experiments
from skills.ads.safety import BrandSafety
from skills.ads.skill import AdsSkill
from skills.describe.generator import DescriptionGenerator, Writer, WriterFailed
from skills.describe.grounding import GroundingChecker
from skills.describe.skill import DescribeSkill, RejectionLog
from skills.describe.style import Style
from skills.recommend import RecommendSkill
from skills.registry import SkillRegistry


def grounding_checker(config: AisleConfig, brands: set[str]) -> GroundingChecker:
    return GroundingChecker(brands | set(config.ads.competitors), config.describe.allowed_phrases,
                            config.ads.low_stock)


def description_generator(config: AisleConfig, brands: set[str], writer: Writer | None = None) -> DescriptionGenerator:
    return DescriptionGenerator(grounding_checker(config, brands), writer=writer,
                                max_attempts=config.describe.max_attempts)


def ad_writer(config: AisleConfig, brands: set[str]) -> AdWriter:
    """Ad copy through the brand-safety filter: banned words, competitors, and the grounding check."""
    safety = BrandSafety(grounding_checker(config, brands), config.ads.banned_words, config.ads.competitors)
    return AdWriter(safety, config.ads.low_stock)


def ab_store_path(config: AisleConfig) -> Path:
    return Path(config.ads.ab_path) if config.ads.ab_path else config.data_path / "ab.db"


def register_copy_skills(skills: SkillRegistry, catalog: CatalogIndex, config: AisleConfig,
                         writer: Writer | None = None) -> Experiments:
    """Register `describe` and `ads`; returns the A/B experiments the web endpoints serve."""
    brands = {p.brand for p in catalog.products if p.brand}
    checker = grounding_checker(config, brands)
    style = Style(config.describe.tone, config.describe.length)
    rejections = RejectionLog(config.data_path / "describe_rejections.jsonl")
    generator = DescriptionGenerator(checker, writer=writer, max_attempts=config.describe.max_attempts)
    skills.register(DescribeSkill(generator, catalog.by_id, style, rejections))
    writer_of_ads = AdWriter(BrandSafety(checker, config.ads.banned_words, config.ads.competitors), config.ads.low_stock)
    segments = SegmentBook(lambda: profile_source(skills), config.ads.segment_min_size)
    experiments = Experiments(ABStore(ab_store_path(config)), writer_of_ads, catalog.by_id, segments=segments)
    skills.register(AdsSkill(writer_of_ads, catalog.by_id, experiments, config.ads.placement, segments))
    return experiments


def profile_source(skills: SkillRegistry) -> ProfileSource | None:
    """The shoppers' profiles behind the `recommend` skill, when one is registered (looked up when first needed)."""
    recommend = next((skill for skill in skills if isinstance(skill, RecommendSkill)), None)
    return recommender_source(recommend.recommender) if recommend is not None else None


WRITER_SYSTEM_PROMPT = ("You write product descriptions for an online shop. Follow the instruction exactly and "
                        "answer with the description alone.")


def llm_writer(llm: Any, loop: asyncio.AbstractEventLoop, timeout_s: float, max_tokens: int = 256,
               adapter: str | None = None) -> Writer:
    """A `Writer` backed by an open LLM backend whose event loop is `loop` (it is called from worker threads)."""
    from agent.llm.types import BackendUnavailable, ChatRequest, LLMError

    def write(product, prompt: str) -> str:
        request = ChatRequest([{"role": "system", "content": WRITER_SYSTEM_PROMPT},
                               {"role": "user", "content": prompt}], max_tokens=max_tokens, timeout_s=timeout_s,
                              adapter=adapter or None)
        future = asyncio.run_coroutine_threadsafe(llm.complete(request), loop)
        try:
            return future.result(timeout_s + 1.0).text
        except TimeoutError:
            future.cancel()
            raise WriterFailed(f"no draft within {timeout_s:g}s") from None
        except (LLMError, BackendUnavailable) as exc:
            raise WriterFailed(str(exc)) from exc

    return write


def use_llm_writer(skills: SkillRegistry, llm: Any, config: AisleConfig) -> bool:
    """Let the open LLM draft descriptions in chat where `describe.writer` is llm; call on the server's loop."""
    describe = next((s for s in skills if isinstance(s, DescribeSkill)), None)
    if llm is None or describe is None or config.describe.writer != "llm":
        return False
    describe.generator.writer = llm_writer(llm, asyncio.get_running_loop(), config.llm.timeout_s,
                                           config.llm.max_new_tokens, config.llm.adapter)
    return True


@contextmanager
def command_line_writer(config: AisleConfig) -> Iterator[Writer | None]:
    """The configured LLM as a writer for a command-line run (its event loop on a thread of its own), or None."""
    if config.llm.backend == "none":
        yield None
        return
    from agent.llm.setup import open_llm

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="describe-llm", daemon=True)
    thread.start()
    opened = open_llm(config.llm)
    try:
        llm = asyncio.run_coroutine_threadsafe(opened.__aenter__(), loop).result()
        try:
            yield llm_writer(llm, loop, config.llm.timeout_s, config.llm.max_new_tokens, config.llm.adapter)
        finally:
            asyncio.run_coroutine_threadsafe(opened.__aexit__(None, None, None), loop).result()
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
