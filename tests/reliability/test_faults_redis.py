"""Redis goes away while shoppers chat on a Redis-backed server, then comes back.

The real agent keeps its conversations and locks in a real `redis-server`, which the test stops (the
process ends, nothing listens on its port) and starts again on the same port. Meanwhile every shopper
still gets an answer (an apology, not a 5xx or a dropped socket) within the store's timeout plus a margin,
and once Redis is back the turns are answered normally again without restarting anything; the handoff
queue's relay subscribes again too.
"""
from __future__ import annotations

import asyncio

import pytest

from agent.config import ServerConfig
from agent.store.redis import RedisLock, RedisStore
from channels.context import SERVICES
from channels.server import build_app
from channels.testing import serving
from tests.agent.conftest import orders_of
from tests.reliability.fault_load import Shoppers, slowest_ms

pytestmark = pytest.mark.slow

STORE_TIMEOUT_S = 2.0  # `RedisStore.open`'s default: every Redis call
MARGIN_S = 2.0


@pytest.fixture
async def served(shop, tmp_path, redis_url, aiohttp_client):
    store = await RedisStore.open(redis_url)
    await store.client.flushdb()
    agent = shop.agent(tmp_path, store=store, lock=RedisLock(store.client))
    client = await aiohttp_client(build_app(ServerConfig(requests_per_second_per_ip=0), serving(agent)))
    yield client
    await client.close()
    await orders_of(agent).close()
    await store.close()


async def test_shoppers_are_answered_while_redis_is_down_and_served_again_when_it_is_back(served, redis_server):
    async with Shoppers(str(served.make_url("")).rstrip("/"), turn_limit_s=STORE_TIMEOUT_S + MARGIN_S) as shoppers:
        healthy = await shoppers.phase(2.0)
        assert healthy.errors == 0 and healthy.latencies_ms

        redis_server.stop()
        try:
            down = await shoppers.phase(3.0)
        finally:
            redis_server.restart()
        assert down.errors == 0, down.error_kinds  # no 5xx, no dropped socket, no turn past the limit
        assert down.latencies_ms and slowest_ms(down) < (STORE_TIMEOUT_S + MARGIN_S) * 1000

        await asyncio.sleep(0.5)
        back = await shoppers.phase(2.5)
    assert back.errors == 0 and len(back.latencies_ms) >= len(healthy.latencies_ms) // 3
    queue = served.app[SERVICES].queue
    assert await queue.host.store.client.keys("aisle:conv:*:events"), "conversations are stored in Redis again"
    ticket = {"conversation_id": "webchat:elsewhere", "reason": "asked", "priority": 1, "requested_at": 1.0}
    async with asyncio.timeout(10):  # the relay listens again: another process's change reaches this queue
        while "webchat:elsewhere" not in queue.tickets:
            await queue.shared.announce("another-process", {"ticket": ticket})
            await asyncio.sleep(0.3)
