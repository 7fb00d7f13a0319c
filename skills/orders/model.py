"""Orders as the shop's order system knows them, and the interface Aisle reads them through.

`OrderStore` is what a shop implements to connect its real order system (an HTTP client of its
e-commerce platform, a read replica of its database); `SQLiteOrderStore` is the embedded one,
filled with demo orders by `skills.orders.demo`::

    store = SQLiteOrderStore.open("var/orders.db")
    order = await store.get("ORD-482913")
    order.status, order.expected          # ('shipped', datetime.date(2025, 10, 9))
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from knowledge.errors import AisleError

ORDER_FORMAT = "ORD-123456"
# six digits in the demo and older shops; up to twelve, so a shop can issue long random (unguessable) numbers
_CANONICAL = re.compile(r"^ORD-\d{6,12}$")
_LOOSE = re.compile(r"^(?:#?\s*(?:ORD(?:ER)?)?[\s#:-]*)(\d{6,12})$", re.IGNORECASE)
STATUSES = ("processing", "shipped", "delivered", "cancelled")


class OrderError(AisleError):
    """An order cannot be changed the way that was asked (it has shipped, the item was returned, ...)."""


def normalise_order_number(text: str) -> str | None:
    """'ORD-123456', 'ord 123456', '#123456', '123456' -> 'ORD-123456' (6 to 12 digits); anything else -> None."""
    cleaned = text.strip().strip(".,!?").upper()
    if _CANONICAL.match(cleaned):
        return cleaned
    match = _LOOSE.match(cleaned)
    return f"ORD-{match.group(1)}" if match else None


@dataclass(frozen=True, slots=True)
class OrderItem:
    line: int
    product_id: str
    title: str
    price: float
    quantity: int = 1
    size: str = ""
    returned: bool = False


@dataclass(frozen=True)
class Order:
    number: str
    customer: str  # the email address the order was placed with
    placed: date
    status: str  # one of STATUSES
    items: tuple[OrderItem, ...]
    currency: str = "USD"
    carrier: str = ""
    tracking: str = ""
    shipped: date | None = None
    delivered: date | None = None
    expected: date | None = None
    cancelled: date | None = None

    @property
    def total(self) -> float:
        return round(sum(item.price * item.quantity for item in self.items), 2)

    @property
    def returnable_items(self) -> tuple[OrderItem, ...]:
        return tuple(item for item in self.items if not item.returned)

    def summary(self) -> str:
        """'Nimbus Classic Sneakers in Blue and 1 more item'."""
        first = self.items[0].title if self.items else "no items"
        more = len(self.items) - 1
        return first if more == 0 else f"{first} and {more} more item{'s' if more > 1 else ''}"


@dataclass(frozen=True, slots=True)
class ReturnRequest:
    number: str  # e.g. RET-4821-1
    order_number: str
    line: int
    reason: str
    created: date


class OrderStore(Protocol):
    """Read orders and make the two changes a shopper may ask for in chat."""

    async def get(self, number: str) -> Order | None: ...

    async def orders_for(self, customer: str) -> list[Order]:
        """The customer's orders, newest first; ``customer`` is the email address they order with."""
        ...

    async def cancel(self, number: str) -> Order:
        """Cancel an order that has not shipped; raises `OrderError` otherwise."""
        ...

    async def request_return(self, number: str, line: int, reason: str) -> ReturnRequest:
        """Open a return for one line of a delivered order; raises `OrderError` when it cannot be returned."""
        ...

    async def close(self) -> None: ...
