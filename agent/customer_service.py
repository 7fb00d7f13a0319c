"""Opening what the dialog's skills need (the order store, the policy passages) and registering the skills.

    orders = open_orders(config)                    # at server start, closed at shutdown
    prepare_orders(config, orders, catalog.products)   # demo orders on first start
    register_dialog_skills(skills, retriever, config, orders, open_policies(config, catalog.embedder))
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from agent.config import AisleConfig
from agent.handoff_context import HandoffContextBuilder
from agent.state import DialogState
from knowledge.embedders import Embedder
from knowledge.policy_docs import PolicyIndex
from knowledge.product import Product
from knowledge.retriever import Retriever
from skills.handoff import HandoffSkill
from skills.orders import CancelOrderSkill, OrderStatusSkill, OrderStore, ReturnSkill, SQLiteOrderStore
from skills.orders.demo import DEMO_CUSTOMERS, demo_customer_for, ensure_demo_orders
from skills.orders.guard import LookupGuard
from skills.policies import PolicySkill
from skills.registry import SkillRegistry
from skills.shopping import CompareSkill, ProductQuestionSkill, RefineSkill, SelectSkill

log = logging.getLogger(__name__)


def open_orders(config: AisleConfig) -> SQLiteOrderStore:
    return SQLiteOrderStore.open(config.orders_path)


def prepare_orders(config: AisleConfig, orders: OrderStore, products: Sequence[Product]) -> None:
    """With no order database configured, fill the demo one from the catalog on first start."""
    if not config.orders.path and isinstance(orders, SQLiteOrderStore):
        added = ensure_demo_orders(orders, products)
        if added:
            log.info("created %d demo orders in %s", added, orders.path)


def signed_in_visitor(config: AisleConfig):
    """How a conversation's customer is known without their saying: the demo sign-in, where it is on."""
    return demo_customer_for if config.orders.demo_sign_in and not config.orders.path else None


def handoff_context_for(config: AisleConfig, store, catalog, orders: OrderStore | None,
                        cart_of=None, summariser=None) -> HandoffContextBuilder:
    """What colleagues see on a handoff: the customer (signed in, or the demo's), their orders, the rest."""
    visitor = signed_in_visitor(config)
    names = {email: name for name, email in DEMO_CUSTOMERS} if visitor else {}

    def customer_of(conversation_id: str, state: DialogState) -> str | None:
        return state.customer or (visitor(conversation_id) if visitor else None)

    return HandoffContextBuilder(store, catalog.by_id, orders, customer_of, names.get, cart_of, summariser)


def open_policies(config: AisleConfig, embedder: Embedder) -> PolicyIndex:
    index = PolicyIndex.from_folder(Path(config.policies.dir), embedder, config.policies.home_country)
    log.info("indexed %d policy passages from %s", len(index.passages), config.policies.dir)
    return index


def register_dialog_skills(skills: SkillRegistry, retriever: Retriever, config: AisleConfig,
                           orders: OrderStore | None = None, policies: PolicyIndex | None = None) -> None:
    """Refine, select, product questions, compare, handoff; orders and policies when they are open."""
    lookup = retriever.index.by_id
    skills.register(RefineSkill(retriever, config.search.results))
    skills.register(SelectSkill(lookup))
    skills.register(ProductQuestionSkill(lookup, lambda: retriever.index.products))
    skills.register(CompareSkill(lookup))
    skills.register(HandoffSkill())
    if orders is not None:
        visitor = signed_in_visitor(config)  # the demo sign-in: generated demo orders only
        guard = LookupGuard(config.orders.failed_lookups_per_conversation, config.orders.failed_lookups_per_address)
        skills.register(OrderStatusSkill(orders, visitor, guard=guard))
        skills.register(ReturnSkill(orders, visitor, guard=guard))
        skills.register(CancelOrderSkill(orders, visitor, guard=guard))
    if policies is not None:
        skills.register(PolicySkill(policies, config.policies.min_score))
