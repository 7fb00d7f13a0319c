"""Fixtures for channel tests: the real app over the deterministic fake agent."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from agent.config import ServerConfig
from channels.server import build_app
from channels.testing import FakeAgent, demo_products, draw_product_images, serving

MakeClient = Callable[..., Awaitable[TestClient]]


@pytest.fixture(scope="session")
def media_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("media")
    draw_product_images(demo_products(), root)
    return root


@pytest.fixture
def fake_agent(media_root: Path) -> FakeAgent:
    return FakeAgent(demo_products(), media_root)


@pytest.fixture
def app_factory(fake_agent: FakeAgent) -> Callable[..., web.Application]:
    """`app_factory(ServerConfig(...), agent=...)`: the real app over the fake agent (or `agent`)."""

    def make(server: ServerConfig | None = None, agent: object | None = None) -> web.Application:
        return build_app(server or ServerConfig(), serving(agent or fake_agent))

    return make


@pytest.fixture
def make_client(aiohttp_client, app_factory: Callable[..., web.Application]) -> MakeClient:
    """`await make_client(ServerConfig(...), agent=...)`: a test client on the real app."""

    async def make(server: ServerConfig | None = None, agent: object | None = None) -> TestClient:
        return await aiohttp_client(app_factory(server, agent))

    return make


@pytest.fixture
async def client(make_client: MakeClient) -> TestClient:
    return await make_client()
