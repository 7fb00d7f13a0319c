"""Every frame the widget must not miss, numbered by the server and kept for a while.

Bot answers, a colleague's messages and handoff state changes get an id from this outbox before
they are sent. A widget that lost its connection reconnects with the last id it saw
(`?after=<id>`) and gets exactly the frames it missed, also those sent while it was away; a
widget that reloads gets the transcript instead. Shoppers' thumbs up/down on an answer (CSAT)
are kept here too, by the answer's id.

    message_id = await outbox.add("session-1", {"type": "bot", "messages": [...]})
    await outbox.since("session-1", message_id - 1)
    # -> [{"type": "bot", "id": 41, "messages": [...]}]
"""
from __future__ import annotations

import json
import time
from typing import Any

from channels.channel_db import ChannelDB

KEEP_S = 2 * 86400
RATINGS = ("up", "down")
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS widget_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT, session TEXT NOT NULL, ts REAL NOT NULL, frame TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS widget_outbox_by_session ON widget_outbox (session, id);
CREATE TABLE IF NOT EXISTS widget_feedback (
    session TEXT NOT NULL, message_id INTEGER NOT NULL, rating TEXT NOT NULL, ts REAL NOT NULL,
    PRIMARY KEY (session, message_id)
);
DELETE FROM widget_outbox WHERE ts < strftime('%s', 'now') - {KEEP_S};
"""


class Outbox:
    """Reads the channels' database through `db()`, which is open while the server runs."""

    def __init__(self, db: Any) -> None:
        self._db = db

    @property
    def db(self) -> ChannelDB:
        return self._db()

    async def add(self, session: str, frame: dict[str, Any]) -> int:
        rows = await self.db.run("INSERT INTO widget_outbox (session, ts, frame) VALUES (?, ?, ?) RETURNING id",
                                 (session, time.time(), json.dumps(frame)))
        return int(rows[0][0])

    async def since(self, session: str, after: int) -> list[dict[str, Any]]:
        rows = await self.db.run("SELECT id, frame FROM widget_outbox WHERE session = ? AND id > ? ORDER BY id",
                                 (session, after))
        return [{**json.loads(frame), "id": message_id} for message_id, frame in rows]

    async def latest(self, session: str) -> int:
        rows = await self.db.run("SELECT COALESCE(MAX(id), 0) FROM widget_outbox WHERE session = ?", (session,))
        return int(rows[0][0])

    async def rate(self, session: str, message_id: int, rating: str | None) -> bool:
        """Record (or with None, withdraw) the shopper's rating of one of their own answers."""
        owned = await self.db.run("SELECT 1 FROM widget_outbox WHERE session = ? AND id = ?", (session, message_id))
        if not owned:
            return False
        if rating is None:
            await self.db.run("DELETE FROM widget_feedback WHERE session = ? AND message_id = ?", (session, message_id))
        else:
            await self.db.run("INSERT OR REPLACE INTO widget_feedback (session, message_id, rating, ts) "
                              "VALUES (?, ?, ?, ?)", (session, message_id, rating, time.time()))
        return True

    async def ratings(self, session: str) -> dict[str, int]:
        """`{"up": n, "down": m}` for one conversation."""
        rows = await self.db.run("SELECT rating, COUNT(*) FROM widget_feedback WHERE session = ? GROUP BY rating",
                                 (session,))
        return {"up": 0, "down": 0} | {rating: count for rating, count in rows}
