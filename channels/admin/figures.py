"""The admin dashboard's figures, per day and in total, computed from the stores the server runs on.

- containment: conversations the assistant resolved without a person, over conversations started
  (a conversation counts on the day of its first shopper message; it is handed off when its
  transcript holds a "handoff" event, whenever that came); the handoff rate is the rest;
- CSAT: the widget's thumbs up over thumbs up and down, on the day they were given;
- click-through: product-card clicks over card views in the recommendation event log;
- carts: carts started (a shopper's first add-to-cart of the day, from the chat or the widget) and
  checkouts (the chat's hand-over to checkout and the widget's checkout button), from the same log.

Conversations are read through the store interface every store implements (`idle_since`,
`transcript`), so the same code runs on SQLite and on Redis; it reads every conversation active
in the window, which is why the dashboard keeps its figures for `CACHE_S` seconds.

    figures = await compute_figures(Sources(store, channels_db, events, title_of), days=30)
    figures.totals.containment_rate
    # -> 0.82
"""
from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

DAY_S = 86_400
MAX_DAYS = 365
TRANSCRIPT_LIMIT = 10_000
READERS = 8  # transcripts read at once
TOP_PRODUCTS = 5


@dataclass
class DayFigures:
    """One day's counts; the rates are None where there was nothing to divide by."""

    day: str
    conversations: int = 0
    handed_off: int = 0
    thumbs_up: int = 0
    thumbs_down: int = 0
    card_views: int = 0
    card_clicks: int = 0
    carts_started: int = 0
    checkouts: int = 0

    @property
    def contained(self) -> int:
        return self.conversations - self.handed_off

    def add(self, other: DayFigures) -> None:
        for name in ("conversations", "handed_off", "thumbs_up", "thumbs_down", "card_views", "card_clicks",
                     "carts_started", "checkouts"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def rates(self) -> dict[str, float | None]:
        return {"containment_rate": _ratio(self.contained, self.conversations),
                "handoff_rate": _ratio(self.handed_off, self.conversations),
                "csat": _ratio(self.thumbs_up, self.thumbs_up + self.thumbs_down),
                "click_through_rate": _ratio(self.card_clicks, self.card_views),
                "checkout_rate": _ratio(self.checkouts, self.carts_started)}

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "contained": self.contained, **self.rates()}


@dataclass
class Figures:
    since: float
    days: list[DayFigures]
    totals: DayFigures
    top_clicked: list[dict[str, Any]] = field(default_factory=list)  # {"id", "title", "clicks"}
    computed_at: float = field(default_factory=time.time)

    def to_dict(self) -> dict[str, Any]:
        return {"since": _day(self.since), "days": [d.to_dict() for d in self.days],
                "totals": {k: v for k, v in self.totals.to_dict().items() if k != "day"},
                "top_clicked": self.top_clicked, "computed_at": round(self.computed_at, 3)}


@dataclass
class Sources:
    """Where the figures come from; `channels_db` and `events` are None where a server has none."""

    store: Any  # agent.store.ConversationStore with idle_since
    channels_db: Any = None  # channels.channel_db.ChannelDB (the widget's ratings)
    events: Any = None  # skills.recommend.events.EventStore
    title_of: Callable[[str], str | None] = lambda product_id: None


async def compute_figures(sources: Sources, days: int = 30, now: float | None = None) -> Figures:
    """The last `days` days (today included, UTC) of every figure."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be from 1 to {MAX_DAYS}, got {days}")
    now = time.time() if now is None else now
    since = _midnight(now) - (days - 1) * DAY_S
    by_day = {_day(since + n * DAY_S): DayFigures(_day(since + n * DAY_S)) for n in range(days)}
    for day, conversations, handed_off in await conversation_outcomes(sources.store, since):
        by_day[day].conversations, by_day[day].handed_off = conversations, handed_off
    for day, up, down in await thumbs_by_day(sources.channels_db, since):
        if day in by_day:
            by_day[day].thumbs_up, by_day[day].thumbs_down = up, down
    clicks: Counter[str] = Counter()
    if sources.events is not None:
        events = await asyncio.to_thread(list, sources.events.all_events(since))
        counted = card_events_by_day(events)
        for day, (views, clicked) in counted[0].items():
            if day in by_day:
                by_day[day].card_views, by_day[day].card_clicks = views, clicked
        for day, (started, checkouts) in cart_events_by_day(events).items():
            if day in by_day:
                by_day[day].carts_started, by_day[day].checkouts = started, checkouts
        clicks = counted[1]
    totals = DayFigures("total")
    for figures in by_day.values():
        totals.add(figures)
    top = [{"id": item, "title": sources.title_of(item) or "", "clicks": count}
           for item, count in clicks.most_common(TOP_PRODUCTS)]
    return Figures(since, list(by_day.values()), totals, top)


async def conversation_outcomes(store: Any, since: float) -> list[tuple[str, int, int]]:
    """(day, conversations started, of which handed off) for conversations started at or after `since`."""
    active = set(await store.idle_since(float("inf"))) - set(await store.idle_since(since))
    gate = asyncio.Semaphore(READERS)

    async def outcome(conversation_id: str) -> tuple[float, bool] | None:
        async with gate:
            turns = await store.transcript(conversation_id, TRANSCRIPT_LIMIT)
        started = next((t.ts for t in turns if t.role == "user"), None)
        if started is None or started < since:
            return None
        return started, any(t.role == "handoff" for t in turns)

    started: Counter[str] = Counter()
    handed: Counter[str] = Counter()
    for found in await asyncio.gather(*(outcome(c) for c in sorted(active))):
        if found is not None:
            started[_day(found[0])] += 1
            handed[_day(found[0])] += found[1]
    return [(day, started[day], handed[day]) for day in sorted(started)]


async def thumbs_by_day(channels_db: Any, since: float) -> list[tuple[str, int, int]]:
    """(day, thumbs up, thumbs down) from the widget's ratings; none where the widget never ran."""
    if channels_db is None:
        return []
    try:
        rows = await channels_db.run(
            "SELECT date(ts, 'unixepoch') AS day, SUM(rating = 'up'), SUM(rating = 'down') FROM widget_feedback "
            "WHERE ts >= ? GROUP BY day ORDER BY day", (since,))
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return []
        raise
    return [(day, int(up), int(down)) for day, up, down in rows]


def card_events_by_day(events: Iterable[Any]) -> tuple[dict[str, tuple[int, int]], Counter[str]]:
    """Views and clicks of product cards per day, and clicks per product."""
    views: Counter[str] = Counter()
    clicks: Counter[str] = Counter()
    per_item: Counter[str] = Counter()
    for event in events:
        if event.type == "view":
            views[_day(event.ts)] += 1
        elif event.type == "click":
            clicks[_day(event.ts)] += 1
            per_item[event.item] += 1
    return {day: (views[day], clicks[day]) for day in sorted(set(views) | set(clicks))}, per_item


def cart_events_by_day(events: Iterable[Any]) -> dict[str, tuple[int, int]]:
    """Carts started (shoppers who added to a cart that day) and checkouts, per day."""
    started: set[tuple[str, str]] = set()
    checkouts: Counter[str] = Counter()
    for event in events:
        if event.type == "add_to_cart":
            started.add((_day(event.ts), event.user))
        elif event.type == "checkout":
            checkouts[_day(event.ts)] += 1
    per_day = Counter(day for day, _ in started)
    return {day: (per_day[day], checkouts[day]) for day in sorted(set(per_day) | set(checkouts))}


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _day(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d")


def _midnight(ts: float) -> float:
    return float(int(ts) // DAY_S * DAY_S)
