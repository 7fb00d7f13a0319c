"""A shopper's profile, built from their events each time it is needed (so erasing events erases it).

It is what the shop believes about the shopper, stated plainly, and what "why am I seeing this?"
shows them: favourite categories, brands, colours and sizes, the price band they shop in and how
price-sensitive they look, and how recently they were here::

    profile = build_profile("webchat:abc", store.for_user("webchat:abc"), items, now=time.time())
    profile.describe()   # "You mostly look at shoes and bags (Nimbus, Ostra), in red and black, ..."
    profile.to_dict()
"""
from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from skills.recommend.events import INTEREST, Event, interest
from skills.recommend.items import ItemTable

HALF_LIFE_DAYS = 30.0
PREFERENCES = ("category", "product_type", "brand", "colour")
SEARCH_WEIGHT = 1.0  # a search says as much about taste as one view
SENSITIVITY = (("budget", 0.8), ("mid-range", 1.25), ("premium", float("inf")))


@dataclass(frozen=True)
class UserProfile:
    user: str
    counts: dict[str, int] = field(default_factory=dict)
    categories: dict[str, float] = field(default_factory=dict)
    brands: dict[str, float] = field(default_factory=dict)
    colours: dict[str, float] = field(default_factory=dict)
    kinds: dict[str, float] = field(default_factory=dict)
    sizes: tuple[str, ...] = ()
    price_band: tuple[float, float] | None = None
    price_sensitivity: str = "unknown"
    last_seen: float | None = None
    recent: tuple[int, ...] = ()  # catalog rows the shopper showed interest in, oldest first
    purchased: frozenset[int] = frozenset()
    disliked: frozenset[int] = frozenset()
    actions: dict[int, str] = field(default_factory=dict)  # row -> the strongest thing the shopper did with it
    searches: tuple[str, ...] = ()
    shown: tuple[int, ...] = ()  # rows only shown to the shopper (impressions), never acted on; oldest first

    @property
    def is_new(self) -> bool:
        return not self.recent and not self.searches

    def affinity(self, items: ItemTable) -> np.ndarray:
        """(len(items),) in [0, 1]: how well each product matches the shopper's categories, brands, colours."""
        total = np.zeros(len(items), dtype=np.float32)
        for name, prefs, share in (("category", self.categories, 0.35), ("product_type", self.kinds, 0.25),
                                   ("brand", self.brands, 0.2), ("colour", self.colours, 0.2)):
            if prefs:
                weights = np.zeros(len(items.vocab[name]) + 1, dtype=np.float32)
                for value, weight in prefs.items():
                    code = items.vocab[name].get(value.lower())
                    if code is not None:
                        weights[code] = weight
                total += share * weights[items.codes[name]]
        return total

    def describe(self) -> str:
        if self.is_new:
            return "I don't know anything about your taste yet: I'm showing what is popular in the shop."
        parts = []
        if self.categories:
            parts.append("you mostly look at " + _and(list(self.categories)[:3]))
        if self.brands:
            parts.append("you like " + _and(list(self.brands)[:3]))
        if self.colours:
            parts.append("you often pick " + _and(list(self.colours)[:3]))
        if self.price_band:
            low, high = self.price_band
            band = f"around ${low:.0f}" if round(low) == round(high) else f"between ${low:.0f} and ${high:.0f}"
            parts.append(f"you usually shop {band} ({self.price_sensitivity})")
        if self.sizes:
            parts.append("your sizes look like " + _and(list(self.sizes)))
        if self.searches:
            parts.append("you recently searched for " + _and([f"“{q}”" for q in self.searches[:3]]))
        return f"From what you {self._did()} here: " + "; ".join(parts) + "."

    def _did(self) -> str:
        done = [verb for kind, verb in (("view", "viewed"), ("purchase", "bought"), ("search", "searched for"))
                if self.counts.get(kind) or (kind == "view" and self.recent)]
        return _and(done) if done else "did"

    def to_dict(self, items: ItemTable) -> dict:
        product = items.products
        return {
            "user": self.user, "events": self.counts, "categories": _rounded(self.categories),
            "brands": _rounded(self.brands), "colours": _rounded(self.colours), "sizes": list(self.sizes),
            "price_band": list(self.price_band) if self.price_band else None,
            "price_sensitivity": self.price_sensitivity, "last_seen": self.last_seen,
            "recently_viewed": [product[row].id for row in reversed(self.recent[-10:])],
            "recently_shown": [product[row].id for row in reversed(self.shown[-10:])],
            "purchased": sorted(product[row].id for row in self.purchased),
            "recent_searches": list(self.searches), "summary": self.describe(),
        }


