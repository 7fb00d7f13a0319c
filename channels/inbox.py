"""The durable inbox: a webhook delivery is written down before it is acknowledged, and handled at least once.

A platform stops retrying once it has its 200, so a message that lived only in memory is lost when
the process dies. Each webhook channel therefore parses the delivery, keys it by the platform's own
id for that message (Telegram `update_id`, Slack `event_id`, Meta's message `mid`, Chatwoot's message
`id` in the signed body) and `accept`s it here: the parsed message is committed to the channels'
SQLite file, then the 200 goes out, then the channel's handler answers it in the background. A
retry of the same id is acknowledged without a second answer. A delivery is marked done when its
handler returns; at start-up every delivery not done (the process was killed, or stopped before its
turn finished) is handed to its handler again, oldest first, at most `MAX_ATTEMPTS` times in all.

    inbox.register("telegram", answer)                        # answer(parsed) -> None
    await inbox.accept("telegram", "8121", "telegram:42", {"chat": "42", "text": "hi"})
    # -> True
    await inbox.replay()                                       # at start-up: what a crash left behind

At-least-once, not exactly-once: a process killed after its reply reached the platform but before
the delivery was marked done answers that message again after the restart (a window of one
database write). The inbox lives in the channels' file of one host; processes that share that file
skip what a live process on the same host holds (each row names its owner, `host:pid:run`), and claim
the rest atomically, so two processes starting together never answer the same delivery.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import secrets
import socket
import time
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from channels.channel_db import CLAIM_DAYS, ChannelDB
from channels.dispatch import Dispatcher

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # a delivery started this often without finishing is not replayed again (a poison message)
Handler = Callable[[dict[str, Any]], Awaitable[None]]
SCHEMA = """
CREATE TABLE IF NOT EXISTS inbox (
    platform TEXT NOT NULL, event_id TEXT NOT NULL, conversation TEXT NOT NULL, parsed TEXT NOT NULL,
    received REAL NOT NULL, done REAL, attempts INTEGER NOT NULL DEFAULT 0, owner TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (platform, event_id)
);
CREATE INDEX IF NOT EXISTS inbox_open ON inbox (done, received);
"""
_OPEN: weakref.WeakValueDictionary[str, Inbox] = weakref.WeakValueDictionary()  # this process's inboxes


def _alive_here(owner: str) -> bool:
    """Whether `owner` (`host:pid:run`) is still running on this host: another process, or another
    inbox of this one. A row of an earlier run with this very pid (a container restarted as pid 1)
    belongs to no one alive."""
    host, pid, _ = (owner.split(":") + ["", ""])[:3]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return owner in _OPEN
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def body_key(body: bytes) -> str:
    """A key for a delivery that carries no id of its own: the same bytes (a replay) give the same key,
    any other delivery another one."""
    return "sha256:" + hashlib.sha256(body).hexdigest()


class Inbox:
    """Deliveries kept until answered; `db_of` and `dispatcher_of` are read when used (both open at start)."""

    def __init__(self, db_of: Callable[[], ChannelDB], dispatcher_of: Callable[[], Dispatcher | None],
                 owner: str = "") -> None:
        self._db_of, self._dispatcher_of = db_of, dispatcher_of
        self._handlers: dict[str, Handler] = {}
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"  # this run
        _OPEN[self.owner] = self

    def register(self, platform: str, handler: Handler) -> None:
        """`handler(parsed)` answers one delivery of `platform` (it may be called again after a crash)."""
        self._handlers[platform] = handler

    async def accept(self, platform: str, event_id: str, conversation: str, parsed: dict[str, Any]) -> bool:
        """Commit the delivery, then start answering it; False (nothing started) when it was here already."""
        if platform not in self._handlers:
            raise KeyError(f"no inbox handler registered for {platform!r}")
        row = (platform, event_id, conversation, json.dumps(parsed), time.time(), self.owner)
        cursor = await asyncio.to_thread(
            self._db_of().execute, "INSERT OR IGNORE INTO inbox (platform, event_id, conversation, parsed, received, "
            "owner) VALUES (?, ?, ?, ?, ?, ?)", row)
        if cursor.rowcount != 1:
            return False
        self._start(platform, event_id, conversation, parsed)
        return True

    async def replay(self) -> int:
        """Hand every delivery not done to its handler again, oldest first; returns how many."""
        db = self._db_of()
        rows = await db.run("SELECT platform, event_id, conversation, parsed, owner FROM inbox "
                            "WHERE done IS NULL AND attempts < ? ORDER BY received", (MAX_ATTEMPTS,))
        started = 0
        for platform, event_id, conversation, parsed, owner in rows:
            if platform not in self._handlers or owner == self.owner or _alive_here(owner):
                continue
            claimed = await asyncio.to_thread(
                db.execute, "UPDATE inbox SET owner = ? WHERE platform = ? AND event_id = ? AND owner = ?",
                (self.owner, platform, event_id, owner))
            if claimed.rowcount == 1:
                self._start(platform, event_id, conversation, json.loads(parsed))
                started += 1
        if started:
            log.info("replaying %d webhook deliveries that were not answered before the last stop", started)
        return started

    async def forget_old(self, now: float | None = None) -> None:
        cutoff = (now or time.time()) - CLAIM_DAYS * 86400
        await self._db_of().run("DELETE FROM inbox WHERE received < ?", (cutoff,))

    def _start(self, platform: str, event_id: str, conversation: str, parsed: dict[str, Any]) -> None:
        dispatcher = self._dispatcher_of()
        if dispatcher is None:
            raise RuntimeError("the inbox answers through the dispatcher: wire the agent first")
        dispatcher.spawn(self._answer(platform, event_id, parsed), conversation)

    async def _answer(self, platform: str, event_id: str, parsed: dict[str, Any]) -> None:
        db = self._db_of()
        key = (platform, event_id)
        await db.run("UPDATE inbox SET attempts = attempts + 1 WHERE platform = ? AND event_id = ?", key)
        await self._handlers[platform](parsed)  # a failure is logged by the dispatcher; the row stays open
        await db.run("UPDATE inbox SET done = ? WHERE platform = ? AND event_id = ?", (time.time(), *key))
