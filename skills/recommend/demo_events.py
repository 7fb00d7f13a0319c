"""A deterministic event log for the demo shop, so its recommendations have something to learn from.

The demo catalog comes without shoppers. These invented shoppers ("demo:shopper-001", ...) each
have a taste (two categories, two colours, a price level) and browse in sessions: several products
of one kind, sometimes a click, an add-to-cart or a purchase, then often a few products that
complete the look. The same catalog and seed always give the same events (ids included), so
storing them again changes nothing::

    events = demo_events(products, shoppers=300, now=time.time())
    store.add(events)
"""
from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence

from knowledge.product import Product
from skills.recommend.complements import complements_of
from skills.recommend.events import Event

DAY = 86_400.0
USER_PREFIX = "demo:shopper-"


def demo_user(number: int) -> str:
    return f"{USER_PREFIX}{number:03d}"


def demo_events(products: Sequence[Product], shoppers: int = 300, seed: int = 0, now: float = 0.0) -> list[Event]:
    """About 25 events per shopper over the last 30 days before `now`, oldest first per shopper."""
    by_type: dict[str, list[Product]] = defaultdict(list)
    for product in products:
        if product.product_type:
            by_type[product.product_type].append(product)
    kinds_by_category: dict[str, list[str]] = defaultdict(list)
    for kind, members in by_type.items():
        kinds_by_category[members[0].category].append(kind)
    categories = sorted(kinds_by_category)
    colours = sorted({p.colour for p in products if p.colour})
    events: list[Event] = []
    for number in range(1, shoppers + 1):
        rng = random.Random(f"{seed}:{number}")
        taste = _Taste(rng.sample(categories, min(2, len(categories))), rng.sample(colours, min(2, len(colours))),
                       rng.choice((0.6, 1.0, 1.6)))
        events += _shopper(rng, demo_user(number), taste, by_type, kinds_by_category, categories, now)
    return events


class _Taste:
    def __init__(self, categories: list[str], colours: list[str], price_level: float) -> None:
        self.categories, self.colours, self.price_level = categories, colours, price_level

    def weight(self, product: Product, median: float) -> float:
        colour = 3.0 if product.colour in self.colours else 1.0
        ratio = product.price / median if median else 1.0
        price = 1.0 / (1.0 + abs(ratio - self.price_level))
        return colour * price


def _shopper(rng: random.Random, user: str, taste: _Taste, by_type: dict[str, list[Product]],
             kinds_by_category: dict[str, list[str]], categories: list[str], now: float) -> list[Event]:
    events: list[Event] = []
    start = now - rng.uniform(10, 30) * DAY
    for session in range(rng.randint(3, 6)):
        category = rng.choice(taste.categories) if rng.random() < 0.8 else rng.choice(categories)
        kind = rng.choice(kinds_by_category[category])
        ts = start + session * rng.uniform(1.0, 4.0) * DAY
        viewed = _browse(rng, by_type[kind], taste, rng.randint(3, 6))
        for complement in complements_of(kind)[:3]:
            if complement in by_type and rng.random() < 0.45:
                viewed += _browse(rng, by_type[complement], taste, rng.randint(1, 2))
        events += _session_events(rng, user, len(events), viewed, ts)
    return events


def _browse(rng: random.Random, members: list[Product], taste: _Taste, count: int) -> list[Product]:
    prices = sorted(p.price for p in members)
    median = prices[len(prices) // 2] if prices else 0.0
    weights = [taste.weight(p, median) for p in members]
    return rng.choices(members, weights, k=count)


def _session_events(rng: random.Random, user: str, first: int, viewed: list[Product], ts: float) -> list[Event]:
    out: list[Event] = []

    def add(kind: str, product: Product, value: float | None = None) -> None:
        nonlocal ts
        ts += rng.uniform(20, 240)
        out.append(Event(id=f"demo-{user[-3:]}-{first + len(out):04d}", user=user, type=kind, item=product.id,
                         value=value, size=product.sizes[len(product.sizes) // 2] if product.sizes and kind in
                         ("add_to_cart", "purchase") else "", source="demo", ts=ts))

    for product in viewed:
        add("view", product)
        if rng.random() < 0.25:
            add("click", product)
    if rng.random() < 0.35:
        chosen = rng.choice(viewed)
        add("add_to_cart", chosen)
        if rng.random() < 0.6:
            add("purchase", chosen)
            if rng.random() < 0.3:
                add("rating", chosen, float(rng.choice((3, 4, 5, 5))))
    return out
