"""The durable inbox (issue 17, defect 2): committed before the 200, answered after a crash, keyed by the
platform's own message id. The kill -9 of a real server is `tests/reliability/test_crash_inbox.py`."""
from __future__ import annotations

import asyncio
import json
import os
import socket
import time

import tests.channels.test_chatwoot as cw
import tests.channels.test_slack as sl
import tests.channels.test_telegram as tg
from agent.config import ServerConfig
from channels.channel_db import ChannelDB
from channels.dispatch import Dispatcher
from channels.inbox import SCHEMA, Inbox
from channels.server import build_app
from channels.testing import serving


def open_inbox(path, owner: str = "") -> tuple[ChannelDB, Inbox]:
    db = ChannelDB.open(path)
    db.script(SCHEMA)
    dispatcher = Dispatcher(lambda message: None)
    return db, Inbox(lambda: db, lambda: dispatcher, owner)


async def test_a_delivery_not_answered_before_a_crash_is_answered_by_the_next_process(tmp_path):
    path = tmp_path / "channels.db"
    db, first = open_inbox(path, owner="crashed-host:4242:its-run")
    never = asyncio.Event()

    async def stuck(parsed):  # the process dies while this turn is under way
        await never.wait()

    first.register("telegram", stuck)
    assert await first.accept("telegram", "501", "telegram:42", {"chat": "42", "text": "red boots"})
    assert await first.accept("telegram", "502", "telegram:43", {"chat": "43", "text": "a dress"})
    assert not await first.accept("telegram", "501", "telegram:42", {"chat": "42", "text": "red boots"})
    await asyncio.sleep(0.05)
    db.close()  # no shutdown hook runs: the rows were committed before the 200, that is all

    db, second = open_inbox(path)
    answered: list[dict] = []

    async def answer(parsed):
        answered.append(parsed)

    second.register("telegram", answer)
    assert await second.replay() == 2
    await asyncio.sleep(0.1)
    assert answered == [{"chat": "42", "text": "red boots"}, {"chat": "43", "text": "a dress"}]
    assert await second.replay() == 0  # done: never answered a third time
    assert not await second.accept("telegram", "501", "telegram:42", {"chat": "42", "text": "red boots"})
    db.close()


async def test_deliveries_a_live_process_on_this_host_holds_are_left_to_it(tmp_path):
    path = tmp_path / "channels.db"
    db, running = open_inbox(path, owner=f"{socket.gethostname()}:{os.getppid()}:its-run")  # alive: our parent
    never = asyncio.Event()

    async def busy(parsed):
        await never.wait()

    running.register("slack", busy)
    assert await running.accept("slack", "Ev1", "slack:D1", {"sender": "D1", "text": "hi", "files": []})
    starting, answered = Inbox(lambda: db, lambda: Dispatcher(lambda m: None)), []

    async def answer(parsed):
        answered.append(parsed)

    starting.register("slack", answer)
    assert await starting.replay() == 0 and answered == []
    db.close()


def telegram_update(text: str, **extra) -> dict:
    chat = {"id": int(tg.CHAT), "type": "private"}
    return {**extra, "message": {"message_id": 5, "date": 1700000000, "text": text,
                                 "from": {"id": 99, "first_name": "Ann"}, "chat": chat}}


async def test_telegram_updates_without_an_update_id_do_not_share_one_key(aiohttp_server, aiohttp_client,
                                                                         monkeypatch, tmp_path, fake_agent):
    contract = tg.TestTelegramContract()
    fake = contract.make_platform()
    fake.url = str((await aiohttp_server(fake.app)).make_url("")).rstrip("/")
    for name, value in contract.secrets.items():
        monkeypatch.setenv(name, value)
    app = build_app(ServerConfig(), serving(fake_agent), channels=("telegram",),
                    platforms=contract.configure(fake.url), channels_db=tmp_path / "channels.db")
    client = await aiohttp_client(app)
    headers = {"X-Telegram-Bot-Api-Secret-Token": tg.SECRET}
    for text in ("show me boots", "red sneakers under 80"):
        assert (await client.post("/webhooks/telegram", json=telegram_update(text), headers=headers)).status == 200
    replay = await client.post("/webhooks/telegram", json=telegram_update("red sneakers under 80"), headers=headers)
    assert (await replay.json()).get("duplicate") is True  # the same bytes again: a replay, answered once
    await fake.wait_for(lambda calls: any("I found 4 matches" in t for t in contract.texts(calls)))
    assert [m.text for m in fake_agent.received] == ["show me boots", "red sneakers under 80"]


