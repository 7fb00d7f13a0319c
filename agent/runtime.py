"""Opening everything the agent needs, in order, and closing it again.

`assemble_agent` is the one place the agent is built: the store, the lock, the LLM and the optional kits
are opened first (`open_agent`), every collaborator is decided from the config, and then the agent is
constructed with all of them; nothing is replaced afterwards.

    async with open_agent(load_config()) as agent:
        ...
"""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import AsyncIterator

from agent.cart_setup import CartKit, cart_lines, open_cart, register_cart_skill
from agent.config import AisleConfig
from agent.copywriting import register_copy_skills, use_llm_writer
from agent.core import Agent
from agent.customer_service import (handoff_context_for, open_orders, open_policies, prepare_orders,
                                    register_dialog_skills)
from agent.dialog import DialogPolicy
from agent.nlu.intent_model import open_intent_model
from agent.nlu.language import language_detector
from agent.nlu.nlu_data import read_nlu_data
from agent.llm.setup import llm_parts, open_llm
from agent.llm.types import LLMBackend
from agent.nlu.router import EmbeddingRouter
from agent.recommend_setup import register_recommend_skill
from agent.skill_catalog import CATALOG
from agent.privacy import retention_task
from agent.store import ConversationStore, SQLiteStore
from agent.store.coordination import ConversationLock
from agent.store.redis import RedisLock, RedisStore
from agent.tryon_setup import TryOnKit, open_tryon
from knowledge.catalog_index import CatalogIndex
from knowledge.demo.catalog import generate_demo_catalog
from knowledge.embed_batching import BatchingEmbedder
from knowledge.embedders import SentenceTransformerEmbedder
from knowledge.policy_docs import PolicyIndex
from knowledge.query_parse import Lexicon
from knowledge.retriever import Retriever
from skills.orders import OrderStore
from skills.base import SkillParts
from skills.registry import SkillRegistry
from skills.search import SearchSkill

log = logging.getLogger(__name__)


def ensure_catalog(config: AisleConfig, progress: bool = True) -> None:
    """With no catalog configured, generate the demo catalog once."""
    if config.catalog.path or config.catalog_path.exists():
        return
    log.info("generating the demo catalog (%d products) in %s", config.catalog.demo_size, config.catalog_path.parent)
    generate_demo_catalog(config.catalog_path.parent, n=config.catalog.demo_size, progress=progress)


def open_catalog(config: AisleConfig, progress: bool = True, rebuild: bool = False) -> CatalogIndex:
    ensure_catalog(config, progress)
    embedder = BatchingEmbedder(SentenceTransformerEmbedder(config.embedder.model or None, config.embedder.batch_size,
                                                            config.embedder.device),
                                max_batch=config.embedder.serve_batch, wait_ms=config.embedder.batch_wait_ms,
                                threads=config.embedder.serve_threads)
    index = CatalogIndex.open(config.catalog_path, config.index_path, embedder, progress=progress, rebuild=rebuild,
                              spec=config.index.spec(), format=config.catalog.format, columns=config.catalog.columns)
    for error in index.load_errors[:20]:
        log.warning("catalog %s line %d: %s", config.catalog_path, error.line, error.message)
    return index


def build_skills(retriever: Retriever, config: AisleConfig, tryon: TryOnKit | None = None,
                 orders: OrderStore | None = None, policies: PolicyIndex | None = None,
                 cart: CartKit | None = None) -> SkillRegistry:
    skills = SkillRegistry()
    skills.register(SearchSkill(retriever, config.search.results))
    CATALOG.register_built(skills, SkillParts(retriever, config.catalog_path.parent))  # smalltalk, out_of_scope, ...
    register_copy_skills(skills, retriever.index, config)  # describe, ads (merchants only)
    register_recommend_skill(skills, retriever, config)  # recommend, and its hint after a search
    register_dialog_skills(skills, retriever, config, orders, policies)  # refine, select, orders, policies, ...
    register_cart_skill(skills, cart, retriever.index.by_id, config)  # after recommend: cart events feed it
    if tryon is not None:
        skills.register(tryon.skill(retriever.index.by_id, config.catalog_path.parent))
    return skills


