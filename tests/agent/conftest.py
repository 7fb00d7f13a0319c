"""A small real shop for the dialog tests: the demo catalog, the real MiniLM, the shop's policies, demo orders."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from agent.config import AisleConfig, DialogConfig, LLMConfig
from agent.copywriting import register_copy_skills
from agent.core import Agent, conversation_id
from agent.customer_service import handoff_context_for, register_dialog_skills
from agent.dialog import DialogPolicy
from agent.llm.setup import llm_parts
from agent.llm.types import LLMBackend
from agent.nlu.intent_model import cached_intent_model
from agent.nlu.nlu_data import read_nlu_data
from agent.nlu.router import EmbeddingRouter
from agent.parts import Router
from agent.state import DialogState
from agent.store import ConversationStore, SQLiteStore
from agent.store.coordination import ConversationLock
from agent.types import BotMessage, UserMessage
from agent.skill_catalog import CATALOG
from knowledge.catalog_index import CatalogIndex
from knowledge.policy_docs import PolicyIndex
from knowledge.query_parse import Lexicon
from knowledge.retriever import Retriever
from skills.orders import SQLiteOrderStore
from skills.orders.demo import ensure_demo_orders
from skills.registry import SkillRegistry
from skills.base import SkillParts
from skills.search import SearchSkill

ORDER_NUMBER = re.compile(r"(?<=Order )ORD-\d{6}(?= \()")  # as an order's status names it


@dataclass
class Shop:
    catalog: CatalogIndex
    router: EmbeddingRouter
    policies: PolicyIndex
    data_dir: Path

    def skills(self, orders: SQLiteOrderStore) -> SkillRegistry:
        """The skills `aisle serve` registers, minus try-on and recommendations (not switched on here)."""
        config = AisleConfig(data_dir=str(self.data_dir))
        retriever = Retriever(self.catalog)
        skills = SkillRegistry()
        skills.register(SearchSkill(retriever, 6))
        CATALOG.register_built(skills, SkillParts(retriever, self.data_dir))  # small talk, out of scope, size guide
        register_copy_skills(skills, self.catalog, config)
        register_dialog_skills(skills, retriever, config, orders, self.policies)
        return skills

    def agent(self, folder: Path, dialog: DialogConfig = DialogConfig(), *, router: Router | None = None,
              store: ConversationStore | None = None, lock: ConversationLock | None = None,
              llm: LLMBackend | None = None, llm_config: LLMConfig = LLMConfig()) -> Agent:
        """An agent whose conversations and orders live in ``folder`` (the same folder reopens them), built
        like `agent.runtime.assemble_agent` builds it: given `store` (else SQLite), `lock` and `llm`; `router`
        replaces the one the LLM options choose (a test's own)."""
        orders = SQLiteOrderStore.open(folder / "orders.db")
        ensure_demo_orders(orders, self.catalog.products)
        skills = self.skills(orders)
        store = store or SQLiteStore.open(folder / "aisle.db")
        chosen = llm_parts(llm, llm_config, self.router, skills, self.catalog)
        context = handoff_context_for(AisleConfig(data_dir=str(self.data_dir)), store, self.catalog, orders,
                                      summariser=chosen.summariser)
        return Agent(router or chosen.router, chosen.skills, store, self.catalog, dialog=DialogPolicy(skills, dialog),
                     handoff_context=context, lock=lock, history_turns=chosen.history_turns, llm=llm)


def orders_of(agent: Agent) -> SQLiteOrderStore:
    """The shop's order store an agent from `Shop.agent` was built with (its handoff context reads it)."""
    return agent.handoff_context.orders


@pytest.fixture(scope="session")
def shop(demo_catalog_path, minilm, tmp_path_factory) -> Shop:
    data_dir = tmp_path_factory.mktemp("shop")
    catalog = CatalogIndex.open(demo_catalog_path, data_dir / "index", minilm, progress=False)
    nlu = read_nlu_data("agent/defaults/nlu.yml")
    model = cached_intent_model(nlu, minilm, data_dir / "cache")
    router = EmbeddingRouter(minilm, model, Lexicon.from_products(catalog.products), 0.35, regexes=nlu.regexes)
    return Shop(catalog, router, PolicyIndex.from_folder(Path("agent/defaults/policies"), minilm), data_dir)


@pytest.fixture
async def agent(shop, tmp_path):
    agent = shop.agent(tmp_path)
    yield agent
    await orders_of(agent).close()
    await agent.store.close()


async def say(agent: Agent, sender: str, text: str) -> BotMessage:
    """One turn; the assistant answers every turn with one message unless a person holds the conversation."""
    replies = await agent.handle(UserMessage(sender, text))
    assert len(replies) == 1, replies
    return replies[0]


async def state_of(agent: Agent, sender: str) -> DialogState:
    return DialogState.from_dict(await agent.store.load_state(conversation_id("rest", sender)))


def titles(reply: BotMessage) -> list[str]:
    return [q.title for q in reply.quick_replies]
