"""The LLM server misbehaves while shoppers chat: slow, failing (500, 429), unreachable, then well again.

The agent is the real one (embedding router, search, dialog) with `llm.backend: openai` pointed at an
OpenAI-compatible server on localhost that a test switches between behaviours. Every turn asks the LLM
(`fast_path_confidence` above 1). Whatever the server does, every shopper gets an answer (the embedding
router answers when the LLM does not), no answer takes longer than `llm.timeout_s` plus a margin, nothing
answers 5xx, and once the server is well again the LLM routes turns again by itself. The circuit
breaker's reset is 2 s here (30 s by default) so that recovery fits in the test.
"""
from __future__ import annotations

import asyncio
import json

import pytest
from aiohttp import web

from agent.config import LLMConfig, ServerConfig
from agent.llm.openai import OpenAIBackend
from channels.server import build_app
from channels.testing import serving
from tests.agent.conftest import orders_of
from tests.reliability.fault_load import Shoppers, slowest_ms
from tests.reliability.redis_server import free_port

pytestmark = pytest.mark.slow

TIMEOUT_S = 1.0
MARGIN_S = 2.0  # the embedding router, the skill and a shared 2-core machine


class FakeLLMServer:
    """`POST /v1/chat/completions` that calls the `search` tool with the shopper's words, or misbehaves:
    `mode` is "ok", "slow" (answers after 5 s), "500", "429", or `stop()` makes it unreachable."""

    def __init__(self) -> None:
        self.mode, self.port, self.calls = "ok", free_port(), 0
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._complete)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)  # "down" at once, kept-alive calls dropped
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _complete(self, request: web.Request) -> web.Response:
        self.calls += 1
        body = await request.json()
        if self.mode == "slow":
            await asyncio.sleep(5)
        if self.mode == "500":
            return web.json_response({"error": {"message": "the model crashed"}}, status=500)
        if self.mode == "429":
            return web.json_response({"error": {"message": "slow down"}}, status=429, headers={"Retry-After": "1"})
        said = next(m["content"] for m in reversed(body["messages"]) if m["role"] == "user")
        call = {"id": "call_1", "type": "function",
                "function": {"name": "search", "arguments": json.dumps({"query": said})}}
        return web.json_response({"choices": [{"message": {"role": "assistant", "content": None, "tool_calls": [call]},
                                               "finish_reason": "tool_calls"}],
                                  "usage": {"prompt_tokens": 10, "completion_tokens": 5}})


@pytest.fixture
async def llm_server():
    server = FakeLLMServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def served(shop, tmp_path, llm_server, aiohttp_client):
    config = LLMConfig(backend="openai", base_url=llm_server.base_url, model="fake", timeout_s=TIMEOUT_S, retries=2,
                       fast_path_confidence=1.01)
    backend = OpenAIBackend(config.base_url, config.model, timeout_s=config.timeout_s, retries=config.retries,
                            breaker_failures=5, breaker_reset_s=2.0)
    async with backend:
        agent = shop.agent(tmp_path, llm=backend, llm_config=config)
        client = await aiohttp_client(build_app(ServerConfig(requests_per_second_per_ip=0), serving(agent)))
        yield client, agent
        await client.close()
    await orders_of(agent).close()
    await agent.store.close()


async def test_shoppers_get_answers_in_time_whatever_the_llm_server_does(served, llm_server):
    client, agent = served
    async with Shoppers(str(client.make_url("")).rstrip("/"), turn_limit_s=TIMEOUT_S + MARGIN_S) as shoppers:
        healthy = await shoppers.phase(2.0)
        assert healthy.errors == 0 and healthy.latencies_ms
        assert agent.router.stats["llm"] > 0, "the LLM routes turns while it is well"
        for fault in ("slow", "500", "429", "down"):
            if fault == "down":
                await llm_server.stop()
            llm_server.mode = fault
            broken = await shoppers.phase(2.5)
            assert broken.errors == 0, (fault, broken.error_kinds)
            assert broken.latencies_ms, f"shoppers got answers while the LLM server was {fault}"
            assert slowest_ms(broken) < (TIMEOUT_S + MARGIN_S) * 1000, (fault, slowest_ms(broken))
        llm_server.mode = "ok"
        await llm_server.start()
        await asyncio.sleep(2.2)  # the breaker lets a trial call through after its reset
        routed = agent.router.stats["llm"]
        recovered = await shoppers.phase(2.5)
    assert recovered.errors == 0 and recovered.latencies_ms
    assert agent.router.stats["llm"] > routed, "the LLM routes turns again once its server is back"
    fallbacks = {k: v for k, v in agent.router.stats.items() if k.startswith("fallback_")}
    assert fallbacks.get("fallback_timeout", 0) + fallbacks.get("fallback_error", 0) > 0
