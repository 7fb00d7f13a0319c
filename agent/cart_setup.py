"""Wiring the cart: the configured store opened and closed, the skill registered, its events recorded.

    async with open_cart(config) as kit:            # in agent.runtime.open_agent
        register_cart_skill(skills, kit, catalog.by_id, config)
    await sign_in(agent, "webchat:abc", "ben@example.com")   # the shop signed the shopper in

Added-to-cart and checkout become shopper events (`skills.recommend.events`), where recommendations
weigh an add-to-cart above a view and the admin dashboard counts carts started and checkouts.
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from agent.config import AisleConfig
from agent.errors import ConfigError
from agent.state import DialogState
from skills.cart import CartEvent, CartSkill, CartStore, SQLiteCartStore, conversation_owner, customer_owner
from skills.cart.shopify_api import StorefrontClient
from skills.cart.shopify_store import CartOwners, ShopifyCartStore
from skills.cart.variants import VariantMap
from skills.recommend.events import Event
from skills.registry import SkillRegistry
from skills.shopping.common import Lookup

log = logging.getLogger(__name__)
STOREFRONT_CONNECTIONS = 16


@dataclass
class CartKit:
    """The open store and, on Shopify, the variant map that needs the catalog once it is loaded."""

    store: CartStore
    variants: VariantMap | None = None


def carts_path(config: AisleConfig) -> Path:
    return Path(config.cart.path) if config.cart.path else config.data_path / "carts.db"


@asynccontextmanager
async def open_cart(config: AisleConfig) -> AsyncIterator[CartKit | None]:
    """The configured cart store, closed again at shutdown; None when the cart is switched off."""
    cart = config.cart
    if not cart.enabled:
        yield None
        return
    if cart.backend == "sqlite":
        store = SQLiteCartStore.open(carts_path(config), cart.checkout_url)
        try:
            yield CartKit(store)
        finally:
            await store.close()
        return
    token = os.environ.get(cart.shopify.token_env, "")
    if not token:
        raise ConfigError(f"cart.backend is shopify but the environment variable {cart.shopify.token_env} "
                          "(cart.shopify.token_env) holding the Storefront access token is not set")
    connector = aiohttp.TCPConnector(limit=STOREFRONT_CONNECTIONS)  # calls in flight at once; more wait their turn
    async with aiohttp.ClientSession(connector=connector) as session:
        variants = VariantMap.from_file(lambda product_id: None, cart.shopify.variants_path)
        client = StorefrontClient(session, cart.shopify.url, token, cart.shopify.timeout_s)
        store = ShopifyCartStore(client, variants, CartOwners.open(carts_path(config)))
        try:
            yield CartKit(store, variants)
        finally:
            await store.close()


def cart_lines(kit: CartKit | None):
    """What the handoff context shows of a conversation's cart (None without a cart): the cart of the
    owner the skill last used, a signed-in customer's own, else the conversation's."""
    if kit is None:
        return None

    async def lines(conversation_id: str, state: DialogState) -> list[dict[str, Any]]:
        owner = state.extra.get("cart_owner") or conversation_owner(conversation_id)
        cart = await kit.store.get(str(owner))
        return [{"title": line.title, "quantity": line.quantity, "size": line.size, "price": line.unit_price}
                for line in cart.lines]

    return lines


def register_cart_skill(skills: SkillRegistry, kit: CartKit | None, lookup: Lookup, config: AisleConfig) -> None:
    """Register `cart`; where `recommend` is registered, cart events feed its shopper events."""
    if kit is None:
        return
    if kit.variants is not None:
        kit.variants.lookup = lookup
    skill = CartSkill(kit.store, lookup, config.cart.max_quantity)
    recommend = next((s for s in skills if s.name == "recommend"), None)
    if recommend is not None:
        skill.listeners.append(EventRecorder(recommend.recommender))
    skills.register(skill)


class EventRecorder:
    """A cart listener: each `CartEvent` becomes a shopper event of the same user."""

    def __init__(self, recommender: Any) -> None:
        self.recommender = recommender

    async def __call__(self, event: CartEvent) -> None:
        recorded = Event(id=f"cart-{uuid.uuid4().hex}", user=event.user, type=event.kind, item=event.product_id,
                         size=event.size, value=float(event.quantity) if event.quantity else None, source="chat",
                         ts=time.time())
        await asyncio.to_thread(self.recommender.record, [recorded])


async def sign_in(agent: Any, conversation_id: str, customer: str) -> None:
    """The shop says who the shopper is: the conversation's cart merges into the customer's cart."""
    async with agent.lock.hold(conversation_id):
        state = DialogState.from_dict(await agent.store.load_state(conversation_id))
        state.customer = customer
        owner = customer_owner(customer)
        if "cart" in {skill.name for skill in agent.skills}:
            await agent.skills["cart"].store.merge(conversation_owner(conversation_id), owner)
            state.extra["cart_owner"] = owner
        await agent.store.save_state(conversation_id, state.to_dict())
