"""Limits a client meets: requests per address, messages per shopper, turns at once, a graceful shutdown."""
from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from agent.config import ServerConfig
from channels.limits import SLOW_DOWN, TURN_GATE, TokenBucket
from channels.server import build_app
from channels.testing import FakeAgent, demo_products, serving

WEBHOOK = "/webhooks/rest/webhook"


class SlowAgent(FakeAgent):
    """Answers only when the test lets it."""

    def __init__(self) -> None:
        super().__init__(demo_products())
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    async def handle(self, message):
        self.started.set()
        await self.release.wait()
        return await super().handle(message)


def test_token_bucket_refills_at_its_rate():
    now = [0.0]
    bucket = TokenBucket(rate=2, burst=2, clock=lambda: now[0])
    assert [bucket.take("a") for _ in range(2)] == [0, 0]
    assert bucket.take("a") == 0.5 and bucket.take("b") == 0
    now[0] = 0.5
    assert bucket.take("a") == 0


async def test_an_address_over_its_rate_gets_429_but_health_still_answers(aiohttp_client):
    app = build_app(ServerConfig(requests_per_second_per_ip=1), serving(FakeAgent(demo_products())))
    client = await aiohttp_client(app)
    statuses = [(await client.get("/webhooks/rest/")).status for _ in range(6)]
    assert statuses[:4] == [200] * 4 and statuses[-1] == 429
    limited = await client.get("/webhooks/rest/")
    assert limited.status == 429 and int(limited.headers["Retry-After"]) >= 1
    assert "slow down" in (await limited.json())["error"]
    assert (await client.get("/health")).status == 200


async def test_a_shopper_sending_too_fast_is_asked_to_slow_down_and_others_are_not(aiohttp_client):
    agent = FakeAgent(demo_products())
    client = await aiohttp_client(build_app(ServerConfig(messages_per_minute=8), serving(agent)))
    texts = []
    for _ in range(3):
        response = await client.post(WEBHOOK, json={"sender": "fast", "message": "boots"})
        texts.append((await response.json())[0]["text"])
    assert texts[:2] != [SLOW_DOWN] * 2 and texts[2] == SLOW_DOWN
    other = await client.post(WEBHOOK, json={"sender": "calm", "message": "boots"})
    assert (await other.json())[0]["text"] != SLOW_DOWN
    assert len(agent.received) == 3


async def test_shutdown_finishes_the_turn_under_way_and_refuses_new_ones(aiohttp_client):
    agent = SlowAgent()
    app = build_app(ServerConfig(shutdown_grace_s=10), serving(agent))
    client = await aiohttp_client(app)
    first = asyncio.create_task(client.post(WEBHOOK, json={"sender": "a", "message": "boots"}))
    await asyncio.wait_for(agent.started.wait(), 10)
    drained = asyncio.create_task(app[TURN_GATE].drain())
    await asyncio.sleep(0.05)
    refused = await client.post(WEBHOOK, json={"sender": "b", "message": "boots"})
    assert refused.status == 503 and "shutting down" in (await refused.json())["error"]
    assert not drained.done()
    agent.release.set()
    answered = await first
    assert answered.status == 200 and (await answered.json())[0]["text"]
    await asyncio.wait_for(drained, 5)


async def test_turns_beyond_the_limit_wait_for_a_free_slot(aiohttp_client):
    agent = SlowAgent()
    app = build_app(ServerConfig(max_concurrent_turns=1), serving(agent))
    client = await aiohttp_client(app)
    turns = [asyncio.create_task(client.post(WEBHOOK, json={"sender": s, "message": "boots"})) for s in "ab"]
    await asyncio.wait_for(agent.started.wait(), 10)
    await asyncio.sleep(0.1)
    gate = app[TURN_GATE]
    assert gate.in_flight == 1 and gate.waiting == 1
    agent.release.set()
    assert [r.status for r in await asyncio.gather(*turns)] == [200, 200]
    assert gate.in_flight == 0 and gate.waiting == 0


async def test_the_default_address_limit_refuses_one_client_before_it_reaches_the_measured_capacity(aiohttp_client):
    """One address sending as fast as the server can answer (docs/results/capacity.json, `bench.capacity`)
    meets 429 with Retry-After well before that rate, so it cannot slow every other shopper down."""
    measured = json.loads((Path(__file__).resolve().parents[2] / "docs/results/capacity.json").read_text())
    capacity = measured["turns_per_s"]
    server = ServerConfig()
    assert server.requests_per_second_per_ip <= capacity / 4  # its burst (4 s worth) stays under 1 s of capacity
    client = await aiohttp_client(build_app(server, serving(FakeAgent(demo_products()))))
    started = time.monotonic()
    statuses = [(await client.get("/webhooks/rest/")).status for _ in range(int(capacity))]
    elapsed = time.monotonic() - started
    allowed = statuses.count(200)
    assert 429 in statuses and allowed <= server.requests_per_second_per_ip * (4 + elapsed) + 1
    limited = await client.get("/webhooks/rest/")
    assert limited.status == 429 and int(limited.headers["Retry-After"]) >= 1
