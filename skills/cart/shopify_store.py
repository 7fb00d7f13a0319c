"""The shop's own cart: Shopify's Storefront API keeps the lines, Aisle keeps which cart is whose.

    store = ShopifyCartStore(client, variants, owners=CartOwners.open("var/carts.db"))
    cart = await store.add("conversation:webchat:abc", [CartItem("sku-1", "Trail Runner", 79.0, size="9")])
    cart.checkout_url
    # -> 'https://shop.example/cart/c/Z2NwLXVz...'

Each line carries the catalog's product id and size as line attributes (``_aisle_product``,
``_aisle_size``), so a cart read back from Shopify maps onto the catalog again. A cart Shopify no
longer knows (expired) reads as empty and the next add starts a new one.
"""
from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from skills.cart.model import Cart, CartError, CartItem, CartLine
from skills.cart.shopify_api import CART_CREATE, CART_QUERY, LINES_ADD, LINES_REMOVE, LINES_UPDATE, StorefrontClient

PRODUCT_KEY, SIZE_KEY = "_aisle_product", "_aisle_size"


class CartOwners:
    """Owner -> Shopify cart id, in SQLite: the carts outlive a restart of Aisle."""

    def __init__(self, connection: sqlite3.Connection):
        self._db = connection
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: str | Path) -> CartOwners:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS shopify_carts (owner TEXT PRIMARY KEY, cart_id TEXT NOT NULL)")
        return cls(db)

    def get(self, owner: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT cart_id FROM shopify_carts WHERE owner = ?", (owner,)).fetchone()
        return row[0] if row else None

    def set(self, owner: str, cart_id: str | None) -> None:
        with self._lock:
            if cart_id is None:
                self._db.execute("DELETE FROM shopify_carts WHERE owner = ?", (owner,))
            else:
                self._db.execute("INSERT OR REPLACE INTO shopify_carts (owner, cart_id) VALUES (?, ?)", (owner, cart_id))

    def close(self) -> None:
        with self._lock:
            self._db.close()


class ShopifyCartStore:
    """`CartStore` on Shopify's Storefront cart; ``variants(product_id, size)`` names the variant to buy."""

    def __init__(self, client: StorefrontClient, variants: Callable[[str, str], str | None], owners: CartOwners):
        self.client = client
        self.variants = variants
        self.owners = owners

    async def get(self, owner: str) -> Cart:
        cart_id = self.owners.get(owner)
        if not cart_id:
            return Cart(owner)
        data = await self.client.query(CART_QUERY, {"id": cart_id})
        if data.get("cart") is None:  # expired or deleted at Shopify
            self.owners.set(owner, None)
            return Cart(owner)
        return _cart(owner, data["cart"])

    async def add(self, owner: str, items: list[CartItem]) -> Cart:
        lines = [self._line_input(item) for item in items]
        cart = await self.get(owner)
        if not cart.id:
            payload = await self.client.mutate("cartCreate", CART_CREATE, {"input": {"lines": lines}})
            self.owners.set(owner, payload["cart"]["id"])
        else:
            payload = await self.client.mutate("cartLinesAdd", LINES_ADD, {"cartId": cart.id, "lines": lines})
        return _cart(owner, payload["cart"])

    async def set_quantity(self, owner: str, line_id: str, quantity: int) -> Cart:
        if quantity < 0:
            raise CartError(f"a quantity cannot be negative, got {quantity}", "rejected")
        cart = await self._with_lines(owner, [line_id])
        payload = await self.client.mutate("cartLinesUpdate", LINES_UPDATE,
                                           {"cartId": cart.id, "lines": [{"id": line_id, "quantity": quantity}]})
        return _cart(owner, payload["cart"])

    async def remove(self, owner: str, line_ids: list[str]) -> Cart:
        cart = await self._with_lines(owner, line_ids)
        payload = await self.client.mutate("cartLinesRemove", LINES_REMOVE, {"cartId": cart.id, "lineIds": line_ids})
        return _cart(owner, payload["cart"])

    async def clear(self, owner: str) -> Cart:
        cart = await self.get(owner)
        return await self.remove(owner, [line.id for line in cart.lines]) if cart.lines else cart

    async def merge(self, source: str, target: str) -> Cart:
        moving = await self.get(source)
        if source == target or not moving.lines:
            return await self.get(target)
        merged = await self.add(target, [CartItem(line.product_id, line.title, line.unit_price, line.currency,
                                                  line.size, line.quantity) for line in moving.lines])
        self.owners.set(source, None)
        return merged

    async def close(self) -> None:
        self.owners.close()

    async def _with_lines(self, owner: str, line_ids: list[str]) -> Cart:
        cart = await self.get(owner)
        known = {line.id for line in cart.lines}
        missing = [line_id for line_id in line_ids if line_id not in known]
        if missing:
            raise CartError(f"there is no line {missing[0]!r} in this cart", "unknown_line")
        return cart

    def _line_input(self, item: CartItem) -> dict[str, Any]:
        if item.quantity < 1:
            raise CartError(f"a quantity must be at least 1, got {item.quantity}", "rejected")
        variant = self.variants(item.product_id, item.size)
        if not variant:
            size = f" in size {item.size}" if item.size else ""
            raise CartError(f"the shop has no variant of {item.title}{size} to sell online", "rejected")
        attributes = [{"key": PRODUCT_KEY, "value": item.product_id}]
        if item.size:
            attributes.append({"key": SIZE_KEY, "value": item.size.upper()})
        return {"merchandiseId": variant, "quantity": item.quantity, "attributes": attributes}


def _cart(owner: str, data: dict[str, Any]) -> Cart:
    if not isinstance(data, dict):
        raise CartError("the shop's cart answered without the cart", "unavailable")
    edges = (data.get("lines") or {}).get("edges") or []
    lines = tuple(_line(edge.get("node") or {}) for edge in edges)
    return Cart(owner, lines, str(data.get("id", "")), str(data.get("checkoutUrl", "")) if lines else "")


def _line(node: dict[str, Any]) -> CartLine:
    attributes = {a.get("key"): a.get("value") for a in node.get("attributes") or []}
    merchandise = node.get("merchandise") or {}
    price = ((node.get("cost") or {}).get("amountPerQuantity") or {})
    product = (merchandise.get("product") or {}).get("title") or merchandise.get("title") or ""
    return CartLine(id=str(node.get("id", "")), product_id=str(attributes.get(PRODUCT_KEY) or merchandise.get("id", "")),
                    title=str(product), quantity=int(node.get("quantity") or 0),
                    unit_price=float(price.get("amount") or 0.0), currency=str(price.get("currencyCode") or "USD"),
                    size=str(attributes.get(SIZE_KEY) or ""))
