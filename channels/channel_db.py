"""The channels' own SQLite file: which webhook deliveries were handled, and small values to look up later.

Platforms retry a webhook they think failed (Slack after 3 s, Meta and Telegram on any error).
The built-in channels keep every delivery in the durable inbox (`channels.inbox`, a table in this
file), which also de-duplicates; `claim` remains for a plug-in that only needs "first time or retry?".

    db = ChannelDB.open("var/channels.db")
    await db.claim("slack", "Ev123"), await db.claim("slack", "Ev123")
    # -> (True, False)
"""
from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

CLAIM_DAYS = 7  # platforms stop retrying within hours; a week of ids is plenty
_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    platform TEXT NOT NULL, event_id TEXT NOT NULL, ts REAL NOT NULL, PRIMARY KEY (platform, event_id)
);
CREATE TABLE IF NOT EXISTS stash (key TEXT PRIMARY KEY, value TEXT NOT NULL, ts REAL NOT NULL);
"""


class ChannelDB:
    """One SQLite connection (WAL), used from worker threads under a lock."""

    def __init__(self, connection: sqlite3.Connection, path: str) -> None:
        self._db = connection
        self._lock = threading.Lock()
        self.path = path

    @classmethod
    def open(cls, path: str | Path) -> "ChannelDB":
        """Open (or create) the file; `":memory:"` keeps everything in memory for one process."""
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        return cls(db, str(path))

    def execute(self, sql: str, params: tuple = ()) -> sqlite3.Cursor:
        """Run one statement now (on the calling thread); other modules add their own tables with it."""
        with self._lock:
            return self._db.execute(sql, params)

    def script(self, sql: str) -> None:
        """Run several statements (a module's `CREATE TABLE IF NOT EXISTS ...` schema)."""
        with self._lock:
            self._db.executescript(sql)

    async def run(self, sql: str, params: tuple = ()) -> list[tuple[Any, ...]]:
        def work() -> list[tuple[Any, ...]]:
            with self._lock:
                return self._db.execute(sql, params).fetchall()

        return await asyncio.to_thread(work)

    async def claim(self, platform: str, event_id: str) -> bool:
        """True the first time `event_id` arrives from `platform`, False for every retry of it."""

        def work() -> bool:
            with self._lock:
                cursor = self._db.execute(
                    "INSERT OR IGNORE INTO deliveries (platform, event_id, ts) VALUES (?, ?, ?)",
                    (platform, event_id, time.time()))
                return cursor.rowcount == 1

        return await asyncio.to_thread(work)

    async def stash(self, value: str) -> str:
        """A short key for `value` (a button payload too long for the platform), found again by `unstash`."""
        key = hashlib.sha256(value.encode("utf-8")).hexdigest()[:20]
        await self.run("INSERT OR REPLACE INTO stash (key, value, ts) VALUES (?, ?, ?)", (key, value, time.time()))
        return key

    async def unstash(self, key: str) -> str | None:
        rows = await self.run("SELECT value FROM stash WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    async def forget_old(self, now: float | None = None) -> None:
        cutoff = (now or time.time()) - CLAIM_DAYS * 86400
        await self.run("DELETE FROM deliveries WHERE ts < ?", (cutoff,))
        await self.run("DELETE FROM stash WHERE ts < ?", (cutoff,))

    def close(self) -> None:
        with self._lock:
            self._db.close()