def build_profile(user: str, events: Sequence[Event], items: ItemTable, now: float | None = None) -> UserProfile:
    """The profile that `events` (oldest first) support; events about unknown products are skipped."""
    now = time.time() if now is None else now
    prefs: dict[str, dict[str, float]] = {name: defaultdict(float) for name in PREFERENCES}
    prices, weights, recent, purchased, disliked, sizes = [], [], [], set(), set(), Counter()
    actions: dict[int, str] = {}
    shown: list[int] = []
    for event in events:
        row = items.row(event.item) if event.item else None
        if row is None:
            continue
        if event.type == "impression":  # shown, not chosen: no taste, no "because you viewed"
            shown.append(row)
            continue
        weight = interest(event) * 2.0 ** (-max(now - event.ts, 0.0) / 86_400.0 / HALF_LIFE_DAYS)
        product = items.products[row]
        for name, table in prefs.items():
            value = str(getattr(product, name) or "")
            if value:
                table[value] += weight
        if weight > 0:
            if interest(event) >= INTEREST.get(actions.get(row, ""), 0.0):
                actions[row] = event.type
            if not recent or recent[-1] != row:
                recent.append(row)
            prices.append(product)
            weights.append(weight)
        purchased.update([row] if event.type == "purchase" else [])
        disliked.update([row] if event.type == "rating" and (event.value or 0) <= 2 else [])
        sizes.update([event.size] if event.size else [])
    searches = tuple(dict.fromkeys(e.query for e in reversed(events) if e.type == "search" and e.query))[:5]
    for name, value in searched_terms(searches, items):
        prefs[name][value] += SEARCH_WEIGHT
    band, sensitivity = _price_band(prices, weights, items)
    return UserProfile(
        user=user, counts=dict(Counter(e.type for e in events)),
        categories=_top(prefs["category"]), brands=_top(prefs["brand"]), colours=_top(prefs["colour"]),
        kinds=_top(prefs["product_type"]),
        sizes=tuple(size for size, _ in sizes.most_common(3)), price_band=band, price_sensitivity=sensitivity,
        last_seen=max((e.ts for e in events), default=None), recent=tuple(recent),
        purchased=frozenset(purchased), disliked=frozenset(disliked), actions=actions, searches=searches,
        shown=tuple(dict.fromkeys(row for row in shown if row not in actions)),
    )


def searched_terms(searches: Sequence[str], items: ItemTable) -> list[tuple[str, str]]:
    """(attribute, catalog value) pairs that the searches name: "red sneakers" -> colour red, kind sneakers."""
    found = []
    for query in searches:
        words = re.findall(r"[a-z0-9&'-]+", query.lower())
        grams = {" ".join(words[i:i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1)}
        grams |= {g[:-1] for g in grams if g.endswith("s")} | {g[:-2] for g in grams if g.endswith("es")}
        for name in PREFERENCES:
            found += [(name, items.names[name][g]) for g in sorted(grams) if g in items.names[name]]
    return found


def _top(table: dict[str, float], keep: int = 5) -> dict[str, float]:
    """The strongest positive preferences, as shares that sum to 1."""
    positive = sorted(((v, k) for k, v in table.items() if v > 0), reverse=True)[:keep]
    total = sum(v for v, _ in positive)
    return {k: v / total for v, k in positive} if total else {}


def _price_band(products: list, weights: list[float], items: ItemTable) -> tuple[tuple[float, float] | None, str]:
    """The 20th to 80th percentile of the prices the shopper showed interest in, and how they compare."""
    if not products:
        return None, "unknown"
    prices = [p.price for p in products]
    low, high = np.percentile(prices, [20, 80]) if len(prices) > 2 else (min(prices), max(prices))
    ratios = [p.price / (items.type_median_price.get(p.product_type.lower()) or p.price or 1.0) for p in products]
    ratio = float(np.average(ratios, weights=weights))
    label = next(name for name, bound in SENSITIVITY if ratio < bound)
    return (round(float(low), 2), round(float(high), 2)), label


def _rounded(table: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in table.items()}


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
