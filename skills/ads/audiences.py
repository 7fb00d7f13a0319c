"""Audience segments made from the shoppers' recommendation profiles.

Shoppers are grouped by the category they mostly look at, and again by that category and the
price level they shop at; a group with at least `min_size` shoppers is a segment. What most of
its shoppers share (colours, brands, kinds of product, who the products are for, a price band,
whether they have bought before) is what the ad copy may speak to::

    segments = derive_segments(profiles_from_events(store.all_events(), items), items, min_size=5)
    [(s.name, s.size, s.colours) for s in segments]   # [("shoes", 40, ("red", "black")), ("shoes-budget", 18, ...)]

    book = SegmentBook(recommender_source(recommender))   # kept fresh as events come in
    book.get("shoes-budget")
"""
from __future__ import annotations

import re
import statistics
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from skills.ads.segments import SEGMENTS, Segment, segment_from
from skills.recommend.events import Event
from skills.recommend.items import ItemTable
from skills.recommend.profile import UserProfile, build_profile

SHARED = 0.15  # a colour, brand or kind is the segment's when its mean share over the members reaches this
MAJORITY = 0.6  # gender and price level: the share of members that must agree
MAX_EVENTS_PER_SHOPPER = 200  # as many as a profile reads when recommending
_AUDIENCE_WORDS = r"(?:segment|shoppers|audience|buyers|customers)\b"


def profiles_from_events(events: Iterable[Event], items: ItemTable, now: float | None = None) -> list[UserProfile]:
    """One profile per shopper in the stream; shoppers who did nothing with a product are left out."""
    by_user: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        by_user[event.user].append(event)
    now = time.time() if now is None else now
    profiles = (build_profile(user, sorted(events, key=lambda e: e.ts)[-MAX_EVENTS_PER_SHOPPER:], items, now)
                for user, events in by_user.items())
    return [p for p in profiles if p.recent]


def derive_segments(profiles: Iterable[UserProfile], items: ItemTable, min_size: int = 5) -> list[Segment]:
    """Segments by main category, and by main category and price level; biggest first."""
    groups: dict[tuple[str, str], list[UserProfile]] = defaultdict(list)
    for profile in profiles:
        if not profile.categories:
            continue
        category = next(iter(profile.categories))
        groups[(category, "")].append(profile)
        if profile.price_sensitivity in ("budget", "mid-range", "premium"):
            groups[(category, profile.price_sensitivity)].append(profile)
    whole = {category: len(members) for (category, level), members in groups.items() if not level}
    segments = [_segment(category, level, members, items) for (category, level), members in groups.items()
                if len(members) >= min_size and not (level and len(members) == whole[category])]
    return sorted(segments, key=lambda s: (-s.size, s.name))  # a level holding the whole category adds nothing


def _segment(category: str, grouped_level: str, members: list[UserProfile], items: ItemTable) -> Segment:
    """The segment of `members`: what most of them share."""
    level = grouped_level or _majority(Counter(p.price_sensitivity for p in members), len(members))
    gender = _majority(Counter(_gender(p, items) for p in members), len(members))
    bands = [p.price_band for p in members if p.price_band]
    band = (round(statistics.median(b[0] for b in bands), 2), round(statistics.median(b[1] for b in bands), 2)) \
        if bands else None
    segment = Segment(
        name=slug(f"{category} {grouped_level}" if grouped_level else category),
        price_sensitive=level == "budget",
        returning=sum(bool(p.purchased) for p in members) >= len(members) / 2,
        gender=gender if gender in ("women", "men", "kids", "boys", "girls", "unisex") else "",
        size=len(members), category=category, kinds=_shared([p.kinds for p in members]),
        colours=_shared([p.colours for p in members]), brands=_shared([p.brands for p in members]),
        price_level=level if level in ("budget", "mid-range", "premium") else "", price_band=band,
    )
    return _with_summary(segment)


def _shared(tables: list[Mapping[str, float]], keep: int = 3) -> tuple[str, ...]:
    """The values whose mean share over the members reaches SHARED, strongest first."""
    totals: Counter[str] = Counter()
    for table in tables:
        totals.update(table)
    n = len(tables) or 1
    return tuple(value for value, total in totals.most_common(keep) if total / n >= SHARED)


def _gender(profile: UserProfile, items: ItemTable) -> str:
    genders = Counter(items.products[row].gender.lower() for row in profile.recent if items.products[row].gender)
    return _majority(genders, sum(genders.values()))


