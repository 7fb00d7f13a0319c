"""The conversation store, lock and event bus on Redis, for several `aisle serve` processes at once.

Same interfaces as `SQLiteStore`, `LocalLock` and `LocalBus`:

    store = await RedisStore.open("redis://localhost:6379/0")
    lock, bus = RedisLock(store.client), RedisBus(store.client)
    tickets = RedisTable(store.client, "handoff:tickets")   # small shared records (the handoff queue)

Keys (under `prefix`, default `aisle:`): `conv:<id>:state` (JSON), `conv:<id>:events` (a list of JSON
messages), `conv:<id>:seen` (last change, Unix time), and the set `users:<sender id>` of a shopper's
conversation ids; `<table>` hashes of JSON records for `RedisTable`. Every call has a timeout (`timeout_s`); a Redis that does not answer raises
`StoreUnavailable` (a `BackendUnavailable`, naming the server), which the server answers with an
apology instead of a turn; the client reconnects by itself once Redis is back.
"""
from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import wraps
from typing import Any

from redis import asyncio as aioredis
from redis.exceptions import RedisError

from agent.store.base import StoreUnavailable, Turn

_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


def _wrapped(method: Any) -> Any:
    """Redis's own errors leave as `StoreUnavailable`, naming the server, so callers need not know Redis."""

    @wraps(method)
    async def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await method(self, *args, **kwargs)
        except RedisError as exc:
            where = self.client.connection_pool.connection_kwargs
            raise StoreUnavailable(f"Redis at {where.get('host')}:{where.get('port')} did not answer: {exc}") from exc

    return call


class RedisStore:
    def __init__(self, client: aioredis.Redis, prefix: str = "aisle:") -> None:
        self.client = client
        self.prefix = prefix

    @classmethod
    async def open(cls, url: str, prefix: str = "aisle:", timeout_s: float = 2.0,
                   max_connections: int = 64) -> RedisStore:
        """Connect; at most `max_connections` at once, and a call that waits `timeout_s` for one of them
        fails with `ConnectionError("No connection available.")` instead of queueing without end."""
        pool = aioredis.BlockingConnectionPool.from_url(
            url, max_connections=max_connections, timeout=timeout_s, socket_timeout=timeout_s,
            socket_connect_timeout=timeout_s, decode_responses=True)
        client = aioredis.Redis.from_pool(pool)
        await client.ping()
        return cls(client, prefix)

    def _key(self, conversation_id: str, part: str) -> str:
        return f"{self.prefix}conv:{conversation_id}:{part}"

    async def _touch(self, pipe: Any, conversation_id: str) -> None:
        pipe.set(self._key(conversation_id, "seen"), time.time())
        pipe.sadd(f"{self.prefix}users:{conversation_id.partition(':')[2]}", conversation_id)

    @_wrapped
    async def load_state(self, conversation_id: str) -> dict[str, Any]:
        raw = await self.client.get(self._key(conversation_id, "state"))
        return json.loads(raw) if raw else {}

    @_wrapped
    async def save_state(self, conversation_id: str, state: dict[str, Any]) -> None:
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.set(self._key(conversation_id, "state"), json.dumps(state))
            await self._touch(pipe, conversation_id)
            await pipe.execute()

    @_wrapped
    async def append(self, conversation_id: str, role: str, text: str, payload: dict[str, Any] | None = None) -> None:
        message = json.dumps({"role": role, "text": text, "ts": time.time(), "payload": payload or {}})
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.rpush(self._key(conversation_id, "events"), message)
            await self._touch(pipe, conversation_id)
            await pipe.execute()

    @_wrapped
    async def transcript(self, conversation_id: str, limit: int = 200) -> list[Turn]:
        rows = await self.client.lrange(self._key(conversation_id, "events"), -limit, -1)
        return [Turn(m["role"], m["text"], m["ts"], m["payload"]) for m in map(json.loads, rows)]

    @_wrapped
    async def conversations_of(self, user: str) -> list[str]:
        return sorted(await self.client.smembers(f"{self.prefix}users:{user}"))

    @_wrapped
    async def delete(self, conversation_id: str) -> int:
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.llen(self._key(conversation_id, "events"))
            pipe.delete(*(self._key(conversation_id, part) for part in ("events", "state", "seen")))
            pipe.srem(f"{self.prefix}users:{conversation_id.partition(':')[2]}", conversation_id)
            count, *_ = await pipe.execute()
        return int(count)

    @_wrapped
    async def idle_since(self, before: float) -> list[str]:
        idle = []
        async for key in self.client.scan_iter(match=f"{self.prefix}conv:*:seen", count=500):
            seen = await self.client.get(key)
            if seen is not None and float(seen) < before:
                idle.append(key[len(self.prefix) + len("conv:"):-len(":seen")])
        return sorted(idle)

    @_wrapped
    async def find(self, text: str, limit: int = 20) -> list[str]:
        """Conversations whose messages, payloads or state mention ``text``, the most recently active first.
        Reads every conversation (no index): meant for a colleague's search, not for the turn loop."""
        needle, found = text.lower(), {}
        async for key in self.client.scan_iter(match=f"{self.prefix}conv:*:seen", count=500):
            conversation_id = key[len(self.prefix) + len("conv:"):-len(":seen")]
            if needle in conversation_id.lower() or await self._mentions(conversation_id, needle):
                found[conversation_id] = float(await self.client.get(key) or 0)
        return sorted(found, key=lambda cid: -found[cid])[:limit]

    async def _mentions(self, conversation_id: str, needle: str) -> bool:
        state = await self.client.get(self._key(conversation_id, "state")) or ""
        events = await self.client.lrange(self._key(conversation_id, "events"), 0, -1)
        return needle in state.lower() or any(needle in event.lower() for event in events)

    async def close(self) -> None:
        await self.client.aclose()


