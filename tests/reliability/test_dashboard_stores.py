"""The dashboard's conversation figures are the same on every conversation store.

The same conversations, written through the store interface, into the SQLite store and into the
Redis store (a real `redis-server`): containment and handoffs come out alike. And through the real
agent: a shopper helped and a shopper handed to a person are half contained.
"""
from __future__ import annotations

import pytest

from agent.config import ServerConfig
from agent.store import SQLiteStore
from agent.store.redis import RedisStore
from channels.admin.figures import Sources, compute_figures
from channels.server import build_app
from channels.testing import serving

CONVERSATIONS = {
    "webchat:a": ["user", "bot"],
    "webchat:b": ["user", "bot", "user", "handoff", "user"],
    "telegram:c": ["user", "bot", "user", "bot"],
    "rest:d": ["bot"],  # nobody wrote: not a conversation
    "slack:e": ["user", "handoff"],
}


@pytest.fixture(params=["sqlite", "redis"])
async def store(request, tmp_path):
    if request.param == "sqlite":
        opened = SQLiteStore.open(tmp_path / "aisle.db")
    else:
        try:
            url = request.getfixturevalue("redis_url")  # the real redis-server of tests/reliability/conftest.py
        except pytest.FixtureLookupError:
            pytest.skip("no redis_url fixture here")
        opened = await RedisStore.open(url, prefix=f"dash-{tmp_path.name}:")
    yield opened
    await opened.close()


async def test_containment_and_handoffs_are_counted_alike_on_every_store(store):
    for conversation, roles in CONVERSATIONS.items():
        for role in roles:
            await store.append(conversation, role, f"{role} text")
    figures = await compute_figures(Sources(store), days=1)
    [today] = figures.days
    assert (today.conversations, today.handed_off, today.contained) == (4, 2, 2)
    assert today.rates()["containment_rate"] == 0.5 and today.rates()["handoff_rate"] == 0.5
    assert today.rates()["csat"] is None and today.rates()["click_through_rate"] is None
    assert figures.totals.conversations == 4


async def test_the_dashboard_counts_what_the_real_agent_did(aiohttp_client, real_agent, monkeypatch):
    monkeypatch.setenv("AISLE_ADMIN_TOKEN", "dashboard-token")
    client = await aiohttp_client(build_app(ServerConfig(), serving(real_agent)))
    chats = {"ann": ["red sneakers under 80", "thanks"], "bob": ["I want to talk to a human", "Talk to a person"]}
    for sender, texts in chats.items():
        for text in texts:
            response = await client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
            assert response.status == 200
    response = await client.get("/admin/dashboard.json?days=1", headers={"Authorization": "Bearer dashboard-token"})
    totals = (await response.json())["totals"]
    assert (totals["conversations"], totals["handed_off"], totals["containment_rate"]) == (2, 1, 0.5)
