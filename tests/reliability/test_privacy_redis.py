"""A shopper's data on the Redis store: `aisle export`/`aisle erase` and the admin endpoints, against a real
`redis-server`; nothing is read from or left in the SQLite file."""
from __future__ import annotations

import asyncio
import json

from agent.config import ServerConfig
from agent.store import SQLiteStore
from agent.store.redis import RedisLock, RedisStore
from channels.cli.main import main
from channels.server import build_app
from channels.testing import serving
from tests.agent.conftest import orders_of

WEBHOOK = "/webhooks/rest/webhook"
TOKEN = "s3cret-admin-token-for-redis"


async def _redis(url: str) -> RedisStore:
    store = await RedisStore.open(url)
    await store.client.flushdb()
    return store


def test_aisle_export_and_erase_read_the_redis_store(redis_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("AISLE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AISLE_STORE__REDIS_URL", redis_url)
    photo = tmp_path / "media" / "Abcdefghijklmnopqrstuvwx.jpg"
    photo.parent.mkdir()
    photo.write_bytes(b"\xff\xd8 not really a jpeg")

    async def conversations() -> None:
        store = await _redis(redis_url)
        for channel in ("rest", "telegram"):
            await store.append(f"{channel}:ana", "user", f"hi from {channel}")
        await store.save_state("telegram:ana", {"skills": {"tryon": {"photo": photo.stem}}})
        await store.append("rest:anabel", "user", "someone else")
        await store.close()

    async def left() -> tuple[list[str], list[str], list[str]]:
        store = await RedisStore.open(redis_url)
        try:
            remaining = sorted(await store.client.keys("aisle:conv:*ana:*"))
            return await store.conversations_of("ana"), await store.conversations_of("anabel"), remaining
        finally:
            await store.close()

    asyncio.run(conversations())
    out = tmp_path / "ana.json"
    assert main(["export", "ana", "--out", str(out)]) == 0
    exported = json.loads(out.read_text())
    assert [c["id"] for c in exported["conversations"]] == ["rest:ana", "telegram:ana"]
    assert [m["text"] for m in exported["conversations"][1]["messages"]] == ["hi from telegram"]
    assert exported["media"] == [photo.stem]

    assert main(["erase", "ana"]) == 0
    assert "2 conversations, 2 messages, 1 media" in capsys.readouterr().out
    assert not photo.exists()
    assert asyncio.run(left()) == ([], ["rest:anabel"], [])
    assert not (tmp_path / "aisle.db").exists() or asyncio.run(_sqlite_ids(tmp_path)) == []


async def _sqlite_ids(folder) -> list[str]:
    store = SQLiteStore.open(folder / "aisle.db")
    try:
        return await store.conversations_of("ana")
    finally:
        await store.close()


async def test_the_privacy_endpoints_export_and_erase_from_redis(aiohttp_client, shop, tmp_path, redis_url, monkeypatch):
    monkeypatch.setenv("AISLE_ADMIN_TOKEN", TOKEN)
    store = await _redis(redis_url)
    sqlite_store = SQLiteStore.open(tmp_path / "aisle.db")
    real_agent = shop.agent(tmp_path, store=store, lock=RedisLock(store.client))
    try:
        client = await aiohttp_client(build_app(ServerConfig(), serving(real_agent)))
        for sender, text in (("ana", "red sneakers"), ("ana", "in blue"), ("bob", "a summer dress")):
            assert (await client.post(WEBHOOK, json={"sender": sender, "message": text})).status == 200
        assert (await client.get("/privacy/users/ana", headers={"Authorization": "Bearer wrong"})).status == 401

        auth = {"Authorization": f"Bearer {TOKEN}"}
        exported = await (await client.get("/privacy/users/ana", headers=auth)).json()
        assert [c["id"] for c in exported["conversations"]] == ["rest:ana"]
        assert [m["text"] for m in exported["conversations"][0]["messages"] if m["role"] == "user"] == [
            "red sneakers", "in blue"]
        erased = await (await client.delete("/privacy/users/ana", headers=auth)).json()
        assert erased["erased"]["conversations"] == 1 and erased["erased"]["messages"] == 4
        assert await store.conversations_of("ana") == [] and await store.transcript("rest:ana") == []
        assert await store.load_state("rest:ana") == {}
        assert len(await store.transcript("rest:bob")) == 2  # someone else's conversation stays
        assert await sqlite_store.conversations_of("ana") == []
        await client.close()  # the app stops before its Redis connection closes, as in `aisle serve`
    finally:
        await orders_of(real_agent).close()
        await sqlite_store.close()
        await store.close()
