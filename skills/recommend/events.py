"""Shopper events (views, clicks, add-to-cart, purchases, ratings, searches), stored durably in SQLite.

An `impression` is a product card merely shown to the shopper (scrolled into sight): it is stored
and counted apart, but says nothing about the shopper's taste, so it never feeds a profile's
interests, the shop-wide models or a "because you viewed" reason. A `view` is the shopper looking
at the product itself (its page, or asking about it).

An event is identified by its user and its id: sending the same event twice stores it once, so a
client may retry a batch safely::

    store = EventStore.open("var/events.db")
    events = [parse_event({"id": "e1", "user": "webchat:abc", "type": "view", "item": "sku-1"})]
    store.add(events)        # AddResult(accepted=1, duplicates=0)
    store.add(events)        # AddResult(accepted=0, duplicates=1)
    store.for_user("webchat:abc")[-1].item
    store.erase("webchat:abc")
"""
from __future__ import annotations

import math
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.errors import AisleError

EVENT_TYPES = ("impression", "view", "click", "add_to_cart", "purchase", "rating", "search", "checkout")
ITEM_EVENTS = frozenset(EVENT_TYPES) - {"search", "checkout"}  # a checkout is of a whole cart
MAX_ID_CHARS = 128
MAX_QUERY_CHARS = 500
FUTURE_SLACK_SECONDS = 86_400.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS shopper_events (
    user TEXT NOT NULL,
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    item TEXT NOT NULL DEFAULT '',
    query TEXT NOT NULL DEFAULT '',
    value REAL,
    size TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    ts REAL NOT NULL,
    PRIMARY KEY (user, id)
);
CREATE INDEX IF NOT EXISTS shopper_events_by_user_time ON shopper_events (user, ts);
CREATE INDEX IF NOT EXISTS shopper_events_by_time ON shopper_events (ts);
"""
_COLUMNS = "user, id, type, item, query, value, size, source, ts"


class InvalidEvent(AisleError):
    """An event that cannot be stored; `field` names the offending part (`events[2].type`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Event:
    """One thing a shopper did. `item` is a product id (empty for searches); `value` a rating."""

    id: str
    user: str
    type: str
    item: str = ""
    query: str = ""
    value: float | None = None
    size: str = ""
    source: str = ""
    ts: float = 0.0

    def row(self) -> tuple:
        return (self.user, self.id, self.type, self.item, self.query, self.value, self.size, self.source, self.ts)


INTEREST = {"view": 1.0, "click": 1.5, "add_to_cart": 3.0, "purchase": 5.0}  # an impression: none


def interest(event: Event) -> float:
    """How much an event says the shopper likes its item; a low rating says they do not."""
    if event.type == "rating":
        return 4.0 if (event.value or 0) >= 4 else (1.0 if (event.value or 0) >= 3 else -2.0)
    return INTEREST.get(event.type, 0.0)


@dataclass(frozen=True, slots=True)
class AddResult:
    accepted: int
    duplicates: int


def parse_event(data: Mapping[str, Any], where: str = "event", source: str = "api",
                now: float | None = None) -> Event:
    """An `Event` from a JSON object, or `InvalidEvent` naming the first bad field."""
    if not isinstance(data, Mapping):
        raise InvalidEvent(where, f"{where} must be a JSON object")
    now = time.time() if now is None else now
    kind = _text(data, "type", where, MAX_ID_CHARS, required=True)
    if kind not in EVENT_TYPES:
        raise InvalidEvent(f"{where}.type", f"{where}.type {kind!r} is not one of {', '.join(EVENT_TYPES)}")
    event = Event(
        id=_text(data, "id", where, MAX_ID_CHARS, required=True),
        user=_text(data, "user", where, MAX_ID_CHARS, required=True),
        type=kind,
        item=_text(data, "item", where, MAX_ID_CHARS, required=kind in ITEM_EVENTS),
        query=_text(data, "query", where, MAX_QUERY_CHARS, required=kind == "search"),
        value=_value(data, kind, where),
        size=_text(data, "size", where, 32),
        source=source,
        ts=_timestamp(data, where, now),
    )
    return event


def _text(data: Mapping[str, Any], name: str, where: str, limit: int, required: bool = False) -> str:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise InvalidEvent(f"{where}.{name}", f"{where}.{name} is missing")
        return ""
    if not isinstance(value, str):
        raise InvalidEvent(f"{where}.{name}", f"{where}.{name} must be a string")
    value = value.strip()
    if required and not value:
        raise InvalidEvent(f"{where}.{name}", f"{where}.{name} is empty")
    if len(value) > limit or any(ord(c) < 32 for c in value):
        raise InvalidEvent(f"{where}.{name}", f"{where}.{name} must be at most {limit} printable characters")
    return value


def _value(data: Mapping[str, Any], kind: str, where: str) -> float | None:
    value = data.get("value")
    if value is None:
        if kind == "rating":
            raise InvalidEvent(f"{where}.value", f"{where}.value is missing: a rating needs a value from 1 to 5")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidEvent(f"{where}.value", f"{where}.value must be a number")
    if kind == "rating" and not 1 <= value <= 5:
        raise InvalidEvent(f"{where}.value", f"{where}.value must be from 1 to 5 for a rating, got {value}")
    return float(value)


def _timestamp(data: Mapping[str, Any], where: str, now: float) -> float:
    ts = data.get("ts")
    if ts is None:
        return now
    if isinstance(ts, bool) or not isinstance(ts, (int, float)) or not math.isfinite(ts):
        raise InvalidEvent(f"{where}.ts", f"{where}.ts must be a number: seconds since 1970 (UTC)")
    if ts > 1e11:
        ts = ts / 1000.0  # milliseconds, as browsers count
    if not 0 < ts <= now + FUTURE_SLACK_SECONDS:
        raise InvalidEvent(f"{where}.ts", f"{where}.ts is out of range: more than a day in the future or before 1970")
    return float(ts)


class EventStore:
    """Events in one SQLite file (WAL); every method is safe to call from any thread."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self._lock = threading.Lock()
        self.path = path

    @classmethod
    def open(cls, path: str | Path) -> EventStore:
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        return cls(db, path)

    def add(self, events: Iterable[Event]) -> AddResult:
        """Store the events in one transaction; ones already stored (same user and id) are skipped."""
        rows = [event.row() for event in events]
        with self._lock:
            before = self._db.total_changes
            self._db.execute("BEGIN")
            try:
                self._db.executemany(f"INSERT OR IGNORE INTO shopper_events ({_COLUMNS}) VALUES "
                                     "(?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            accepted = self._db.total_changes - before
        return AddResult(accepted, len(rows) - accepted)

    def for_user(self, user: str, limit: int = 200, impressions: bool | None = None) -> list[Event]:
        """The user's most recent `limit` events, oldest first.

        `impressions`: None counts every event, False only the ones that are not impressions (so a long
        scroll cannot push what the shopper did out of the window), True only impressions.
        """
        kind = {None: "", False: "AND type != 'impression' ", True: "AND type = 'impression' "}[impressions]
        rows = self._query(f"SELECT {_COLUMNS} FROM (SELECT * FROM shopper_events WHERE user = ? {kind}"
                           "ORDER BY ts DESC, rowid DESC LIMIT ?) ORDER BY ts, rowid", (user, limit))
        return [_event(row) for row in rows]

    def all_events(self, since: float = 0.0) -> Iterator[Event]:
        """Every event at or after `since`, in time order (read in pages, so memory stays flat)."""
        last = (since, -1)
        while True:
            rows = self._query(f"SELECT {_COLUMNS}, rowid FROM shopper_events WHERE (ts, rowid) > (?, ?) "
                               "ORDER BY ts, rowid LIMIT 5000", last)
            if not rows:
                return
            yield from (_event(row[:-1]) for row in rows)
            last = (rows[-1][8], rows[-1][9])

    def erase(self, user: str) -> int:
        """Delete every event of `user`; returns how many there were."""
        with self._lock:
            return self._db.execute("DELETE FROM shopper_events WHERE user = ?", (user,)).rowcount

    def count(self, user: str | None = None) -> int:
        if user is None:
            return self._query("SELECT COUNT(*) FROM shopper_events")[0][0]
        return self._query("SELECT COUNT(*) FROM shopper_events WHERE user = ?", (user,))[0][0]

    def version(self) -> tuple[int, int]:
        """Changes whenever events are added or erased: (highest row number, count)."""
        return tuple(self._query("SELECT COALESCE(MAX(rowid), 0), COUNT(*) FROM shopper_events")[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()


def _event(row: tuple) -> Event:
    user, id, kind, item, query, value, size, source, ts = row
    return Event(id=id, user=user, type=kind, item=item, query=query, value=value, size=size, source=source, ts=ts)
