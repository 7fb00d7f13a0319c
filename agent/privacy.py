"""A shopper's data: everything kept about them, exported or erased, and how long conversations are kept.

A shopper is known by their sender id (the widget's session id, a REST `sender`, a platform's user id);
their conversations are `<channel>:<sender id>` on every channel. What is covered: the conversations
(state and every message), the recommendation events they sent (and so their profile, which is built
from them), and the photos they uploaded for try-on (found in the conversations' state).

    data = await export_user(ShopperData(store, media, events), "alice")
    report = await erase_user(ShopperData(store, media, events), "alice")
"""
from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from agent.store.base import Turn

log = logging.getLogger(__name__)
MEDIA_KEYS = frozenset({"photo"})  # keys in a conversation's state whose value is a media id


class ShopperStore(Protocol):
    """What privacy needs of a conversation store; `SQLiteStore` and `RedisStore` both have it."""

    async def conversations_of(self, user: str) -> list[str]: ...

    async def load_state(self, conversation_id: str) -> dict[str, Any]: ...

    async def transcript(self, conversation_id: str, limit: int = 200) -> list[Turn]: ...

    async def delete(self, conversation_id: str) -> int: ...

    async def idle_since(self, before: float) -> list[str]: ...


class ShopperEvents(Protocol):
    def for_user(self, user: str, limit: int = 200) -> list[Any]: ...

    def erase(self, user: str) -> int: ...


class MediaFiles(Protocol):
    def delete(self, media_id: str) -> bool: ...

    def exists(self, media_id: str) -> bool: ...


@dataclass
class ShopperData:
    """Where a shopper's data lives; `media` and `events` are None where not switched on."""

    store: ShopperStore
    media: MediaFiles | None = None
    events: ShopperEvents | None = None


def media_ids(state: Any) -> Iterator[str]:
    """Media ids held anywhere in a conversation's state."""
    if isinstance(state, dict):
        for key, value in state.items():
            if key in MEDIA_KEYS and isinstance(value, str) and value:
                yield value
            else:
                yield from media_ids(value)
    elif isinstance(state, list):
        for value in state:
            yield from media_ids(value)


async def export_user(data: ShopperData, user: str) -> dict[str, Any]:
    """Everything kept about `user`, as JSON-ready data."""
    conversations = []
    photos: list[str] = []
    for cid in await data.store.conversations_of(user):
        state = await data.store.load_state(cid)
        photos += [m for m in media_ids(state) if data.media is None or data.media.exists(m)]
        messages = [{"role": t.role, "text": t.text, "ts": t.ts, "payload": t.payload}
                    for t in await data.store.transcript(cid, limit=1_000_000)]
        conversations.append({"id": cid, "state": state, "messages": messages})
    events = []
    for owner in (user, *[c["id"] for c in conversations]) if data.events else ():  # the skill uses conversation ids
        events += await asyncio.to_thread(data.events.for_user, owner, 1_000_000)
    return {"user": user, "exported_at": time.time(), "conversations": conversations,
            "recommendation_events": [_plain(e) for e in events], "media": sorted(set(photos))}


async def erase_user(data: ShopperData, user: str) -> dict[str, int]:
    """Delete everything kept about `user`; returns how much of each kind there was."""
    report = {"conversations": 0, "messages": 0, "media": 0, "recommendation_events": 0}
    ids = await data.store.conversations_of(user)
    for cid in ids:
        state = await data.store.load_state(cid)
        if data.media is not None:
            report["media"] += sum(data.media.delete(m) for m in set(media_ids(state)))
        report["messages"] += await data.store.delete(cid)
        report["conversations"] += 1
    if data.events is not None:
        for owner in (user, *ids):
            report["recommendation_events"] += await asyncio.to_thread(data.events.erase, owner)
    log.info("erased a shopper's data: %s", report)  # the shopper is not named in the log
    return report


async def purge_idle(store: ShopperStore, retention_days: float, now: float | None = None) -> int:
    """Delete conversations idle for longer than `retention_days` (0 keeps them); returns how many."""
    if retention_days <= 0:
        return 0
    before = (time.time() if now is None else now) - retention_days * 86400
    ids = await store.idle_since(before)
    for cid in ids:
        await store.delete(cid)
    return len(ids)


@asynccontextmanager
async def retention_task(store: ShopperStore, retention_days: float, interval_s: float = 3600) -> AsyncIterator[None]:
    """While open, purge idle conversations at start and every `interval_s`; nothing when retention is 0."""
    if retention_days <= 0:
        yield
        return

    async def purge_forever() -> None:
        while True:
            try:
                removed = await purge_idle(store, retention_days)
                if removed:
                    log.info("retention: removed %d conversations idle for over %s days", removed, retention_days)
            except Exception:
                log.exception("retention: the purge failed; trying again later")
            await asyncio.sleep(interval_s)

    task = asyncio.create_task(purge_forever())
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def _plain(event: Any) -> Any:
    return dataclasses.asdict(event) if dataclasses.is_dataclass(event) else event
