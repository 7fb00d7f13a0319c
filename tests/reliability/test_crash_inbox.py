"""kill -9 right after webhooks were acknowledged: after the restart every message is answered, once.

The real `aisle serve` runs as a child process with Telegram enabled and pointed at a fake Bot API on
localhost. While the first process runs, the fake platform holds every reply without answering it,
so no answer is through when the process is killed; after the restart it answers at once. A retry
of one of the updates (what Telegram does when it doubts a delivery) must not bring a second answer.
"""
from __future__ import annotations

import asyncio
import json
import threading
from collections import defaultdict

import aiohttp
import pytest
from aiohttp import web

from bench.load_server import ServeProcess

TOKEN, SECRET = "123456:crash-test-token", "crash-test-secret"
MESSAGES = {"7001": "red sneakers", "7002": "a summer dress", "7003": "black boots",
            "7004": "what is your return policy?", "7005": "a wool sweater", "7006": "running shoes"}


class FakeTelegram:
    """sendMessage / sendPhoto on a thread of its own; while `holding`, calls hang and count for nothing."""

    def __init__(self) -> None:
        self.accepted: defaultdict[str, list[str]] = defaultdict(list)  # chat -> texts the platform took
        self.holding = True
        self.loop = asyncio.new_event_loop()
        self.url = ""
        self._ready = threading.Event()

    async def _send(self, request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        while self.holding:
            await asyncio.sleep(0.05)
        self.accepted[str(body.get("chat_id"))].append(str(body.get("text") or body.get("caption") or ""))
        return web.json_response({"ok": True, "result": {"message_id": 1}})

    def start(self) -> FakeTelegram:
        threading.Thread(target=self._run, daemon=True).start()
        self._ready.wait(10)
        return self

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        app = web.Application()
        for method in ("sendMessage", "sendPhoto", "answerCallbackQuery"):
            app.router.add_post(f"/bot{TOKEN}/{method}", self._send)
        runner = web.AppRunner(app)
        self.loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        self.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        self._ready.set()
        self.loop.run_forever()


def update(update_id: int, chat: str, text: str) -> dict:
    return {"update_id": update_id, "message": {"message_id": update_id, "date": 1700000000, "text": text,
                                                "from": {"id": int(chat), "first_name": "Ann"},
                                                "chat": {"id": int(chat), "type": "private"}}}


async def deliver(url: str, updates: list[dict]) -> list[dict]:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession() as session:
        answers = []
        for body in updates:
            async with session.post(url + "/webhooks/telegram", json=body, headers=headers) as response:
                assert response.status == 200, await response.text()
                answers.append(await response.json())
        return answers


def wait_until(predicate, timeout_s: float) -> bool:
    async def poll() -> bool:
        for _ in range(int(timeout_s * 10)):
            if predicate():
                return True
            await asyncio.sleep(0.1)
        return predicate()

    return asyncio.run(poll())


@pytest.mark.slow
def test_webhooks_acknowledged_before_a_kill_9_are_each_answered_once_after_the_restart(tmp_path, monkeypatch):
    platform = FakeTelegram().start()
    env = {"AISLE_CHANNELS__ENABLED": "telegram", "AISLE_CHANNELS__TELEGRAM__BASE_URL": platform.url,
           "AISLE_TELEGRAM_BOT_TOKEN": TOKEN, "AISLE_TELEGRAM_SECRET_TOKEN": SECRET,
           "AISLE_SERVER__MESSAGES_PER_MINUTE": "0"}
    server = ServeProcess(tmp_path / "data", demo_size=100, extra_env=env)
    updates = [update(900 + n, chat, text) for n, (chat, text) in enumerate(MESSAGES.items())]
    try:
        server.start(timeout_s=600)
        acks = asyncio.run(deliver(server.url, updates))
        server.kill()  # SIGKILL at once: the turns are under way or not begun, and no answer got through
        assert all(ack == {"ok": True} for ack in acks)
        assert not any(platform.accepted.values())

        platform.holding = False
        server.start(timeout_s=600, fresh_store=False)  # the same files
        assert wait_until(lambda: all(platform.accepted.get(chat) for chat in MESSAGES), 120), dict(platform.accepted)
        retried = asyncio.run(deliver(server.url, updates[:2]))  # Telegram doubts two deliveries and sends them again
        assert all(ack.get("duplicate") for ack in retried)
        wait_until(lambda: False, 3)  # anything answered twice would arrive by now
        for chat, texts in platform.accepted.items():
            assert texts.count(texts[0]) == 1, (chat, texts)  # one answer: its first message was sent once
        log = server.log()
        assert "replaying" in log and "webhook deliveries" in log
    finally:
        server.stop()
        platform.loop.call_soon_threadsafe(platform.loop.stop)
