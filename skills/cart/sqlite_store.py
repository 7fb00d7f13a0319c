"""The embedded cart store: every cart in one SQLite file, so a cart survives a restart.

    store = SQLiteCartStore.open("var/carts.db", checkout_url="https://shop.example/checkout?cart={cart_id}")
    cart = await store.add("conversation:rest:alice", [CartItem("sku-1", "Trail Runner", 79.0, size="9")])
    (await store.merge("conversation:rest:alice", "customer:alice@example.com")).count
    # -> 1

The checkout link is the shop's, from a template: ``{cart_id}`` is the cart's id and ``{items}`` its
lines as ``product_id[/size]:quantity``, comma-separated and URL-quoted.
"""
from __future__ import annotations

import asyncio
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from skills.cart.model import Cart, CartError, CartItem, CartLine

_SCHEMA = """
CREATE TABLE IF NOT EXISTS carts (
    owner TEXT PRIMARY KEY, cart_id TEXT NOT NULL UNIQUE, created REAL NOT NULL, updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS cart_lines (
    cart_id TEXT NOT NULL, line_id TEXT NOT NULL, product_id TEXT NOT NULL, size TEXT NOT NULL,
    title TEXT NOT NULL, unit_price REAL NOT NULL, currency TEXT NOT NULL, quantity INTEGER NOT NULL,
    added REAL NOT NULL, PRIMARY KEY (cart_id, line_id)
);
CREATE UNIQUE INDEX IF NOT EXISTS cart_lines_by_item ON cart_lines (cart_id, product_id, size);
"""
DEFAULT_CHECKOUT_URL = "/checkout?cart={cart_id}&items={items}"  # the demo checkout page (channels/routes/checkout_page.py)


class SQLiteCartStore:
    """`CartStore` over one SQLite file (WAL); calls run off the event loop, one at a time."""

    def __init__(self, connection: sqlite3.Connection, path: Path, checkout_url: str = DEFAULT_CHECKOUT_URL):
        self._db = connection
        self._lock = threading.Lock()
        self.path = path
        self.checkout_url = checkout_url

    @classmethod
    def open(cls, path: str | Path, checkout_url: str = DEFAULT_CHECKOUT_URL) -> SQLiteCartStore:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(_SCHEMA)
        return cls(db, path, checkout_url)

    async def get(self, owner: str) -> Cart:
        return await self._run(lambda: self._cart(owner))

    async def add(self, owner: str, items: list[CartItem]) -> Cart:
        def add() -> None:
            cart_id = self._cart_id(owner, create=True)
            for item in items:
                self._add_line(cart_id, item)
        return await self._write(owner, add)

    async def set_quantity(self, owner: str, line_id: str, quantity: int) -> Cart:
        if quantity < 0:
            raise CartError(f"a quantity cannot be negative, got {quantity}", "rejected")

        def update() -> None:
            cart_id = self._known_line(owner, line_id)
            if quantity == 0:
                self._db.execute("DELETE FROM cart_lines WHERE cart_id = ? AND line_id = ?", (cart_id, line_id))
            else:
                self._db.execute("UPDATE cart_lines SET quantity = ? WHERE cart_id = ? AND line_id = ?",
                                 (quantity, cart_id, line_id))
        return await self._write(owner, update)

    async def remove(self, owner: str, line_ids: list[str]) -> Cart:
        def remove() -> None:
            for line_id in line_ids:
                cart_id = self._known_line(owner, line_id)
                self._db.execute("DELETE FROM cart_lines WHERE cart_id = ? AND line_id = ?", (cart_id, line_id))
        return await self._write(owner, remove)

    async def clear(self, owner: str) -> Cart:
        def clear() -> None:
            cart_id = self._cart_id(owner)
            if cart_id:
                self._db.execute("DELETE FROM cart_lines WHERE cart_id = ?", (cart_id,))
        return await self._write(owner, clear)

    async def merge(self, source: str, target: str) -> Cart:
        def merge() -> None:
            moving = self._cart(source)
            if source == target or not moving.lines:
                return
            cart_id = self._cart_id(target, create=True)
            for line in moving.lines:
                self._add_line(cart_id, CartItem(line.product_id, line.title, line.unit_price, line.currency,
                                                 line.size, line.quantity))
            self._db.execute("DELETE FROM cart_lines WHERE cart_id = ?", (moving.id,))
        return await self._write(target, merge)

    async def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- inside one transaction -----------------------------------------------------------------

    async def _write(self, owner: str, change: Callable[[], None]) -> Cart:
        def write() -> Cart:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                change()
                self._db.execute("UPDATE carts SET updated = ? WHERE owner = ?", (time.time(), owner))
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            return self._cart(owner)
        return await self._run(write)

    async def _run(self, work: Callable[[], Any]) -> Any:
        def locked() -> Any:
            with self._lock:
                return work()
        return await asyncio.to_thread(locked)

    def _cart_id(self, owner: str, create: bool = False) -> str:
        row = self._db.execute("SELECT cart_id FROM carts WHERE owner = ?", (owner,)).fetchone()
        if row or not create:
            return row[0] if row else ""
        cart_id = secrets.token_urlsafe(12)
        now = time.time()
        self._db.execute("INSERT INTO carts (owner, cart_id, created, updated) VALUES (?, ?, ?, ?)",
                         (owner, cart_id, now, now))
        return cart_id

    def _known_line(self, owner: str, line_id: str) -> str:
        cart_id = self._cart_id(owner)
        row = self._db.execute("SELECT 1 FROM cart_lines WHERE cart_id = ? AND line_id = ?",
                               (cart_id, line_id)).fetchone()
        if row is None:
            raise CartError(f"there is no line {line_id!r} in this cart", "unknown_line")
        return cart_id

    def _add_line(self, cart_id: str, item: CartItem) -> None:
        if item.quantity < 1:
            raise CartError(f"a quantity must be at least 1, got {item.quantity}", "rejected")
        grown = self._db.execute(
            "UPDATE cart_lines SET quantity = quantity + ? WHERE cart_id = ? AND product_id = ? AND size = ?",
            (item.quantity, cart_id, item.product_id, item.size.upper()))
        if grown.rowcount:
            return
        self._db.execute(
            "INSERT INTO cart_lines (cart_id, line_id, product_id, size, title, unit_price, currency, quantity, added)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (cart_id, secrets.token_hex(6), item.product_id, item.size.upper(), item.title, float(item.unit_price),
             item.currency, item.quantity, time.time()))

    def _cart(self, owner: str) -> Cart:
        cart_id = self._cart_id(owner)
        if not cart_id:
            return Cart(owner)
        rows = self._db.execute(
            "SELECT line_id, product_id, title, quantity, unit_price, currency, size FROM cart_lines "
            "WHERE cart_id = ? ORDER BY added, rowid", (cart_id,)).fetchall()
        lines = tuple(CartLine(*row) for row in rows)
        url = checkout_link(self.checkout_url, cart_id, lines) if lines else ""
        return Cart(owner, lines, cart_id, url)


def checkout_link(template: str, cart_id: str, lines: tuple[CartLine, ...]) -> str:
    items = ",".join(quote(f"{line.product_id}/{line.size}" if line.size else line.product_id, safe="")
                     + f":{line.quantity}" for line in lines)
    return template.replace("{cart_id}", quote(cart_id, safe="")).replace("{items}", items)
