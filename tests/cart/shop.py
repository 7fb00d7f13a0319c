"""A real agent with the cart: the demo shop of the dialog tests, the real router, and a cart store."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from agent.core import Agent
from agent.dialog import DialogPolicy
from agent.handoff_context import HandoffContextBuilder
from agent.store import SQLiteStore
from agent.types import BotMessage, UserMessage
from skills.cart import CartSkill, CartStore
from skills.orders import SQLiteOrderStore
from tests.agent.conftest import orders_of

ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")


def cart_agent(shop, folder: Path, carts: CartStore, max_quantity: int = 10) -> Agent:
    orders = SQLiteOrderStore.open(folder / "orders.db")
    skills = shop.skills(orders)
    skills.register(CartSkill(carts, shop.catalog.by_id, max_quantity))
    store = SQLiteStore.open(folder / "aisle.db")
    return Agent(shop.router, skills, store, shop.catalog, dialog=DialogPolicy(skills),
                 handoff_context=HandoffContextBuilder(store, shop.catalog.by_id, orders))  # orders_of(agent) finds them


async def close(agent: Agent) -> None:
    await orders_of(agent).close()
    await agent.store.close()


async def say(agent: Agent, sender: str, text: str, channel: str = "rest", customer: str = "") -> BotMessage:
    """One message; ``customer`` is who a channel verified the shopper to be (the shop's signed-in user)."""
    metadata = {"customer": customer} if customer else {}
    replies = await agent.handle(UserMessage(sender, text, channel=channel, metadata=metadata))
    assert len(replies) == 1, replies
    return replies[0]


def position_of(products, wanted) -> tuple[int, object]:
    """The first product shown that ``wanted(product)`` accepts, as (1-based position, product)."""
    return next((n, p) for n, p in enumerate(products, 1) if wanted(p))


@dataclass
class Reply:
    """One answer as any channel showed it: its text, the products shown, the cart sent along."""

    text: str
    products: list = field(default_factory=list)
    cart: dict | None = None


async def ten_turns(turn: Callable[[str], Awaitable[Reply]]) -> dict:
    """Find two products, add them with sizes, change a quantity, look, remove one, check out.

    Products are picked by what was shown (in stock, sized or not); returns the last cart seen."""
    found = await turn("show me sneakers")
    n, shoe = position_of(found.products, lambda p: p.sizes and p.stock >= 2 and p.product_type == "sneakers")
    asked = await turn(f"add the {ORDINALS[n - 1]} one to my cart")
    assert "Which size" in asked.text and shoe.title in asked.text, asked.text
    size = shoe.sizes[len(shoe.sizes) // 2]
    added = await turn(f"size {size}")
    assert added.cart["count"] == 1 and f"size {size}" in added.text, added.text
    mugs = await turn("show me mugs")
    m, mug = position_of(mugs.products, lambda p: p.product_type == "mug" and p.stock >= 3 and not p.sizes)
    added = await turn(f"add the {ORDINALS[m - 1]} one to my basket")
    assert added.cart["count"] == 2 and mug.title in added.text, added.text
    more = await turn("make it two")
    assert more.cart["count"] == 3 and f"2 × {mug.title}" in more.text, more.text
    listed = await turn("what's in my cart?")
    assert shoe.title in listed.text and mug.title in listed.text
    assert listed.cart["total"] == pytest.approx(shoe.price + 2 * mug.price)
    assert [(line["title"], line["size"]) for line in listed.cart["lines"]] == [(shoe.title, size), (mug.title, "")]
    removed = await turn("remove the sneakers")
    assert [line["title"] for line in removed.cart["lines"]] == [mug.title], removed.text
    done = await turn("checkout")
    assert done.cart["checkout_url"] and done.cart["checkout_url"] in done.text, done.text
    assert (await turn("thanks")).cart is None
    return done.cart
