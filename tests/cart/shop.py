"""A real agent with the cart: the demo shop of the dialog tests, the real router, and a cart store."""
from __future__ import annotations

from pathlib import Path

from agent.core import Agent
from agent.dialog import DialogPolicy
from agent.store import SQLiteStore
from agent.types import BotMessage, UserMessage
from skills.cart import CartSkill, CartStore
from skills.orders import SQLiteOrderStore

ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")


def cart_agent(shop, folder: Path, carts: CartStore, max_quantity: int = 10) -> Agent:
    orders = SQLiteOrderStore.open(folder / "orders.db")
    skills = shop.skills(orders)
    skills.register(CartSkill(carts, shop.catalog.by_id, max_quantity))
    agent = Agent(shop.router, skills, SQLiteStore.open(folder / "aisle.db"), shop.catalog, dialog=DialogPolicy(skills))
    agent.orders = orders
    return agent


async def close(agent: Agent) -> None:
    await agent.orders.close()
    await agent.store.close()


async def say(agent: Agent, sender: str, text: str, channel: str = "rest") -> BotMessage:
    replies = await agent.handle(UserMessage(sender, text, channel=channel))
    assert len(replies) == 1, replies
    return replies[0]


def position_of(products, wanted) -> tuple[int, object]:
    """The first product shown that ``wanted(product)`` accepts, as (1-based position, product)."""
    return next((n, p) for n, p in enumerate(products, 1) if wanted(p))