class RedisLock:
    """One holder per conversation across every process: SET NX with an expiry, released only by its holder.

    `ttl_s` bounds how long a crashed holder blocks the conversation; `wait_s` how long `hold` waits.
    """

    def __init__(self, client: aioredis.Redis, prefix: str = "aisle:", ttl_s: float = 30.0, wait_s: float = 30.0):
        self.client, self.prefix, self.ttl_s, self.wait_s = client, prefix, ttl_s, wait_s

    @asynccontextmanager
    async def hold(self, conversation_id: str) -> AsyncIterator[None]:
        key, token = f"{self.prefix}lock:{conversation_id}", secrets.token_hex(16)
        await self._acquire(conversation_id, key, token)
        try:
            yield
        finally:
            await self._release(key, token)

    @_wrapped
    async def _acquire(self, conversation_id: str, key: str, token: str) -> None:
        deadline = time.monotonic() + self.wait_s
        delay = 0.005
        while not await self.client.set(key, token, nx=True, px=int(self.ttl_s * 1000)):
            if time.monotonic() >= deadline:
                raise TimeoutError(f"conversation {conversation_id} stayed locked for {self.wait_s:g} s")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.1)

    @_wrapped
    async def _release(self, key: str, token: str) -> None:
        await self.client.eval(_RELEASE, 1, key, token)  # unreleased, it expires after ttl_s


class RedisBus:
    """Publish/subscribe over Redis channels: every process's subscribers get every event."""

    def __init__(self, client: aioredis.Redis, prefix: str = "aisle:") -> None:
        self.client, self.prefix = client, prefix

    async def publish(self, channel: str, event: dict[str, Any]) -> int:
        """Send `event`; returns how many subscribers (in every process) got it."""
        return int(await self.client.publish(self.prefix + channel, json.dumps(event)))

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[AsyncIterator[dict[str, Any]]]:
        pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(self.prefix + channel)

        async def events() -> AsyncIterator[dict[str, Any]]:
            while True:
                message = await pubsub.get_message(timeout=1.0)
                if message is not None and message.get("type") == "message":
                    yield json.loads(message["data"])

        try:
            yield events()
        finally:
            await pubsub.aclose()  # closing the connection ends the subscription, also when Redis went away


_UPDATE = """
local raw = redis.call('hget', KEYS[1], ARGV[1])
if not raw then return false end
local record = cjson.decode(raw)
for name, value in pairs(cjson.decode(ARGV[2])) do record[name] = value end
raw = cjson.encode(record)
redis.call('hset', KEYS[1], ARGV[1], raw)
return raw
"""


class RedisTable:
    """Small JSON records by key in one Redis hash, shared by every process (the handoff queue's tickets).

    `update` changes named fields in place, atomically, and only while the record exists, so a process
    with an older copy cannot undo another's change to other fields, nor bring back a removed record.
    """

    def __init__(self, client: aioredis.Redis, name: str, prefix: str = "aisle:") -> None:
        self.client, self.key = client, prefix + name

    @_wrapped
    async def all(self) -> dict[str, dict[str, Any]]:
        return {key: json.loads(raw) for key, raw in (await self.client.hgetall(self.key)).items()}

    @_wrapped
    async def put(self, key: str, record: dict[str, Any]) -> None:
        await self.client.hset(self.key, key, json.dumps(record))

    @_wrapped
    async def update(self, key: str, fields: dict[str, Any]) -> dict[str, Any] | None:
        """The record with `fields` changed, or None (and nothing written) where there is no such record."""
        raw = await self.client.eval(_UPDATE, 1, self.key, key, json.dumps(fields))
        return json.loads(raw) if raw else None

    @_wrapped
    async def remove(self, key: str) -> bool:
        return bool(await self.client.hdel(self.key, key))
