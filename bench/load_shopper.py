"""Simulated shoppers for the load benchmark: one conversation each, over the widget's WebSocket or REST.

A shopper opens with a search, then refines it (colour, price, material, "cheaper"), switches to another
kind of product now and then, asks a question or says thanks, and waits a think time between turns, the
way a person reads the answer before typing. Every turn's latency is the time from sending the message to
the whole answer (the `bot` frame, or the REST response); anything else (an `error` frame, a non-200,
a dropped socket, no answer within the turn timeout) is an error.
"""
from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

import aiohttp

OPENERS = ("red sneakers", "a summer dress", "men's leather boots", "a warm winter jacket", "running shoes",
           "a black handbag", "jeans for women", "a cotton shirt", "a wool sweater", "sandals for the beach")
REFINEMENTS = ("in blue", "under 50 dollars", "something cheaper", "in black", "leather ones", "under 100",
               "in size M", "for women", "for men", "in green", "without a logo", "show me more",
               "something more formal", "in white", "a lighter one")
ASIDES = ("thanks", "what is your return policy?", "tell me more about the first one", "hi there")


def conversation(rng: random.Random, turns: int) -> list[str]:
    """`turns` messages: searches, each refined two to four times, with an aside now and then."""
    messages: list[str] = []
    while len(messages) < turns:
        messages.append(rng.choice(OPENERS))
        for _ in range(rng.randint(2, 4)):
            messages.append(rng.choice(REFINEMENTS))
        if rng.random() < 0.5:
            messages.append(rng.choice(ASIDES))
    return messages[:turns]


@dataclass
class Tally:
    """What every shopper measured, together."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    conversations: int = 0

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


@dataclass(frozen=True)
class ShopperPlan:
    base_url: str
    turns: int
    think_s: tuple[float, float]  # uniform think time between turns, seconds
    turn_timeout_s: float
    deadline: float               # time.monotonic() after which no new turn starts


async def rest_shopper(session: aiohttp.ClientSession, plan: ShopperPlan, name: str, rng: random.Random,
                       tally: Tally) -> None:
    url = plan.base_url + "/webhooks/rest/webhook"
    for text in conversation(rng, plan.turns):
        if time.monotonic() >= plan.deadline:
            return
        started = time.perf_counter()
        try:
            async with session.post(url, json={"sender": name, "message": text},
                                    timeout=aiohttp.ClientTimeout(total=plan.turn_timeout_s)) as response:
                await response.read()
                if response.status != 200:
                    tally.error(f"rest {response.status}")
                    continue
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            tally.error(f"rest {type(exc).__name__}")
            continue
        tally.latencies_ms.append((time.perf_counter() - started) * 1000)
        await asyncio.sleep(rng.uniform(*plan.think_s))
    tally.conversations += 1


async def ws_shopper(session: aiohttp.ClientSession, plan: ShopperPlan, rng: random.Random, tally: Tally) -> None:
    try:
        async with session.ws_connect(plan.base_url + "/webchat/ws", timeout=aiohttp.ClientWSTimeout(ws_close=5),
                                      heartbeat=None) as ws:
            hello = await ws.receive_json(timeout=plan.turn_timeout_s)
            if hello.get("type") != "session":
                tally.error("ws no session frame")
                return
            for text in conversation(rng, plan.turns):
                if time.monotonic() >= plan.deadline:
                    return
                if not await _ws_turn(ws, text, plan, tally):
                    return
                await asyncio.sleep(rng.uniform(*plan.think_s))
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        tally.error(f"ws {type(exc).__name__}")
        return
    tally.conversations += 1


async def _ws_turn(ws: aiohttp.ClientWebSocketResponse, text: str, plan: ShopperPlan, tally: Tally) -> bool:
    """One message and its answer; False when the socket is no longer usable."""
    started = time.perf_counter()
    await ws.send_json({"type": "message", "text": text})
    while True:
        try:
            frame = await ws.receive(timeout=plan.turn_timeout_s)
        except asyncio.TimeoutError:
            tally.error("ws turn timeout")
            return False
        if frame.type != aiohttp.WSMsgType.TEXT:
            tally.error("ws closed")
            return False
        kind = frame.json().get("type")
        if kind in ("bot", "idle"):
            tally.latencies_ms.append((time.perf_counter() - started) * 1000)
            return True
        if kind == "error":
            tally.error("ws error frame")
            return True


async def shopper_loop(session: aiohttp.ClientSession, plan: ShopperPlan, index: int, start_delay_s: float,
                       repeat: bool, seed: int, tally: Tally) -> None:
    """Shopper `index`: even ones over WebSocket, odd ones over REST; with `repeat`, a new conversation
    after each one until the deadline (the soak)."""
    rng = random.Random(seed * 100_003 + index)
    await asyncio.sleep(start_delay_s)
    round_ = 0
    while time.monotonic() < plan.deadline:
        if index % 2 == 0:
            await ws_shopper(session, plan, rng, tally)
        else:
            await rest_shopper(session, plan, f"load-{seed}-{index}-{round_}", rng, tally)
        round_ += 1
        if not repeat:
            return
