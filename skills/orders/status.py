"""Order status: "where is my last order?", "track ORD-482913".

    skill = OrderStatusSkill(store, visitor=demo_customer_for)
    (await skill.run(OrderStatusInput(order_number="12345"), ctx)).text
    # -> '“12345” isn't an order number I recognise. Order numbers look like ORD-123456: ...'
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from skills.base import SkillContext, SkillResult
from skills.orders.finding import OrderFinder, status_text
from skills.orders.guard import LookupGuard
from skills.orders.model import Order, OrderStore


def _described(text: str) -> dict:
    return {"description": text}


@dataclass(frozen=True)
class OrderStatusInput:
    order_number: str | None = field(default=None, metadata=_described(
        "The order number as the shopper gave it, e.g. ORD-123456; empty for their latest order."))
    email: str | None = field(default=None, metadata=_described("The email address the shopper ordered with."))


class OrderStatusSkill:
    name: ClassVar[str] = "order_status"
    description: ClassVar[str] = "Say where an order is: being prepared, shipped (with tracking), delivered or cancelled."
    Input: ClassVar[type] = OrderStatusInput

    def __init__(self, store: OrderStore, visitor: Callable[[str], str | None] | None = None,
                 today: Callable[[], date] = date.today, guard: LookupGuard | None = None):
        self.finder = OrderFinder(store, self.name, "order_status", visitor, guard or LookupGuard())
        self.today = today

    async def run(self, args: OrderStatusInput, ctx: SkillContext) -> SkillResult:
        found = await self.finder.find(ctx, args.order_number, args.email)
        if found.reply is not None:
            return found.reply
        order = found.order or found.orders[0]
        text = status_text(order, self.today())
        others = [o for o in found.orders if o is not order]
        if found.order is None and others:
            text += f" You have {len(others)} earlier order{'s' if len(others) > 1 else ''} too; tap one to check it."
        return SkillResult(text, quick_replies=_next_steps(order, others),
                           slots={**found.slots, "awaiting_answer": None, "last_order": order.number},
                           data={"order": order.number, "status": order.status})


def _next_steps(order: Order, others: list[Order]) -> tuple[str, ...]:
    steps = {"processing": ("Cancel my order",), "delivered": ("Start a return",)}.get(order.status, ())
    return steps + tuple(o.number for o in others[:3])
