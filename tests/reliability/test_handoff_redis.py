"""The handoff queue across two server processes' worth of apps sharing one real `redis-server`:
the shopper chats with process A, the colleague works the console of process B."""
from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import pytest

from agent.config import ServerConfig
from agent.store.redis import RedisLock, RedisStore
from channels.context import SERVICES
from channels.server import build_app
from channels.testing import serving
from tests.agent.conftest import orders_of

TOKEN = "console-token-for-the-tests-0123456789"
CHANNELS = ("rest", "webchat", "console")


async def _frame(ws, kind: str, until=lambda frame: True) -> dict:
    """The next frame of `kind` that satisfies `until` (others are skipped)."""
    async with asyncio.timeout(10):
        while True:
            frame = await ws.receive_json()
            if frame["type"] == kind and until(frame):
                return frame


@pytest.fixture
async def two_processes(shop, tmp_path, redis_url, aiohttp_client, monkeypatch):
    """Two apps, each with its own agent, Redis connection and channels' database, like two `aisle serve`."""
    monkeypatch.setenv("AISLE_CONSOLE_TOKEN", TOKEN)
    async with AsyncExitStack() as stack:
        clients = []
        for name in ("a", "b"):
            store = await RedisStore.open(redis_url)
            stack.push_async_callback(store.close)
            await store.client.flushdb() if name == "a" else None
            agent = shop.agent(tmp_path / name, store=store, lock=RedisLock(store.client))
            stack.push_async_callback(orders_of(agent).close)
            client = await aiohttp_client(build_app(ServerConfig(), serving(agent), channels=CHANNELS))
            stack.push_async_callback(client.close)  # the app stops before its Redis connection closes
            clients.append(client)
        yield clients


async def _ask_for_a_person(ws) -> str:
    session = (await _frame(ws, "session"))["session_id"]
    for text in ("I want to talk to a person", "Talk to a person"):
        await ws.send_json({"type": "message", "text": text})
        await _frame(ws, "bot")
    return f"webchat:{session}"


async def test_a_colleague_on_one_process_serves_a_shopper_connected_to_another(two_processes):
    a, b = two_processes
    console = await b.ws_connect("/console/ws?name=Sam", headers={"Authorization": f"Bearer {TOKEN}"})
    assert (await _frame(console, "queue"))["items"] == []
    shopper = await a.ws_connect("/webchat/ws")
    cid = await _ask_for_a_person(shopper)

    queued = await _frame(console, "queue", lambda f: bool(f["items"]))  # live, from the other process
    assert [t["conversation_id"] for t in queued["items"]] == [cid] and queued["items"][0]["status"] == "waiting"

    await console.send_json({"type": "take", "conversation_id": cid})
    joined = await _frame(shopper, "bot")
    assert joined["messages"][0]["text"] == "Sam from our team has joined the conversation."
    assert (await _frame(shopper, "handoff"))["status"] == "active"
    assert a.app[SERVICES].queue.tickets[cid].status == "active"  # A's copy of the queue follows

    await console.send_json({"type": "reply", "conversation_id": cid, "text": "Hi, Sam here. How can I help?"})
    reply = await _frame(shopper, "bot")
    assert reply["author"] == "Sam" and reply["messages"][0]["text"] == "Hi, Sam here. How can I help?"

    await shopper.send_json({"type": "message", "text": "my order never arrived"})
    assert (await _frame(shopper, "idle")) == {"type": "idle"}  # the assistant on A stays silent
    view = await _frame(console, "conversation", lambda f: f["ticket"]["latest"] == "my order never arrived")
    assert view["turns"][-1]["text"] == "my order never arrived" and view["handoff"]["agent"] == "Sam"

    await console.send_json({"type": "return", "conversation_id": cid})
    back = await _frame(shopper, "bot")
    assert back["messages"][0]["text"].startswith("You're back with the shop assistant")
    pending = await _frame(shopper, "bot")  # answered on B, delivered by A, which holds the shopper's socket
    assert pending["messages"] and "colleague" not in pending["messages"][0]["text"].lower()
    assert (await _frame(console, "queue"))["items"] == []
    async with asyncio.timeout(5):
        while a.app[SERVICES].queue.tickets:
            await asyncio.sleep(0.02)
    await shopper.send_json({"type": "message", "text": "red sneakers"})
    assert (await _frame(shopper, "bot"))["messages"], "the assistant answers again"
    await shopper.close()
    await console.close()


async def test_a_process_started_later_sees_the_waiting_shoppers(two_processes, aiohttp_client, shop, tmp_path,
                                                                 redis_url):
    a, _ = two_processes
    shopper = await a.ws_connect("/webchat/ws")
    cid = await _ask_for_a_person(shopper)
    store = await RedisStore.open(redis_url)
    agent = shop.agent(tmp_path / "c", store=store, lock=RedisLock(store.client))
    try:
        c = await aiohttp_client(build_app(ServerConfig(), serving(agent), channels=CHANNELS))
        assert list(c.app[SERVICES].queue.tickets) == [cid]
        console = await c.ws_connect("/console/ws?name=Ana", headers={"Authorization": f"Bearer {TOKEN}"})
        await _frame(console, "queue", lambda f: [t["conversation_id"] for t in f["items"]] == [cid])
        await console.send_json({"type": "reply", "conversation_id": cid, "text": "Ana here."})
        assert (await _frame(shopper, "bot", lambda f: f.get("author") == "Ana"))["messages"][0]["text"] == "Ana here."
        await console.close()
    finally:
        await store.close()
        await orders_of(agent).close()
    await shopper.close()
