"""Limits that keep one client from taking the server: request rates per IP, message rates per
shopper, turns answered at once, and a shutdown that lets the turns under way finish.

- Per IP (`server.requests_per_second_per_ip`, 0 switches it off): a token bucket per client address;
  a request over the rate gets 429 with `Retry-After`. `/health` and `/metrics` are never limited.
  The default (10/s, bursts of 40) is under a quarter of what one server answers (`bench.capacity`:
  about 45 turns/s on 2 cores), so one address cannot take the server from everyone else.
- Per shopper (`server.messages_per_minute`): a token bucket per conversation; a message over the
  rate is answered with a short "please slow down" instead of reaching the agent.
- At once (`server.max_concurrent_turns`): further turns wait for a free slot (their number is the
  `aisle_turns_waiting` gauge), at most `server.turn_wait_s`; one that waits longer is answered "I'm
  answering many shoppers right now" instead of joining an ever longer queue.
- Shutdown: new turns are refused (503) while the ones under way get up to `server.shutdown_grace_s`.
"""
from __future__ import annotations

import asyncio
import math
import time
from collections import OrderedDict
from collections.abc import Callable

from aiohttp import hdrs, web
from aiohttp.typedefs import Handler, Middleware

from agent.config import ServerConfig
from agent.types import BotMessage, OnMessage, UserMessage
from channels.errors import json_error

TURN_GATE: web.AppKey[TurnGate] = web.AppKey("aisle.turn_gate")
SLOW_DOWN = "You're sending messages faster than I can read them. Please wait a few seconds and try again."
BUSY = "I'm answering a lot of shoppers right now and couldn't get to your message. Please try again in a moment."
UNLIMITED_PATHS = frozenset({"/health", "/metrics"})


class TokenBucket:
    """`rate` tokens a second up to `burst`, per key; at most `max_keys` keys remembered (oldest dropped)."""

    def __init__(self, rate: float, burst: float, max_keys: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.burst, self.max_keys, self.clock = rate, burst, max_keys, clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str) -> float:
        """0 when `key` may go ahead (one token spent), else the seconds until it may."""
        now = self.clock()
        tokens, last = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
        self._buckets[key] = (tokens - 1 if wait == 0 else tokens, now)
        if len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return wait


def ip_rate_limit(server: ServerConfig) -> Middleware:
    """The per-IP middleware (it lets everything through when the rate is 0)."""
    rate = server.requests_per_second_per_ip
    bucket = TokenBucket(rate, max(1.0, rate * 4)) if rate > 0 else None

    @web.middleware
    async def limit(request: web.Request, handler: Handler) -> web.StreamResponse:
        if bucket is None or request.path in UNLIMITED_PATHS:
            return await handler(request)
        wait = bucket.take(request.remote or "-")
        if wait:
            response = json_error(429, "too many requests from this address: slow down")
            response.headers[hdrs.RETRY_AFTER] = str(math.ceil(wait))
            return response
        return await handler(request)

    return limit


class TurnGate:
    """Around the agent: the per-shopper rate, the turns-at-once limit, and draining at shutdown."""

    def __init__(self, server: ServerConfig) -> None:
        self.per_sender = (TokenBucket(server.messages_per_minute / 60, max(1.0, server.messages_per_minute / 4))
                           if server.messages_per_minute > 0 else None)
        self.slots = asyncio.Semaphore(server.max_concurrent_turns)
        self.wait_s = server.turn_wait_s
        self.grace_s = server.shutdown_grace_s
        self.waiting = 0
        self.in_flight = 0
        self.draining = False
        self._idle = asyncio.Event()
        self._idle.set()

    def around(self, handle: OnMessage) -> OnMessage:
        async def gated(message: UserMessage) -> list[BotMessage]:
            if self.draining:
                raise web.HTTPServiceUnavailable(reason="the server is shutting down: try again in a moment")
            if self.per_sender and self.per_sender.take(f"{message.channel}:{message.sender_id}"):
                return [BotMessage(text=SLOW_DOWN)]
            self.waiting += 1
            try:
                async with asyncio.timeout(self.wait_s):
                    await self.slots.acquire()
            except TimeoutError:
                return [BotMessage(text=BUSY)]
            finally:
                self.waiting -= 1
            self.in_flight += 1
            self._idle.clear()
            try:
                return await handle(message)
            finally:
                self.slots.release()
                self.in_flight -= 1
                if self.in_flight == 0:
                    self._idle.set()

        return gated

    async def drain(self, app: web.Application | None = None) -> None:
        """`on_shutdown`: refuse new turns, give the ones under way up to the grace period."""
        self.draining = True
        try:
            await asyncio.wait_for(self._idle.wait(), self.grace_s)
        except asyncio.TimeoutError:
            pass