async def test_a_chatwoot_message_replayed_under_a_new_delivery_header_is_answered_once(
        aiohttp_server, aiohttp_client, monkeypatch, tmp_path, fake_agent):
    contract = cw.TestChatwootContract()
    fake = contract.make_platform()
    fake.url = str((await aiohttp_server(fake.app)).make_url("")).rstrip("/")
    for name, value in contract.secrets.items():
        monkeypatch.setenv(name, value)
    app = build_app(ServerConfig(), serving(fake_agent), channels=("chatwoot",),
                    platforms=contract.configure(fake.url), channels_db=tmp_path / "channels.db")
    client = await aiohttp_client(app)
    body = json.dumps(cw.message_created("show me boots", 4242)).encode()
    for delivery in ("delivery-a", "delivery-b-captured-and-replayed"):
        timestamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", "X-Chatwoot-Delivery": delivery,
                   "X-Chatwoot-Timestamp": timestamp, "X-Chatwoot-Signature": cw.chatwoot_signature(body, timestamp)}
        assert (await client.post("/webhooks/chatwoot", data=body, headers=headers)).status == 200
    await fake.wait_for(lambda calls: any("I found 2 matches" in t for t in contract.texts(calls)))
    await fake.settle()
    assert [m.text for m in fake_agent.received] == ["show me boots"]


async def test_a_container_restarted_with_the_same_pid_still_replays_the_earlier_runs_deliveries(tmp_path):
    db, inbox = open_inbox(tmp_path / "channels.db")
    earlier_run = f"{socket.gethostname()}:{os.getpid()}:before-the-restart"  # pid 1 before and after, say
    db.execute("INSERT INTO inbox (platform, event_id, conversation, parsed, received, owner) "
               "VALUES (?, ?, ?, ?, ?, ?)",
               ("whatsapp", "wamid.1", "whatsapp:49151", json.dumps({"sender": "49151", "text": "hi"}), time.time(),
                earlier_run))
    answered: list[dict] = []

    async def answer(parsed):
        answered.append(parsed)

    inbox.register("whatsapp", answer)
    assert await inbox.replay() == 1
    await asyncio.sleep(0.1)
    assert answered == [{"sender": "49151", "text": "hi"}]
    db.close()


async def test_deliveries_an_earlier_version_left_in_the_inbox_are_answered_after_the_upgrade(
        aiohttp_server, aiohttp_client, monkeypatch, tmp_path, fake_agent):
    """Before the messaging base, each platform kept its own flat fields; a crash just before an upgrade
    leaves such rows behind, and the new version answers them, photo included."""
    db, _ = open_inbox(tmp_path / "channels.db", owner="an-old-host:4242:its-run")
    contract = sl.TestSlackContract()
    fake = contract.make_platform()
    fake.route("GET", "/files/me.jpg", lambda call: tg.photo_bytes())
    fake.url = str((await aiohttp_server(fake.app)).make_url("")).rstrip("/")
    image = {"mimetype": "image/jpeg", "name": "me.jpg", "url_private_download": f"{fake.url}/files/me.jpg"}
    flat = {"sender": "D42", "text": "", "files": [image]}  # as Slack's adapter kept a shared photo
    db.execute("INSERT INTO inbox (platform, event_id, conversation, parsed, received, owner) VALUES (?, ?, ?, ?, ?, ?)",
               ("slack", "Ev-old", "slack:D42", json.dumps(flat), time.time(), "an-old-host:4242:its-run"))
    db.close()
    for name, value in contract.secrets.items():
        monkeypatch.setenv(name, value)
    app = build_app(ServerConfig(), serving(fake_agent), channels=("slack",),
                    platforms=contract.configure(fake.url), channels_db=tmp_path / "channels.db")
    await aiohttp_client(app)
    await fake.wait_for(lambda calls: any(c.path.endswith("/chat.postMessage") for c in calls))
    (message,) = fake_agent.received
    assert (message.channel, message.sender_id) == ("slack", "D42")
    assert [a.content_type for a in message.attachments] == ["image/jpeg"] and message.attachments[0].data
