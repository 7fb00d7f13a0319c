"""A/B experiments kept durably in SQLite: variants, who saw which, impressions and clicks.

    store = ABStore(Path("var/ab.db"))
    experiment_id = store.create("sku-1", "onsite", "everyone", [variant.to_dict() for variant in batch.variants])
    store.record(experiment_id, "onsite-price-1", "session-123", "impression")
    # -> True

One connection in WAL mode, shared by every thread under a lock; each call is one transaction,
committed before it returns (synchronous=NORMAL: a process crash loses nothing). An event counts once per session, variant and kind: a reload that shows
the same banner again is not a second impression.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

EVENT_KINDS = ("impression", "click")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS experiments (
    id TEXT PRIMARY KEY, product_id TEXT NOT NULL, placement TEXT NOT NULL, segment TEXT NOT NULL,
    status TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS variants (
    experiment_id TEXT NOT NULL, variant_id TEXT NOT NULL, angle TEXT NOT NULL, fields TEXT NOT NULL,
    PRIMARY KEY (experiment_id, variant_id));
CREATE TABLE IF NOT EXISTS assignments (
    experiment_id TEXT NOT NULL, session_id TEXT NOT NULL, variant_id TEXT NOT NULL, ts REAL NOT NULL,
    PRIMARY KEY (experiment_id, session_id));
CREATE TABLE IF NOT EXISTS events (
    experiment_id TEXT NOT NULL, variant_id TEXT NOT NULL, session_id TEXT NOT NULL, kind TEXT NOT NULL,
    ts REAL NOT NULL, PRIMARY KEY (experiment_id, variant_id, session_id, kind));
"""


@dataclass(frozen=True, slots=True)
class Experiment:
    id: str
    product_id: str
    placement: str
    segment: str
    status: str
    created: float
    variants: tuple[dict, ...]

    def variant(self, variant_id: str) -> dict | None:
        return next((v for v in self.variants if v["variant_id"] == variant_id), None)


class ABStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(self.path, timeout=10, check_same_thread=False)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute("PRAGMA synchronous=NORMAL")  # with WAL: survives a crash, no fsync per event
        self._lock = threading.Lock()
        with self._db() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """One transaction on the shared connection, one thread at a time."""
        with self._lock, self._connection as db:
            yield db

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def create(self, product_id: str, placement: str, segment: str, variants: Sequence[dict]) -> str:
        if len(variants) < 2:
            raise ValueError(f"an A/B test needs at least 2 variants, got {len(variants)}")
        experiment_id = uuid.uuid4().hex[:12]
        with self._db() as db:
            db.execute("INSERT INTO experiments VALUES (?, ?, ?, ?, 'running', ?)",
                       (experiment_id, product_id, placement, segment, time.time()))
            db.executemany("INSERT INTO variants VALUES (?, ?, ?, ?)", [
                (experiment_id, v["variant_id"], v["angle"], json.dumps(v["fields"])) for v in variants])
        return experiment_id

    def get(self, experiment_id: str) -> Experiment | None:
        with self._db() as db:
            row = db.execute("SELECT * FROM experiments WHERE id = ?", (experiment_id,)).fetchone()
            if row is None:
                return None
            rows = db.execute("SELECT variant_id, angle, fields FROM variants WHERE experiment_id = ? "
                              "ORDER BY rowid", (experiment_id,)).fetchall()
        variants = tuple({"variant_id": v, "angle": a, "fields": json.loads(f)} for v, a, f in rows)
        return Experiment(*row, variants=variants)

    def running(self, placement: str) -> Experiment | None:
        """The newest running experiment on `placement`."""
        with self._db() as db:
            row = db.execute("SELECT id FROM experiments WHERE placement = ? AND status = 'running' "
                             "ORDER BY created DESC LIMIT 1", (placement,)).fetchone()
        return self.get(row[0]) if row else None

    def set_status(self, experiment_id: str, status: str) -> None:
        with self._db() as db:
            db.execute("UPDATE experiments SET status = ? WHERE id = ?", (status, experiment_id))

    def assignment(self, experiment_id: str, session_id: str) -> str | None:
        with self._db() as db:
            row = db.execute("SELECT variant_id FROM assignments WHERE experiment_id = ? AND session_id = ?",
                             (experiment_id, session_id)).fetchone()
        return row[0] if row else None

    def assign(self, experiment_id: str, session_id: str, variant_id: str) -> str:
        """Keep the first variant a session was given; returns the one it has."""
        with self._db() as db:
            db.execute("INSERT OR IGNORE INTO assignments VALUES (?, ?, ?, ?)",
                       (experiment_id, session_id, variant_id, time.time()))
        return self.assignment(experiment_id, session_id) or variant_id

    def record(self, experiment_id: str, variant_id: str, session_id: str, kind: str) -> bool:
        """Record one event; False when this session already had it."""
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event {kind!r}: choose from {', '.join(EVENT_KINDS)}")
        with self._db() as db:
            cursor = db.execute("INSERT OR IGNORE INTO events VALUES (?, ?, ?, ?, ?)",
                                (experiment_id, variant_id, session_id, kind, time.time()))
            return cursor.rowcount == 1

    def has_event(self, experiment_id: str, variant_id: str, session_id: str, kind: str) -> bool:
        with self._db() as db:
            row = db.execute("SELECT 1 FROM events WHERE experiment_id = ? AND variant_id = ? AND session_id = ? "
                             "AND kind = ?", (experiment_id, variant_id, session_id, kind)).fetchone()
        return row is not None

    def counts(self, experiment_id: str) -> dict[str, tuple[int, int]]:
        """`{variant_id: (impressions, clicks)}` for every variant of the experiment."""
        experiment = self.get(experiment_id)
        counts = {v["variant_id"]: [0, 0] for v in experiment.variants} if experiment else {}
        with self._db() as db:
            rows = db.execute("SELECT variant_id, kind, COUNT(*) FROM events WHERE experiment_id = ? "
                              "GROUP BY variant_id, kind", (experiment_id,)).fetchall()
        for variant_id, kind, n in rows:
            counts.setdefault(variant_id, [0, 0])[EVENT_KINDS.index(kind)] = n
        return {variant_id: (shown, clicked) for variant_id, (shown, clicked) in counts.items()}
