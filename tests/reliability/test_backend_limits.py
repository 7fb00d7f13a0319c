"""Every outbound client has a timeout from config and a per-backend concurrency limit.

Against one slow fake server on localhost (each request held `HOLD` seconds): with `max_concurrency`
2 and a timeout of 1 s, five calls at once put at most two in flight; the first two waves get their
answers, and the fifth, which found every slot taken for its whole timeout, fails at once with the
client's clean "busy" error, never reaching the server. The turn loop turns that error into the
usual graceful fallback (the router answers without the LLM; the try-on skill says to try again).
Redis gets the same treatment from its connection pool, against a real `redis-server`, and a message
that waits too long for a turn slot is asked to try again. A walk over the source keeps the list of
outbound clients complete.
"""
from __future__ import annotations

import asyncio
import io
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from PIL import Image
from redis import asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError

from agent.config import ServerConfig, TryOnConfig
from agent.config_channels import OutboundConfig
from agent.llm.openai import BackendBusy, OpenAIBackend
from agent.llm.router import LLMRouter
from agent.llm.types import BackendUnavailable, ChatRequest
from agent.nlu.intent_model import cached_intent_model
from agent.nlu.nlu_data import read_nlu_data
from agent.nlu.router import EmbeddingRouter
from agent.store.redis import RedisStore
from agent.types import Attachment, UserMessage
from channels.context import SERVICES
from channels.limits import BUSY
from channels.outbound import Outbound, PlatformBusy, PlatformError
from channels.server import build_app
from channels.testing import FakeAgent, demo_products, serving
from tests.agent.conftest import orders_of
from knowledge.embedders import HashingEmbedder
from knowledge.query_parse import Lexicon
from skills.registry import SkillRegistry
from skills.search import SearchSkill
from skills.smalltalk import OutOfScopeSkill, SmalltalkSkill
from skills.tryon.backend import TryOnFailed, TryOnRequest
from skills.tryon.http_api import HttpJsonBackend
from skills.tryon.resilience import Guarded, Policy, ServiceBusy
from tests.tryon.conftest import open_tryon_agent, tryon_config, wardrobe  # noqa: F401  (the try-on shop)
from tests.tryon.kit import person_photo

