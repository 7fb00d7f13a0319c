"""Locks and messages between the processes that serve the same conversations.

One `aisle serve` process needs neither beyond itself: `LocalLock` (an asyncio lock per conversation)
and `LocalBus` (publish/subscribe inside the process) are the embedded versions. Several processes
behind a load balancer use the Redis ones (`agent.store.redis`), which have the same interface:

    async with lock.hold("webchat:abc"):          # one turn at a time per conversation, everywhere
        ...
    await bus.publish("handoff", {"conversation": "webchat:abc", "status": "active"})
    async for event in bus.subscribe("handoff"): ...
"""
from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Protocol


class ConversationLock(Protocol):
    def hold(self, conversation_id: str) -> AbstractAsyncContextManager[None]: ...


class EventBus(Protocol):
    async def publish(self, channel: str, event: dict[str, Any]) -> int:
        """Send `event` to the channel's subscribers; returns how many there were."""
        ...

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[AsyncIterator[dict[str, Any]]]: ...


class LocalLock:
    """One asyncio lock per conversation, forgotten when nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: defaultdict[str, int] = defaultdict(int)

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(conversation_id, asyncio.Lock())
        self._users[conversation_id] += 1
        try:
            async with lock:
                yield
        finally:
            self._users[conversation_id] -= 1
            if not self._users[conversation_id]:
                del self._users[conversation_id], self._locks[conversation_id]


class LocalBus:
    """Publish/subscribe within this process: every subscriber gets every event published after it subscribed."""

    def __init__(self) -> None:
        self._queues: defaultdict[str, set[asyncio.Queue]] = defaultdict(set)

    async def publish(self, channel: str, event: dict[str, Any]) -> int:
        queues = list(self._queues.get(channel, ()))
        for queue in queues:
            queue.put_nowait(event)
        return len(queues)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
        queue: asyncio.Queue = asyncio.Queue()
        self._queues[channel].add(queue)

        async def events() -> AsyncIterator[dict[str, Any]]:
            while True:
                yield await queue.get()

        try:
            yield events()
        finally:
            self._queues[channel].discard(queue)
            if not self._queues[channel]:
                del self._queues[channel]
