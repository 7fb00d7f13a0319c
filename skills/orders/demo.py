"""Demo orders: a few customers with realistic order histories, drawn deterministically from the catalog.

    orders = demo_orders(catalog.products, today=date(2025, 10, 6))
    {o.status for o in orders}
    # -> {'processing', 'shipped', 'delivered'}

Every demo customer has an old delivered order (outside the 30-day return window), a recent
delivered one (returnable) and an open one (shipped or still processing, so it can be cancelled).
In the demo every chat is signed in as one of these customers (`demo_customer_for`), so "where is
my last order?" has an answer; a real shop passes its signed-in customer instead. The demo orders
are dated from the day they are made and made again each new day.
"""
from __future__ import annotations

import random
import zlib
from collections.abc import Sequence
from datetime import date, timedelta

from knowledge.product import Product
from skills.orders.model import Order, OrderItem
from skills.orders.sqlite_store import SQLiteOrderStore

DEMO_CUSTOMERS: tuple[tuple[str, str], ...] = (
    ("Alex Morgan", "alex.morgan@example.com"), ("Sam Rivera", "sam.rivera@example.com"),
    ("Jordan Lee", "jordan.lee@example.com"), ("Priya Shah", "priya.shah@example.com"),
    ("Chris Novak", "chris.novak@example.com"), ("Maria Santos", "maria.santos@example.com"),
    ("Tom Becker", "tom.becker@example.com"), ("Yuki Tanaka", "yuki.tanaka@example.com"),
)
CARRIERS = ("UPS", "FedEx", "USPS")


def demo_customer_for(conversation_id: str) -> str:
    """The demo customer a conversation is signed in as: always the same one for the same conversation."""
    return DEMO_CUSTOMERS[zlib.crc32(conversation_id.encode()) % len(DEMO_CUSTOMERS)][1]


def demo_orders(products: Sequence[Product], today: date, seed: int = 0) -> list[Order]:
    sellable = sorted((p for p in products if p.price > 0), key=lambda p: p.id)
    if not sellable:
        return []
    rng = random.Random(seed)
    numbers = iter(rng.sample(range(100_000, 1_000_000), 3 * len(DEMO_CUSTOMERS)))
    orders = []
    for index, (_, email) in enumerate(DEMO_CUSTOMERS):
        open_status = "shipped" if index % 2 == 0 else "processing"
        for status, days_ago in (("delivered", rng.randint(45, 70)), ("delivered", rng.randint(6, 16)),
                                 (open_status, rng.randint(2, 4) if open_status == "shipped" else rng.randint(0, 1))):
            items = _items(rng, sellable)
            orders.append(_order(rng, f"ORD-{next(numbers)}", email, status, today - timedelta(days=days_ago),
                                 today, items))
    return orders


def _items(rng: random.Random, products: Sequence[Product]) -> tuple[OrderItem, ...]:
    chosen = rng.sample(list(products), k=min(len(products), rng.choice((1, 1, 2, 3))))
    return tuple(OrderItem(line, p.id, p.title, p.price, 1, rng.choice(p.sizes) if p.sizes else "")
                 for line, p in enumerate(chosen, 1))


def _order(rng: random.Random, number: str, email: str, status: str, placed: date, today: date,
           items: tuple[OrderItem, ...]) -> Order:
    carrier = rng.choice(CARRIERS)
    tracking = _tracking(rng, carrier)
    if status == "processing":
        return Order(number, email, placed, status, items)
    shipped = placed + timedelta(days=1)
    if status == "shipped":
        return Order(number, email, placed, status, items, carrier=carrier, tracking=tracking, shipped=shipped,
                     expected=today + timedelta(days=rng.randint(1, 3)))
    delivered = min(today, shipped + timedelta(days=rng.randint(2, 4)))
    return Order(number, email, placed, status, items, carrier=carrier, tracking=tracking, shipped=shipped,
                 delivered=delivered, expected=delivered)


def _tracking(rng: random.Random, carrier: str) -> str:
    if carrier == "UPS":
        return "1Z" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(16))
    return "".join(rng.choice("0123456789") for _ in range(12 if carrier == "FedEx" else 20))


def ensure_demo_orders(store: SQLiteOrderStore, products: Sequence[Product], seed: int = 0) -> int:
    """Demo orders dated from today: made on first start and again each new day, so "it should arrive by
    Thursday" never lies in the past (returns and cancellations made in the demo go with them).
    Returns how many orders were written, 0 when today's are already there."""
    today = store.today.isoformat()
    if store.meta("demo_date") == today and not store.is_empty():
        return 0
    orders = demo_orders(products, store.today, seed)
    store.replace_all(orders, {"demo_date": today})
    return len(orders)
