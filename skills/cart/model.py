"""The cart's vocabulary: a line, a cart, what a store may refuse, and the contract every store keeps.

    cart = await store.add("conversation:webchat:abc", CartItem("sku-1", "Trail Runner", 79.0, size="9"))
    cart.count, cart.total, cart.lines[0].size
    # -> (1, 79.0, '9')

A cart belongs to an *owner*: ``conversation:<id>`` for a shopper the shop does not know, and
``customer:<id>`` once the shop signed them in (`merge` moves the first into the second). Stores
keep what they are told; checking stock, sizes and limits is the skill's job, done before any call,
so a refused request changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from knowledge.errors import AisleError


class CartError(AisleError):
    """A cart request that was refused; ``code`` says why ("unknown_line", "rejected", "unavailable")."""

    def __init__(self, message: str, code: str = "rejected") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True, slots=True)
class CartItem:
    """What to put in a cart: one product, in one size, some of it."""

    product_id: str
    title: str
    unit_price: float
    currency: str = "USD"
    size: str = ""
    quantity: int = 1


@dataclass(frozen=True, slots=True)
class CartLine:
    """One line of a cart; ``id`` is the store's own (a Shopify cart line id, a SQLite row)."""

    id: str
    product_id: str
    title: str
    quantity: int
    unit_price: float
    currency: str = "USD"
    size: str = ""

    @property
    def total(self) -> float:
        return round(self.unit_price * self.quantity, 2)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "product_id": self.product_id, "title": self.title, "quantity": self.quantity,
                "unit_price": round(self.unit_price, 2), "currency": self.currency, "size": self.size,
                "total": self.total}


@dataclass(frozen=True, slots=True)
class Cart:
    owner: str
    lines: tuple[CartLine, ...] = ()
    id: str = ""
    checkout_url: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def total(self) -> float:
        return round(sum(line.total for line in self.lines), 2)

    @property
    def currency(self) -> str:
        return self.lines[0].currency if self.lines else "USD"

    def line_for(self, product_id: str, size: str = "") -> CartLine | None:
        return next((line for line in self.lines if line.product_id == product_id
                     and line.size.upper() == size.upper()), None)

    def to_dict(self) -> dict[str, Any]:
        """The cart as channels show it (the widget's badge and cart view)."""
        return {"count": self.count, "total": self.total, "currency": self.currency,
                "lines": [line.to_dict() for line in self.lines], "checkout_url": self.checkout_url}


class CartStore(Protocol):
    """Where carts live: the embedded SQLite store, or the shop's own cart (Shopify's Storefront API).

    Every method returns the cart as it is afterwards, or raises `CartError` having changed nothing.
    """

    async def get(self, owner: str) -> Cart: ...

    async def add(self, owner: str, items: list[CartItem]) -> Cart:
        """Add every item (a line of the same product and size grows), or none of them."""
        ...

    async def set_quantity(self, owner: str, line_id: str, quantity: int) -> Cart: ...

    async def remove(self, owner: str, line_ids: list[str]) -> Cart: ...

    async def clear(self, owner: str) -> Cart: ...

    async def merge(self, source: str, target: str) -> Cart:
        """Move every line of ``source``'s cart into ``target``'s (a shopper who signed in); returns the target's."""
        ...

    async def close(self) -> None: ...


def conversation_owner(conversation_id: str) -> str:
    return f"conversation:{conversation_id}"


def customer_owner(customer: str) -> str:
    return f"customer:{customer.strip().lower()}"