def embedding_router(config: AisleConfig, catalog: CatalogIndex) -> EmbeddingRouter:
    """The intent model (trained or cached) with the catalog's lexicon, regexes and language check."""
    nlu = read_nlu_data(config.nlu.data)
    intent = open_intent_model(config.nlu.model, nlu, catalog.embedder, config.data_path / "cache",
                               config.nlu.threshold, config.embedder.device)
    encoder = intent.embedder  # a trained intent model brings its own: it gets its own batches
    if not isinstance(encoder, BatchingEmbedder):
        encoder = BatchingEmbedder(encoder, config.embedder.serve_batch, config.embedder.batch_wait_ms,
                                   config.embedder.serve_threads)
    return EmbeddingRouter(encoder, intent.model, Lexicon.from_products(catalog.products),
                           intent.threshold, regexes=nlu.regexes, language=language_detector(config.nlu),
                           understood=config.nlu.languages)


@dataclass(frozen=True)
class Opened:
    """What `assemble_agent` opens and what it is given: the store, the lock, the LLM and the optional kits."""

    store: ConversationStore
    lock: ConversationLock | None = None
    llm: LLMBackend | None = None
    tryon: TryOnKit | None = None
    orders: OrderStore | None = None
    cart: CartKit | None = None


async def assemble_agent(config: AisleConfig, opened: Opened, progress: bool = True) -> Agent:
    """The one place the agent is built: every collaborator, the LLM's included, is decided here first."""
    catalog, router, skills = await asyncio.to_thread(_shop, config, opened, progress)
    use_llm_writer(skills, opened.llm, config)  # describe.writer: llm (on the server's loop)
    chosen = llm_parts(opened.llm, config.llm, router, skills, catalog)
    context = handoff_context_for(config, opened.store, catalog, opened.orders, cart_lines(opened.cart),
                                  chosen.summariser)
    tryon = opened.tryon
    return Agent(chosen.router, chosen.skills, opened.store, catalog, lock=opened.lock,
                 dialog=DialogPolicy(skills, config.dialog, languages=config.nlu.languages),
                 handoff_context=context, history_turns=chosen.history_turns, llm=opened.llm,
                 media_root=config.catalog_path.parent, experiments=skills["ads"].experiments,
                 media=tryon.media if tryon else None, tryon_inbox=tryon.inbox if tryon else None)


def _shop(config: AisleConfig, opened: Opened, progress: bool) -> tuple[CatalogIndex, EmbeddingRouter, SkillRegistry]:
    """The heavy part, off the event loop: the catalog and its index, the router, the skills."""
    catalog = open_catalog(config, progress)
    if opened.orders is not None:
        prepare_orders(config, opened.orders, catalog.products)
    skills = build_skills(Retriever(catalog), config, opened.tryon, opened.orders,
                          open_policies(config, catalog.embedder), opened.cart)
    return catalog, embedding_router(config, catalog), skills


@asynccontextmanager
async def open_agent(config: AisleConfig, progress: bool = True) -> AsyncIterator[Agent]:
    redis_url = config.store.redis_url
    store = (await RedisStore.open(redis_url, timeout_s=config.store.redis_timeout_s,
                                   max_connections=config.store.redis_max_connections)
             if redis_url else SQLiteStore.open(config.store_path))
    orders = open_orders(config)
    try:
        async with open_tryon(config) as tryon:  # media store, its cleanup task, the try-on backend
            async with (open_llm(config.llm) as llm, retention_task(store, config.store.retention_days),
                        open_cart(config) as cart):
                lock = RedisLock(store.client) if redis_url else None
                yield await assemble_agent(config, Opened(store, lock, llm, tryon, orders, cart), progress)
    finally:
        await orders.close()
        await store.close()