ROOT = Path(__file__).resolve().parents[2]
LIMIT, TIMEOUT_S, HOLD = 2, 1.0, 0.6
CALLS = 2 * LIMIT + 1  # two waves get slots; the last finds them taken until after its timeout


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (384, 512), (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


class SlowServer:
    """Holds every request `HOLD` seconds and records how many were in flight at once."""

    def __init__(self) -> None:
        self.in_flight = self.most_in_flight = self.requests = 0

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(HOLD)
        finally:
            self.in_flight -= 1
        if request.path.endswith("/chat/completions"):
            return web.json_response({"choices": [{"message": {"content": "Hello!"}, "finish_reason": "stop"}],
                                      "usage": {"prompt_tokens": 3, "completion_tokens": 2}})
        if request.path == "/tryon":
            return web.Response(body=_png(), content_type="image/png")
        return web.json_response({"ok": True, "result": {"message_id": 1}})


@pytest.fixture
async def slow(aiohttp_server):
    server = SlowServer()
    server.url = str((await aiohttp_server(server.app())).make_url("")).rstrip("/")
    return server


async def at_once(call, busy: type[Exception]) -> tuple[list, list[float]]:
    """Start `CALLS` calls together; their outcomes and, for the busy ones, how long they waited."""
    waited: list[float] = []

    async def one(n: int):
        started = time.monotonic()
        try:
            return await call(n)
        except busy as exc:
            waited.append(time.monotonic() - started)
            return exc

    return await asyncio.gather(*(one(n) for n in range(CALLS))), waited


def assert_bounded(slow: SlowServer, outcomes: list, waited: list[float], busy: type[Exception]) -> None:
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    assert slow.most_in_flight == LIMIT
    assert len(failures) == 1 and isinstance(failures[0], busy), failures
    assert slow.requests == CALLS - 1  # the busy call never reached the server
    assert len(waited) == 1 and TIMEOUT_S - 0.05 <= waited[0] < TIMEOUT_S + 0.5


async def test_platform_calls_beyond_the_limit_fail_as_busy_after_the_timeout(slow):
    config = OutboundConfig(timeout_s=TIMEOUT_S, retries=0, max_concurrency=LIMIT)
    async with Outbound(config) as outbound:
        outcomes, waited = await at_once(
            lambda n: outbound.call("telegram", "sendMessage", "POST", f"{slow.url}/botTOKEN/sendMessage",
                                    json={"chat_id": n, "text": "hi"}), PlatformBusy)
        assert outbound.slots["telegram"].in_flight == 0 and outbound.slots["telegram"].waiting == 0
    assert_bounded(slow, outcomes, waited, PlatformBusy)
    assert isinstance(outcomes[-1], PlatformError) and "telegram sendMessage" in str(outcomes[-1])
    assert "TOKEN" not in str(outcomes[-1])  # Telegram's token is in the path: never in an error


async def test_llm_requests_beyond_the_limit_fail_as_busy_and_the_router_falls_back(slow, tmp_path):
    async with OpenAIBackend(f"{slow.url}/v1", model="m", timeout_s=TIMEOUT_S, retries=0,
                             max_concurrency=LIMIT) as llm:
        outcomes, waited = await at_once(lambda n: llm.complete(ChatRequest([{"role": "user", "content": "hi"}])),
                                         BackendBusy)
        assert llm.breaker.state == "closed"  # our own limit says nothing about the server's health
        assert_bounded(slow, outcomes, waited, BackendBusy)
        assert all(o.text == "Hello!" for o in outcomes if not isinstance(o, BaseException))
        assert isinstance(outcomes[-1], BackendUnavailable)  # what the router and the responder fall back on

        # a turn while both slots are taken: the router answers without the LLM, within its own budget
        router = LLMRouter(llm, embedding_router(tmp_path), tool_schemas(), fast_path_confidence=1.01, timeout_s=0.3)
        holders = [asyncio.create_task(llm.complete(ChatRequest([{"role": "user", "content": "x"}])))
                   for _ in range(LIMIT)]
        await asyncio.sleep(0.05)
        requests, started = slow.requests, time.monotonic()
        decision = await router.adecide("do you have running shoes")
        assert time.monotonic() - started < 0.3 + 0.5 and slow.requests == requests
        await asyncio.gather(*holders)
    assert decision.skill == "search" and sum(router.stats.values()) == 1
    assert set(router.stats) <= {"fallback_error", "fallback_timeout"}  # busy, or the router's budget ran out first


async def test_tryon_calls_beyond_the_limit_fail_as_busy_without_opening_the_breaker(slow):
    policy = Policy(timeout_s=TIMEOUT_S, retries=2, backoff_s=0.01, max_concurrency=LIMIT, breaker_failures=1)
    request = TryOnRequest(person=_png(), garment=_png(), category="upper_body")
    async with aiohttp.ClientSession() as session:
        guarded = Guarded(HttpJsonBackend(session, slow.url), policy)
        outcomes, waited = await at_once(lambda n: guarded.render(request), ServiceBusy)
    assert_bounded(slow, outcomes, waited, ServiceBusy)
    assert isinstance(outcomes[-1], TryOnFailed) and not outcomes[-1].retryable  # the skill's polite reply
    assert guarded.breaker.state == "closed"


async def test_metrics_report_each_backends_limit_and_the_calls_in_flight_and_waiting(aiohttp_client, shop, tmp_path,
                                                                                    slow):
    async with OpenAIBackend(f"{slow.url}/v1", timeout_s=TIMEOUT_S, max_concurrency=1) as llm:
        agent = shop.agent(tmp_path, llm=llm)
        client = await aiohttp_client(build_app(ServerConfig(), serving(agent)))
        outbound = client.app[SERVICES].outbound
        calls = [asyncio.create_task(llm.complete(ChatRequest([{"role": "user", "content": "hi"}])))
                 for _ in range(2)]
        calls.append(asyncio.create_task(
            outbound.call("slack", "chat.postMessage", "POST", f"{slow.url}/api/chat.postMessage", json={})))
        await asyncio.sleep(0.2)
        text = await (await client.get("/metrics")).text()
        await asyncio.gather(*calls)
    await orders_of(agent).close()
    await agent.store.close()
    assert 'aisle_backend_slots{backend="llm"} 1' in text and 'aisle_backend_slots{backend="slack"} 16' in text
    assert 'aisle_backend_in_flight{backend="llm"} 1' in text and 'aisle_backend_waiting{backend="llm"} 1' in text
    assert 'aisle_backend_in_flight{backend="slack"} 1' in text and 'aisle_backend_waiting{backend="slack"} 0' in text
    assert "# TYPE aisle_backend_waiting gauge" in text


@pytest.fixture
def redis_url(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (scripts/ensure-redis.sh installs it)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                               "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


async def test_redis_calls_beyond_the_connection_limit_fail_cleanly_after_the_timeout(redis_url):
    store = await RedisStore.open(redis_url, timeout_s=TIMEOUT_S, max_connections=LIMIT)
    watcher = aioredis.from_url(redis_url, decode_responses=True)
    most = 0

    async def watch() -> None:
        nonlocal most
        while True:
            most = max(most, int((await watcher.info("clients"))["connected_clients"]) - 1)  # less the watcher
            await asyncio.sleep(0.05)

    watching = asyncio.create_task(watch())
    try:
        # each call holds its connection HOLD seconds (a blocking pop on an empty list)
        outcomes, waited = await at_once(lambda n: store.client.blpop([f"empty-{n}"], timeout=HOLD),
                                         RedisConnectionError)
    finally:
        watching.cancel()
        await watcher.aclose()
        await store.close()
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    assert most == LIMIT
    assert len(failures) == 1 and "No connection available" in str(failures[0])
    assert len(waited) == 1 and TIMEOUT_S - 0.05 <= waited[0] < TIMEOUT_S + 0.5


async def test_a_busy_tryon_service_gets_the_polite_reply_and_the_next_try_works(
        open_tryon_agent, tryon_config, slow):  # noqa: F811  (the fixtures imported above)
    config = tryon_config(tryon=TryOnConfig(backend="http", base_url=slow.url, max_concurrency=1,
                                            timeout_s=TIMEOUT_S, retries=0, breaker_failures=1))
    async with open_tryon_agent(config) as agent:
        async def say(text: str, *attachments: Attachment) -> list:
            return await agent.handle(UserMessage("busy", text, channel="webchat", attachments=attachments))

        [found] = await say("red cotton t-shirt")
        await say("", Attachment(person_photo(), "image/jpeg"))
        await say("yes")
        position = [p.id for p in found.products].index("tee-red") + 1
        slots = agent.skills["tryon"].backend.slots
        async with slots.hold():  # another shopper's try-on holds the only slot past the timeout
            started = time.monotonic()
            [busy] = await say(f"try number {position} on me")
            assert TIMEOUT_S - 0.05 <= time.monotonic() - started < TIMEOUT_S + 1.0
        assert "couldn't make the try-on picture" in busy.text and busy.products[0].id == "tee-red"
        assert slow.requests == 0 and agent.skills["tryon"].backend.breaker.state == "closed"
        [again] = await say("Try it on again")
    assert again.image and slow.requests == 1


class SlowAgent(FakeAgent):
    """Takes `HOLD` seconds over every answer, like an agent behind a slow backend."""

    async def handle(self, msg):
        await asyncio.sleep(HOLD)
        return await super().handle(msg)


async def test_turns_that_wait_past_turn_wait_s_are_asked_to_try_again(aiohttp_client):
    server = ServerConfig(max_concurrent_turns=1, turn_wait_s=0.3)
    client = await aiohttp_client(build_app(server, serving(SlowAgent(demo_products()))))

    async def say(sender: str) -> tuple[str, float]:
        started = time.monotonic()
        response = await client.post("/webhooks/rest/webhook", json={"sender": sender, "message": "red sneakers"})
        assert response.status == 200
        return (await response.json())[0]["text"], time.monotonic() - started

    (first, _), (second, waited) = await asyncio.gather(say("ann"), say("bob"))
    assert first.startswith("I found") and second == BUSY and 0.25 <= waited < 0.3 + 0.4
    assert (await say("bob"))[0].startswith("I found")  # the slot is free again


def embedding_router(folder: Path) -> EmbeddingRouter:
    embedder = HashingEmbedder(dim=128)
    model = cached_intent_model(read_nlu_data(ROOT / "agent/defaults/nlu.yml"), embedder, folder / "cache")
    return EmbeddingRouter(embedder, model, Lexicon.from_products(demo_products()), threshold=0.0)


def tool_schemas() -> list[dict]:
    registry = SkillRegistry()
    for skill in (SearchSkill(retriever=None), SmalltalkSkill(), OutOfScopeSkill()):
        registry.register(skill)
    return registry.tool_schemas()


# Every place that opens a connection to another service, and what bounds it (time and concurrency).
OUTBOUND_CLIENTS = {
    "channels/outbound.py": "platform APIs: channels.outbound.timeout_s and .max_concurrency (per platform)",
    "agent/llm/openai.py": "LLM server: llm.timeout_s and llm.max_concurrency",
    "agent/tryon_setup.py": "try-on services: tryon.timeout_s and tryon.max_concurrency (Guarded)",
    "agent/store/redis.py": "Redis: store.redis_timeout_s and store.redis_max_connections (a blocking pool)",
    "agent/cart_setup.py": "Shopify Storefront cart: cart.shopify.timeout_s and 16 connections at most",
}
CLIENT = re.compile(r"aiohttp\.ClientSession\(|\bfrom_url\(|urllib\.request|\bhttpx\b|\brequests\.(get|post)")


def test_every_outbound_client_in_the_served_code_is_listed_with_its_bounds():
    found = {str(path.relative_to(ROOT)) for package in ("agent", "channels", "skills", "knowledge")
             for path in (ROOT / package).rglob("*.py") if CLIENT.search(path.read_text(encoding="utf-8"))}
    assert found == set(OUTBOUND_CLIENTS), "a new outbound client needs a timeout, a concurrency limit and a test here"
