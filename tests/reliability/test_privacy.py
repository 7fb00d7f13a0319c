"""A shopper's data: export and erasure over HTTP (admin token) and from the command line; retention."""
from __future__ import annotations

import asyncio
import json
import time

from agent.config import ServerConfig
from agent.core import conversation_id
from agent.privacy import purge_idle
from agent.store import SQLiteStore
from channels.cli.main import main
from channels.server import build_app
from channels.testing import serving

WEBHOOK = "/webhooks/rest/webhook"
TOKEN = "s3cret-admin-token"


async def test_export_then_erase_over_http_needs_the_admin_token(aiohttp_client, real_agent, monkeypatch):
    monkeypatch.setenv("AISLE_ADMIN_TOKEN", TOKEN)
    client = await aiohttp_client(build_app(ServerConfig(), serving(real_agent)))
    for text in ("red sneakers", "in blue"):
        assert (await client.post(WEBHOOK, json={"sender": "ana", "message": text})).status == 200
    await client.post(WEBHOOK, json={"sender": "bob", "message": "a summer dress"})

    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        assert (await client.get("/privacy/users/ana", headers=headers)).status == 401
        assert (await client.delete("/privacy/users/ana", headers=headers)).status == 401

    auth = {"Authorization": f"Bearer {TOKEN}"}
    exported = await (await client.get("/privacy/users/ana", headers=auth)).json()
    assert [c["id"] for c in exported["conversations"]] == ["rest:ana"]
    said = [m["text"] for m in exported["conversations"][0]["messages"] if m["role"] == "user"]
    assert said == ["red sneakers", "in blue"]

    erased = await (await client.delete("/privacy/users/ana", headers=auth)).json()
    assert erased["erased"]["conversations"] == 1 and erased["erased"]["messages"] == 4
    assert await real_agent.transcript("ana", "rest") == []
    assert (await client.get("/privacy/users/ana", headers=auth)).status == 200
    assert (await (await client.get("/privacy/users/ana", headers=auth)).json())["conversations"] == []
    assert len(await real_agent.transcript("bob", "rest")) == 2  # someone else's conversation stays


async def test_retention_deletes_only_conversations_idle_past_the_period(tmp_path):
    store = SQLiteStore.open(tmp_path / "aisle.db")
    try:
        await store.append("rest:old", "user", "hello")
        await store.save_state("rest:old", {"turns": 1})
        await store.append("webchat:new", "user", "hi")
        assert await purge_idle(store, 0, now=time.time() + 10 * 86400) == 0  # 0 keeps everything
        assert await purge_idle(store, 30, now=time.time() + 10 * 86400) == 0
        await store._run("UPDATE events SET ts = ts - 40 * 86400 WHERE conversation_id = 'rest:old'")
        await store._run("UPDATE conversations SET updated_at = updated_at - 40 * 86400")
        assert await purge_idle(store, 30) == 1
        assert await store.transcript("rest:old") == [] and await store.load_state("rest:old") == {}
        assert [t.text for t in await store.transcript("webchat:new")] == ["hi"]
    finally:
        await store.close()


def test_aisle_export_and_erase_cover_every_channel_and_the_photos(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("AISLE_DATA_DIR", str(tmp_path))
    photo = tmp_path / "media" / "Abcdefghijklmnopqrstuvwx.jpg"
    photo.parent.mkdir()
    photo.write_bytes(b"\xff\xd8 not really a jpeg")

    async def conversations() -> None:
        store = SQLiteStore.open(tmp_path / "aisle.db")
        for channel in ("rest", "telegram"):
            await store.append(conversation_id(channel, "ana"), "user", f"hi from {channel}")
        await store.save_state("telegram:ana", {"skills": {"tryon": {"photo": photo.stem}}})
        await store.append("rest:anabel", "user", "someone else")
        await store.close()

    async def left() -> tuple[list[str], list[str]]:
        store = SQLiteStore.open(tmp_path / "aisle.db")
        try:
            return await store.conversations_of("ana"), await store.conversations_of("anabel")
        finally:
            await store.close()

    asyncio.run(conversations())

    out = tmp_path / "ana.json"
    assert main(["export", "ana", "--out", str(out)]) == 0
    exported = json.loads(out.read_text())
    assert [c["id"] for c in exported["conversations"]] == ["rest:ana", "telegram:ana"]
    assert exported["media"] == [photo.stem]

    assert main(["erase", "ana"]) == 0
    assert "2 conversations, 2 messages, 1 media" in capsys.readouterr().out
    assert not photo.exists()
    assert asyncio.run(left()) == ([], ["rest:anabel"])
