"""Fixtures for the reliability tests: the small real shop of the dialog tests, served by the real app."""
from __future__ import annotations

import pytest

from agent.config import ServerConfig
from channels.server import build_app
from channels.testing import serving
from tests.agent.conftest import Shop, orders_of, shop  # noqa: F401  (the session fixture, shared)
from tests.reliability.redis_server import RedisServer
from tests.tryon.conftest import open_tryon_agent, tryon_config, wardrobe  # noqa: F401  (the try-on shop)


@pytest.fixture
async def real_agent(shop: Shop, tmp_path):  # noqa: F811
    agent = shop.agent(tmp_path)
    yield agent
    await orders_of(agent).close()
    await agent.store.close()


@pytest.fixture
async def real_client(aiohttp_client, real_agent):
    """The real app (default channels) over the real agent on tiny data."""
    return await aiohttp_client(build_app(ServerConfig(), serving(real_agent)))


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    """A real `redis-server` for the module (skips where it is not installed)."""
    server = RedisServer.start(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def redis_url(redis_server):
    return redis_server.url
