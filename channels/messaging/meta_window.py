"""Meta's messaging window: what may be sent to a Messenger user, and how, after their last message.

Meta allows any message for 24 hours after the user's last message (`messaging_type: "RESPONSE"`).
After that, only a person may still answer, for 7 days, and the message must say so with
`messaging_type: "MESSAGE_TAG"` and `tag: "HUMAN_AGENT"`; anything else is refused by the Send API.
So the shopper's last message time is kept per user (in the channels' database, to survive a
restart), and each message sent outside a turn is classed by who wrote it:

    send_fields(last_seen=now - 25 * 3600, now=now, by_person=True)
    # -> {'messaging_type': 'MESSAGE_TAG', 'tag': 'HUMAN_AGENT'}
    send_fields(last_seen=now - 25 * 3600, now=now, by_person=False) is None     # may not be sent
    # -> True
"""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from channels.channel_db import ChannelDB

STANDARD_WINDOW_S = 24 * 3600
HUMAN_AGENT_WINDOW_S = 7 * 24 * 3600
RESPONSE = {"messaging_type": "RESPONSE"}
HUMAN_AGENT = {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}
SCHEMA = "CREATE TABLE IF NOT EXISTS meta_last_seen (conversation_id TEXT PRIMARY KEY, ts REAL NOT NULL);"


def send_fields(last_seen: float | None, now: float, by_person: bool) -> dict[str, str] | None:
    """The Send API fields for a message outside a turn, or None when Meta would refuse it.

    An unknown last message (none recorded) is sent as a response: the platform has the last word.
    """
    age = 0.0 if last_seen is None else now - last_seen
    if age <= STANDARD_WINDOW_S:
        return RESPONSE
    if by_person and age <= HUMAN_AGENT_WINDOW_S:
        return HUMAN_AGENT
    return None


def event_time(timestamp_ms: Any, now: float) -> float:
    """A webhook event's time in seconds (Meta sends milliseconds), never later than now."""
    if isinstance(timestamp_ms, (int, float)) and not isinstance(timestamp_ms, bool) and timestamp_ms > 0:
        return min(timestamp_ms / 1000.0, now)
    return now


class LastSeen:
    """When each user last wrote, read through `db()` (the channels' database, open while the server runs)."""

    def __init__(self, db: Callable[[], ChannelDB], clock: Callable[[], float] = time.time) -> None:
        self._db, self.clock = db, clock

    async def saw(self, conversation_id: str, ts: float) -> None:
        await self._db().run(
            "INSERT INTO meta_last_seen (conversation_id, ts) VALUES (?, ?) "
            "ON CONFLICT (conversation_id) DO UPDATE SET ts = max(ts, excluded.ts)", (conversation_id, ts))

    async def last(self, conversation_id: str) -> float | None:
        rows = await self._db().run("SELECT ts FROM meta_last_seen WHERE conversation_id = ?", (conversation_id,))
        return rows[0][0] if rows else None
