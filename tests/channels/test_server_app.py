"""The app's lifecycle, its one catch point for errors, and the runner."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import socket

import aiohttp
import pytest

from agent.config import ServerConfig
from agent.errors import ConfigError
from channels.registry import register_channel
from channels.server import build_app, serve
from channels.testing import FakeAgent, demo_products


class BrokenAgent(FakeAgent):
    async def handle(self, msg):
        raise RuntimeError("the index file is corrupt")


async def test_agent_opens_at_startup_and_closes_at_shutdown(aiohttp_client):
    events: list[str] = []

    @contextlib.asynccontextmanager
    async def open_agent():
        events.append("open")
        yield FakeAgent(demo_products())
        events.append("close")

    client = await aiohttp_client(build_app(ServerConfig(), open_agent))
    assert events == ["open"]
    assert (await client.get("/health")).status == 200
    await client.close()
    assert events == ["open", "close"]


async def test_agent_failure_is_a_short_500_logged_with_the_conversation(make_client, caplog):
    client = await make_client(agent=BrokenAgent(demo_products()))
    with caplog.at_level(logging.ERROR, logger="channels"):
        body = {"sender": "shopper-9", "message": "my secret address"}
        response = await client.post("/webhooks/rest/webhook", json=body)

    assert response.status == 500
    assert await response.json() == {"error": "internal error: the server could not answer this request", "status": 500}
    assert "rest:shopper-9" in caplog.text
    assert "my secret address" not in caplog.text
    assert (await client.get("/health")).status == 200


def test_only_the_listed_channels_are_served():
    @contextlib.asynccontextmanager
    async def open_agent():
        yield FakeAgent(demo_products())

    app = build_app(ServerConfig(), open_agent, channels=("rest",))
    paths = {r.resource.canonical for r in app.router.routes() if r.resource is not None}
    assert "/webhooks/rest/webhook" in paths and "/webchat/ws" not in paths
    with pytest.raises(ConfigError, match="unknown channel 'telegarm'"):
        build_app(ServerConfig(), open_agent, channels=("telegarm",))


def test_a_channel_name_cannot_be_taken_twice():
    with pytest.raises(ConfigError, match="already registered"):
        register_channel("rest", lambda app, hooks: None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_serve_announces_the_url_once_listening(media_root):
    @contextlib.asynccontextmanager
    async def open_agent():
        yield FakeAgent(demo_products(), media_root)

    port = _free_port()
    announced = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(serve(build_app(ServerConfig(), open_agent), "127.0.0.1", port, announced.set_result))
    try:
        url = await asyncio.wait_for(announced, 10)
        assert url == f"Aisle is listening on http://127.0.0.1:{port}"
        async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{port}/health") as response:
            assert (await response.json())["status"] == "ok"
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
