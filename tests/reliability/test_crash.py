"""kill -9 during load: after a restart every acknowledged message is in the store, nothing is corrupted,
and the same conversations carry on."""
from __future__ import annotations

import asyncio
import json
import sqlite3

import aiohttp
import pytest

from bench.load_server import ServeProcess

WEBHOOK = "/webhooks/rest/webhook"
TEXTS = ("red sneakers", "in blue", "under 50 dollars", "something cheaper", "a summer dress", "in black")


async def shop_until_killed(url: str, senders: list[str], acknowledged: dict[str, list[str]],
                            stop: asyncio.Event) -> None:
    async def shopper(sender: str) -> None:
        async with aiohttp.ClientSession() as session:
            n = 0
            while not stop.is_set():
                text = f"{TEXTS[n % len(TEXTS)]} #{n}"
                n += 1
                try:
                    async with session.post(url + WEBHOOK, json={"sender": sender, "message": text},
                                            timeout=aiohttp.ClientTimeout(total=20)) as response:
                        if response.status == 200 and await response.json():
                            acknowledged[sender].append(text)
                except (aiohttp.ClientError, asyncio.TimeoutError):
                    return  # the server is gone

    await asyncio.gather(*(shopper(s) for s in senders))


@pytest.mark.slow
def test_kill_9_under_load_loses_no_acknowledged_message(tmp_path):
    server = ServeProcess(tmp_path / "data", demo_size=300).start(timeout_s=600)
    senders = [f"crash-{n}" for n in range(8)]
    acknowledged: dict[str, list[str]] = {s: [] for s in senders}

    async def load_then_kill() -> None:
        stop = asyncio.Event()
        shoppers = asyncio.create_task(shop_until_killed(server.url, senders, acknowledged, stop))
        while sum(map(len, acknowledged.values())) < 40:
            await asyncio.sleep(0.1)
        server.kill()  # SIGKILL with turns under way
        stop.set()
        await shoppers

    try:
        asyncio.run(asyncio.wait_for(load_then_kill(), 300))
        db = sqlite3.connect(tmp_path / "data" / "aisle.db")
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for sender, texts in acknowledged.items():
            stored = [row[0] for row in db.execute("SELECT text FROM events WHERE conversation_id = ? AND role = 'user' "
                                                   "ORDER BY seq", (f"rest:{sender}",))]
            assert stored[:len(texts)] == texts, sender  # in order; at most the unanswered last one follows
            assert len(stored) - len(texts) <= 1
            state = db.execute("SELECT state FROM conversations WHERE id = ?", (f"rest:{sender}",)).fetchone()
            assert state is None or isinstance(json.loads(state[0]), dict)
        db.close()

        server.start(timeout_s=600, fresh_store=False)

        async def carry_on() -> list[int]:
            async with aiohttp.ClientSession() as session:
                statuses = []
                for sender in senders:
                    async with session.post(server.url + WEBHOOK, json={"sender": sender, "message": "in green"}) as r:
                        statuses.append(r.status if await r.json() else 0)
                return statuses

        assert asyncio.run(carry_on()) == [200] * len(senders)
    finally:
        server.stop()