def _majority(counts: Counter, total: int) -> str:
    if not counts or not total:
        return ""
    value, n = counts.most_common(1)[0]
    return value if n / total >= MAJORITY else ""


def _with_summary(segment: Segment) -> Segment:
    parts = [f"{segment.size} shoppers who mostly look at {segment.category}"]
    if segment.price_level:
        band = f" (${segment.price_band[0]:.0f} to ${segment.price_band[1]:.0f})" if segment.price_band else ""
        parts.append(f"{segment.price_level}{band}")
    if segment.gender:
        parts.append("unisex products" if segment.gender == "unisex" else f"products for {segment.gender}")
    if segment.colours:
        parts.append("in " + " and ".join(segment.colours))
    if segment.brands:
        parts.append("who like " + ", ".join(segment.brands))
    if segment.returning:
        parts.append("most have bought before")
    return replace(segment, summary=", ".join(parts))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# -- a book of segments, kept fresh --------------------------------------------------------------

@dataclass(frozen=True)
class ProfileSource:
    """Where a book reads profiles from: the catalog's items, every shopper's events, and a version that changes with them."""

    items: Callable[[], ItemTable]
    events: Callable[[], Iterable[Event]]
    version: Callable[[], Any]


def recommender_source(recommender: Any, history_days: float = 180.0) -> ProfileSource:
    """The recommender's catalog and events (the demo shop's invented shoppers included)."""
    return ProfileSource(items=lambda: recommender.models().items,
                         events=lambda: recommender.shop_events(time.time() - history_days * 86_400.0),
                         version=lambda: (recommender.store.version(), id(recommender.models().items)))


def store_source(store: Any, items: ItemTable, history_days: float = 180.0) -> ProfileSource:
    """An `EventStore`'s events over a fixed catalog (the command line's case)."""
    return ProfileSource(items=lambda: items, events=lambda: store.all_events(time.time() - history_days * 86_400.0),
                         version=store.version)


class SegmentBook:
    """The built-in segments and the profile segments, recomputed when events changed and `refresh_seconds` passed.

    `source` may be a zero-argument callable returning a `ProfileSource` or None (recommendations
    turned off): it is called on first use, so wiring order does not matter.
    """

    def __init__(self, source: ProfileSource | Callable[[], ProfileSource | None] | None = None, min_size: int = 5,
                 refresh_seconds: float = 300.0) -> None:
        self._source = source
        self.min_size = min_size
        self.refresh_seconds = refresh_seconds
        self._cache: tuple[Any, float, dict[str, Segment]] | None = None
        self._lock = threading.Lock()

    def profile_segments(self) -> dict[str, Segment]:
        source = self._source() if callable(self._source) else self._source
        if source is None:
            return {}
        with self._lock:
            cached = self._cache
            if cached and time.time() - cached[1] < self.refresh_seconds:
                return cached[2]
            version = source.version()
            if cached and cached[0] == version:
                self._cache = (version, time.time(), cached[2])
                return cached[2]
            items = source.items()
            segments = derive_segments(profiles_from_events(source.events(), items), items, self.min_size)
            found = {s.name: s for s in segments if s.name not in SEGMENTS}
            self._cache = (version, time.time(), found)
            return found

    def names(self) -> list[str]:
        return list(SEGMENTS) + list(self.profile_segments())

    def get(self, value: str | Mapping[str, Any] | Segment | None) -> Segment:
        """A segment by name (built-in or from the profiles), a dict, or everyone."""
        if isinstance(value, str) and value and value not in SEGMENTS:
            found = self.profile_segments().get(slug(value))
            if found is None:
                raise ValueError(f"unknown segment {value!r}: choose from {', '.join(self.names())}")
            return found
        return segment_from(value)

    def find_in(self, text: str) -> Segment | None:
        """The profile segment a request names: "segment shoes-budget", "for shoes budget shoppers"."""
        lowered = text.lower()
        segments = self.profile_segments()
        for name in sorted(segments, key=len, reverse=True):
            spelled = re.escape(name).replace(r"\-", r"[\s-]")
            if re.search(rf"\bsegment\s+[\"'“]?{spelled}(?![\w-])|(?<![\w-]){spelled}\s+{_AUDIENCE_WORDS}", lowered):
                return segments[name]
        return None
