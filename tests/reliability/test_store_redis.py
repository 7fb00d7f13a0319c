"""The Redis store, lock and bus against the shared conformance tests, on a real `redis-server`
started for this module (`redis_url` in conftest); skipped only when there is none."""
from __future__ import annotations

import pytest

from agent.store import SQLiteStore
from agent.store.redis import RedisBus, RedisLock, RedisStore
from tests.agent.conftest import orders_of
from tests.reliability.store_conformance import *  # noqa: F401,F403  (the shared tests)


@pytest.fixture
async def store(redis_url, request):
    store = await RedisStore.open(redis_url, prefix=f"t{id(request)}:")
    await store.client.flushdb()
    yield store
    await store.close()


@pytest.fixture
async def lock(store):
    return RedisLock(store.client, store.prefix)


@pytest.fixture
async def bus(store):
    return RedisBus(store.client, store.prefix)


async def test_two_processes_worth_of_clients_share_conversations_and_locks(redis_url):
    first, second = await RedisStore.open(redis_url), await RedisStore.open(redis_url)
    try:
        await first.append("webchat:shared", "user", "from process one")
        await second.save_state("webchat:shared", {"turns": 1})
        assert [t.text for t in await second.transcript("webchat:shared")] == ["from process one"]
        assert await first.load_state("webchat:shared") == {"turns": 1}
        async with RedisLock(first.client, wait_s=0.3).hold("webchat:shared"):
            with pytest.raises(TimeoutError):
                async with RedisLock(second.client, wait_s=0.3).hold("webchat:shared"):
                    pass
    finally:
        await first.close()
        await second.close()


async def test_the_agent_keeps_its_conversations_in_redis(redis_url, shop, tmp_path):
    from agent.types import UserMessage

    sqlite_store = SQLiteStore.open(tmp_path / "aisle.db")
    store = await RedisStore.open(redis_url, prefix="agent-test:")
    agent = shop.agent(tmp_path, store=store, lock=RedisLock(store.client, "agent-test:"))
    try:
        for text in ("red sneakers", "in blue"):
            assert await agent.handle(UserMessage("ria", text))
        said = [t.text for t in await store.transcript("rest:ria") if t.role == "user"]
        assert said == ["red sneakers", "in blue"]
        assert (await store.load_state("rest:ria"))  # the dialog state is there for the next process
        assert await sqlite_store.transcript("rest:ria") == []
    finally:
        await store.close()
        await sqlite_store.close()
        await orders_of(agent).close()


async def test_a_shared_record_is_updated_in_place_and_never_brought_back(store):
    from agent.store.redis import RedisTable

    first, second = RedisTable(store.client, "tickets", store.prefix), RedisTable(store.client, "tickets", store.prefix)
    await first.put("webchat:x", {"status": "waiting", "preview": ""})
    await second.update("webchat:x", {"status": "active"})
    assert await first.update("webchat:x", {"preview": "hello?"}) == {"status": "active", "preview": "hello?"}
    assert await first.remove("webchat:x")
    assert await second.update("webchat:x", {"preview": "still there?"}) is None
    assert await first.all() == {}
