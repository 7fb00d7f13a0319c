"""The Redis store, lock and bus against the shared conformance tests, on a real `redis-server`
started for this module (installed by `scripts/ensure-redis.sh`); skipped only when there is none."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest

from agent.store.redis import RedisBus, RedisLock, RedisStore
from tests.agent.conftest import shop  # noqa: F401  (the small real shop)
from tests.reliability.store_conformance import *  # noqa: F401,F403  (the shared tests)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (scripts/ensure-redis.sh installs it as root with apt-get)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    folder = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("redis-server did not start")
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


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

    agent = shop.agent(tmp_path)
    sqlite_store = agent.store
    store = await RedisStore.open(redis_url, prefix="agent-test:")
    agent.store, agent.lock = store, RedisLock(store.client, "agent-test:")
    agent.desk.store = store
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
        await agent.orders.close()
