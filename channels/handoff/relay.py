"""The handoff queue across several `aisle serve` processes that share a Redis store.

Each process keeps its own copy of the queue's tickets (the console reads them without waiting);
the tickets themselves live in Redis (`RedisTable`), and every change is published on the event bus
so that the other processes update their copy and their consoles. A colleague's reply, "Sam joined"
and the shopper's place in the queue go to the process that last answered the shopper (the ticket's
`home`), which holds the widget's socket; where that process is gone, the sender delivers itself.

Bus channels (under the store's prefix): `handoff` carries `{"origin", "ticket" | "removed" | "event"}`;
`handoff:to:<process>` carries `{"conversation_id", "texts", "event"}` for that process's postboxes.

    queue.shared = SharedTickets.on_redis(store)     # done by `HandoffQueue.attach` for a Redis store
    async with queue.relay(): ...                    # while the server runs
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from redis.exceptions import RedisError

from agent.store.base import StoreUnavailable
from agent.store.coordination import EventBus
from agent.store.redis import RedisBus, RedisStore, RedisTable

log = logging.getLogger(__name__)

CHANGES = "handoff"
RETRY_S = (0.2, 0.5, 1.0, 2.0)  # waits between attempts to subscribe again after Redis went away
STOP_WAIT_S = 3.0
Handler = Callable[[dict[str, Any]], Awaitable[None]]


def deliveries_channel(process: str) -> str:
    return f"{CHANGES}:to:{process}"


@dataclass
class SharedTickets:
    """Where the queue's tickets and changes go when several processes serve the same conversations."""

    table: RedisTable
    bus: EventBus

    @classmethod
    def on_redis(cls, store: RedisStore) -> SharedTickets:
        return cls(RedisTable(store.client, "handoff:tickets", store.prefix), RedisBus(store.client, store.prefix))

    async def announce(self, origin: str, change: dict[str, Any]) -> None:
        await self.bus.publish(CHANGES, {"origin": origin, **change})

    async def send_to(self, process: str, conversation_id: str, texts: list[str], event: dict[str, Any]) -> bool:
        """Hand a delivery to `process`; False where no such process listens any more."""
        message = {"conversation_id": conversation_id, "texts": texts, "event": event}
        return await self.bus.publish(deliveries_channel(process), message) > 0


@asynccontextmanager
async def listening(bus: EventBus, channel: str, handle: Handler,
                    on_reconnect: Callable[[], Awaitable[None]] | None = None) -> AsyncIterator[None]:
    """Pass every event on `channel` to `handle` while open; subscribe again whenever Redis comes back,
    then call `on_reconnect` (to read again what was missed meanwhile)."""
    ready = asyncio.Event()
    task = asyncio.create_task(_listen_forever(bus, channel, handle, on_reconnect, ready))
    try:
        async with asyncio.timeout(5):
            await ready.wait()
        yield
    finally:
        task.cancel()
        await asyncio.wait({task}, timeout=STOP_WAIT_S)
        if not task.done():  # a pub/sub read on a connection closed under it can ignore the cancel
            log.warning("handoff relay: %s did not stop within %g s; leaving it behind", channel, STOP_WAIT_S)


async def _listen_forever(bus: EventBus, channel: str, handle: Handler,
                          on_reconnect: Callable[[], Awaitable[None]] | None, ready: asyncio.Event) -> None:
    failures = 0
    while True:
        try:
            async with bus.subscribe(channel) as events:
                if failures:
                    if on_reconnect is not None:
                        await on_reconnect()  # changes published while we were away are in Redis, not on the bus
                    log.info("handoff relay: listening on %s again", channel)
                failures = 0
                ready.set()
                async for event in events:
                    await _handle_one(handle, event, channel)
        except (RedisError, StoreUnavailable, OSError) as exc:
            wait = RETRY_S[min(failures, len(RETRY_S) - 1)]
            failures += 1
            if failures == 1:
                log.warning("handoff relay: lost %s (%s); retrying every %g s", channel, exc, RETRY_S[-1])
            ready.set()  # the server starts anyway; the relay catches up once Redis answers
            await asyncio.sleep(wait)


async def _handle_one(handle: Handler, event: dict[str, Any], channel: str) -> None:
    """One bad event (a console that went away, a shopper's channel that failed) must not stop the relay."""
    try:
        await handle(event)
    except (RedisError, StoreUnavailable, OSError):
        raise
    except Exception:
        log.exception("handoff relay: could not apply an event from %s", channel)
