"""Orders over REST with the real agent and a real order store (issue 17, defect 1): a shopper the shop
signed in (HMAC-signed user id) sees their orders; anyone else needs the order number and its e-mail."""
from __future__ import annotations

import hashlib
import hmac

import pytest

from agent.config import AisleConfig, OrdersConfig, ServerConfig
from agent.core import Agent
from agent.dialog import DialogPolicy
from agent.store import SQLiteStore
from channels.server import build_app
from channels.testing import serving
from knowledge.retriever import Retriever
from skills.orders import SQLiteOrderStore
from skills.orders.demo import DEMO_CUSTOMERS, ensure_demo_orders
from skills.registry import SkillRegistry
from skills.search import SearchSkill
from skills.smalltalk import OutOfScopeSkill, SmalltalkSkill
from agent.customer_service import register_dialog_skills

SECRET = "shop-identity-secret-for-tests"
ALEX, SAM = DEMO_CUSTOMERS[0][1], DEMO_CUSTOMERS[1][1]
WEBHOOK = "/webhooks/rest/webhook"


def signed(user_id: str, secret: str = SECRET) -> dict:
    """What the shop's server puts next to a signed-in customer's messages."""
    return {"user_id": user_id, "user_hash": hmac.new(secret.encode(), user_id.encode(), hashlib.sha256).hexdigest()}


@pytest.fixture
async def client(shop, tmp_path, aiohttp_client, monkeypatch):
    monkeypatch.setenv("AISLE_IDENTITY_SECRET", SECRET)
    orders = SQLiteOrderStore.open(tmp_path / "orders.db")
    ensure_demo_orders(orders, shop.catalog.products)  # the shop's "real" orders: no demo sign-in for them
    config = AisleConfig(data_dir=str(tmp_path), orders=OrdersConfig(path=str(tmp_path / "orders.db")))
    skills = SkillRegistry()
    for skill in (SearchSkill(Retriever(shop.catalog), 6), SmalltalkSkill(), OutOfScopeSkill()):
        skills.register(skill)
    register_dialog_skills(skills, Retriever(shop.catalog), config, orders, shop.policies)
    agent = Agent(shop.router, skills, SQLiteStore.open(tmp_path / "aisle.db"), shop.catalog,
                  dialog=DialogPolicy(skills))
    client = await aiohttp_client(build_app(ServerConfig(), serving(agent), channels=("rest",)))
    client.orders = orders
    yield client
    await orders.close()
    await agent.store.close()


async def say(client, sender: str, text: str, metadata: dict | None = None) -> str:
    body = {"sender": sender, "message": text, **({"metadata": metadata} if metadata else {})}
    replies = await (await client.post(WEBHOOK, json=body)).json()
    return " ".join(r.get("text", "") for r in replies)


async def test_an_order_number_alone_is_not_enough_the_email_on_it_is(client):
    sams = (await client.orders.orders_for(SAM))[0]
    asked = await say(client, "stranger", f"where is my order {sams.number}?")
    assert "e-mail" in asked and sams.summary() not in asked and "being prepared" not in asked
    wrong = await say(client, "stranger", ALEX)
    assert sams.summary() not in wrong and "can't find" in wrong
    shown = await say(client, "sam", f"where is my order {sams.number}?")
    assert "e-mail" in shown
    shown = await say(client, "sam", SAM)
    assert f"Order {sams.number}" in shown and "being prepared" in shown


async def test_a_shopper_the_shop_signed_in_sees_their_orders_and_a_forged_hash_signs_in_no_one(client):
    latest = await say(client, "alex-web", "where is my last order?", signed(ALEX))
    newest = (await client.orders.orders_for(ALEX))[0]
    assert f"Order {newest.number}" in latest and "tracking number" in latest
    forged = await say(client, "mallory", "where is my last order?", signed(ALEX, secret="guessed"))
    assert "order number" in forged and newest.number not in forged
    claimed = await say(client, "mallory", "where is my last order?", {"customer": ALEX, "user_id": ALEX})
    assert newest.number not in claimed  # a client cannot name the customer itself
