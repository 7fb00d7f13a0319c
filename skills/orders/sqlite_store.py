"""The embedded order store: orders, their lines and return requests in one SQLite file.

    store = SQLiteOrderStore.open("var/orders.db")
    store.add(orders)                       # the demo generator fills it once
    [o.number for o in await store.orders_for("alex.morgan@example.com")]
    # -> ['ORD-615230', 'ORD-204817']
"""
from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path

from skills.orders.model import Order, OrderError, OrderItem, ReturnRequest

_SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (
    number TEXT PRIMARY KEY, customer TEXT NOT NULL, placed TEXT NOT NULL, status TEXT NOT NULL,
    currency TEXT NOT NULL, carrier TEXT NOT NULL, tracking TEXT NOT NULL,
    shipped TEXT, delivered TEXT, expected TEXT, cancelled TEXT
);
CREATE INDEX IF NOT EXISTS orders_by_customer ON orders (customer COLLATE NOCASE, placed);
CREATE TABLE IF NOT EXISTS order_items (
    order_number TEXT NOT NULL, line INTEGER NOT NULL, product_id TEXT NOT NULL, title TEXT NOT NULL,
    price REAL NOT NULL, quantity INTEGER NOT NULL, size TEXT NOT NULL, returned INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (order_number, line)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS returns (
    number TEXT PRIMARY KEY, order_number TEXT NOT NULL, line INTEGER NOT NULL, reason TEXT NOT NULL,
    created TEXT NOT NULL
);
"""
_ORDER_COLUMNS = "number, customer, placed, status, currency, carrier, tracking, shipped, delivered, expected, cancelled"


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


class SQLiteOrderStore:
    """`OrderStore` over one SQLite file; calls run off the event loop."""

    def __init__(self, connection: sqlite3.Connection, path: Path, today: date | None = None):
        self._db = connection
        self._lock = threading.Lock()
        self.path = path
        self._today = today  # fixed in tests; None means the real date

    @classmethod
    def open(cls, path: str | Path, today: date | None = None) -> SQLiteOrderStore:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(_SCHEMA)
        return cls(db, path, today)

    @property
    def today(self) -> date:
        return self._today or date.today()

    def is_empty(self) -> bool:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM orders").fetchone()[0] == 0

    def meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def replace_all(self, orders: Iterable[Order], meta: dict[str, str]) -> None:
        """Drop every order and return, then add ``orders``; for regenerated demo data."""
        with self._lock:
            self._db.execute("BEGIN")
            for table in ("orders", "order_items", "returns", "meta"):
                self._db.execute(f"DELETE FROM {table}")
            self._db.executemany("INSERT INTO meta VALUES (?, ?)", list(meta.items()))
            self._db.execute("COMMIT")
        self.add(orders)

    def add(self, orders: Iterable[Order]) -> None:
        with self._lock:
            self._db.execute("BEGIN")
            for order in orders:
                self._db.execute(f"INSERT INTO orders ({_ORDER_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)", (
                    order.number, order.customer, order.placed.isoformat(), order.status, order.currency,
                    order.carrier, order.tracking, _iso(order.shipped), _iso(order.delivered),
                    _iso(order.expected), _iso(order.cancelled)))
                self._db.executemany("INSERT INTO order_items VALUES (?,?,?,?,?,?,?,?)", [
                    (order.number, i.line, i.product_id, i.title, i.price, i.quantity, i.size, int(i.returned))
                    for i in order.items])
            self._db.execute("COMMIT")

    async def get(self, number: str) -> Order | None:
        return await asyncio.to_thread(self._get, number)

    async def orders_for(self, customer: str) -> list[Order]:
        def work() -> list[Order]:
            with self._lock:
                rows = self._db.execute("SELECT number FROM orders WHERE customer = ? COLLATE NOCASE "
                                        "ORDER BY placed DESC, number DESC", (customer.strip(),)).fetchall()
            return [order for (number,) in rows if (order := self._get(number)) is not None]

        return await asyncio.to_thread(work)

    async def cancel(self, number: str) -> Order:
        def work() -> Order:
            order = self._get(number)
            if order is None:
                raise OrderError(f"no order {number}")
            if order.status != "processing":
                raise OrderError(f"order {number} is {order.status} and can no longer be cancelled")
            with self._lock:
                self._db.execute("UPDATE orders SET status = 'cancelled', cancelled = ? WHERE number = ?",
                                 (self.today.isoformat(), number))
            return replace(order, status="cancelled", cancelled=self.today)

        return await asyncio.to_thread(work)

    async def request_return(self, number: str, line: int, reason: str) -> ReturnRequest:
        def work() -> ReturnRequest:
            order = self._get(number)
            item = next((i for i in order.items if i.line == line), None) if order else None
            if order is None or item is None:
                raise OrderError(f"no line {line} in order {number}")
            if order.status != "delivered" or item.returned:
                raise OrderError(f"line {line} of order {number} cannot be returned ({order.status})")
            request = ReturnRequest(f"RET-{number[-4:]}-{line}", number, line, reason.strip()[:200], self.today)
            with self._lock:
                self._db.execute("BEGIN")
                self._db.execute("INSERT INTO returns VALUES (?,?,?,?,?)", (
                    request.number, number, line, request.reason, request.created.isoformat()))
                self._db.execute("UPDATE order_items SET returned = 1 WHERE order_number = ? AND line = ?",
                                 (number, line))
                self._db.execute("COMMIT")
            return request

        return await asyncio.to_thread(work)

    def _get(self, number: str) -> Order | None:
        with self._lock:
            row = self._db.execute(f"SELECT {_ORDER_COLUMNS} FROM orders WHERE number = ?", (number,)).fetchone()
            lines = self._db.execute("SELECT line, product_id, title, price, quantity, size, returned "
                                     "FROM order_items WHERE order_number = ? ORDER BY line", (number,)).fetchall()
        if row is None:
            return None
        items = tuple(OrderItem(line, pid, title, price, qty, size, bool(ret))
                      for line, pid, title, price, qty, size, ret in lines)
        number, customer, placed, status, currency, carrier, tracking, shipped, delivered, expected, cancelled = row
        return Order(number, customer, date.fromisoformat(placed), status, items, currency, carrier, tracking,
                     _day(shipped), _day(delivered), _day(expected), _day(cancelled))

    async def close(self) -> None:
        with self._lock:
            self._db.close()
