"""The embedded conversation store: one SQLite file in WAL mode.

    store = SQLiteStore.open("var/aisle.db")
    await store.append("rest:alice", "user", "hi")
    [t.text for t in await store.transcript("rest:alice")]
    # -> ['hi']
"""
from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from agent.store.base import Turn

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL DEFAULT '{}',
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL,
    ts REAL NOT NULL,
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS events_by_conversation ON events (conversation_id, seq);
"""


class SQLiteStore:
    """Conversations and their messages in one SQLite file; calls run off the event loop."""

    def __init__(self, connection: sqlite3.Connection, path: Path):
        self._db = connection
        self._lock = threading.Lock()
        self.path = path

    @classmethod
    def open(cls, path: str | Path) -> "SQLiteStore":
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        return cls(db, path)

    async def _run(self, sql: str, params: tuple = ()) -> list[tuple]:
        def work() -> list[tuple]:
            with self._lock:
                return self._db.execute(sql, params).fetchall()

        return await asyncio.to_thread(work)

    async def load_state(self, conversation_id: str) -> dict[str, Any]:
        rows = await self._run("SELECT state FROM conversations WHERE id = ?", (conversation_id,))
        return json.loads(rows[0][0]) if rows else {}

    async def save_state(self, conversation_id: str, state: dict[str, Any]) -> None:
        now = time.time()
        await self._run(
            "INSERT INTO conversations (id, state, created_at, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
            (conversation_id, json.dumps(state), now, now),
        )

    async def append(self, conversation_id: str, role: str, text: str, payload: dict[str, Any] | None = None) -> None:
        await self._run(
            "INSERT INTO events (conversation_id, ts, role, text, payload) VALUES (?, ?, ?, ?, ?)",
            (conversation_id, time.time(), role, text, json.dumps(payload or {})),
        )

    async def transcript(self, conversation_id: str, limit: int = 200) -> list[Turn]:
        rows = await self._run(
            "SELECT role, text, ts, payload FROM ("
            " SELECT seq, role, text, ts, payload FROM events WHERE conversation_id = ? ORDER BY seq DESC LIMIT ?"
            ") ORDER BY seq",
            (conversation_id, limit),
        )
        return [Turn(role, text, ts, json.loads(payload)) for role, text, ts, payload in rows]

    async def conversations_of(self, user: str) -> list[str]:
        """Every conversation id of `user` on any channel (`<channel>:<user>`)."""
        rows = await self._run("SELECT id FROM conversations WHERE substr(id, instr(id, ':') + 1) = ? UNION "
                               "SELECT DISTINCT conversation_id FROM events "
                               "WHERE substr(conversation_id, instr(conversation_id, ':') + 1) = ?", (user, user))
        return sorted(row[0] for row in rows)

    async def delete(self, conversation_id: str) -> int:
        """Remove a conversation, its state and every message; returns how many messages there were."""
        def work() -> int:
            with self._lock:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    count = self._db.execute("DELETE FROM events WHERE conversation_id = ?", (conversation_id,)).rowcount
                    self._db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                return count

        return await asyncio.to_thread(work)

    async def idle_since(self, before: float) -> list[str]:
        """Conversations with no message and no state change since `before` (a Unix time)."""
        rows = await self._run(
            "SELECT id FROM (SELECT id, updated_at AS ts FROM conversations UNION ALL "
            "SELECT conversation_id, ts FROM events) GROUP BY id HAVING MAX(ts) < ?", (before,))
        return [row[0] for row in rows]

    async def find(self, text: str, limit: int = 20) -> list[str]:
        """Conversations whose messages, their payloads (products shown, handoff context) or state mention
        ``text`` (case-insensitive), the most recently active first."""
        like = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = await self._run(
            "SELECT id, MAX(ts) AS last FROM ("
            " SELECT conversation_id AS id, ts FROM events"
            "  WHERE lower(text) LIKE ?1 ESCAPE '\\' OR lower(payload) LIKE ?1 ESCAPE '\\'"
            " UNION ALL SELECT id, updated_at FROM conversations"
            "  WHERE lower(state) LIKE ?1 ESCAPE '\\' OR lower(id) LIKE ?1 ESCAPE '\\'"
            ") GROUP BY id ORDER BY last DESC LIMIT ?2", (like, limit))
        return [row[0] for row in rows]

    async def close(self) -> None:
        with self._lock:
            self._db.close()
