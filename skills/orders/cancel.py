"""Cancelling an order that has not shipped, after the shopper confirms.

    (await skill.run(CancelOrderInput(), ctx)).quick_replies
    # -> ('Yes, cancel it', 'No, keep it')
    (await skill.run(CancelOrderInput(order_number="ORD-615230", confirm=True), ctx)).text
    # -> 'Done: order ORD-615230 is cancelled. ...'
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from skills.base import SkillContext, SkillResult
from skills.orders.finding import OrderFinder, awaiting, day, money
from skills.orders.guard import LookupGuard
from skills.orders.model import Order, OrderError, OrderStore

CONFIRM = ("Yes, cancel it", "No, keep it")


def _described(text: str) -> dict:
    return {"description": text}


@dataclass(frozen=True)
class CancelOrderInput:
    order_number: str | None = field(default=None, metadata=_described("The order number, e.g. ORD-123456."))
    confirm: bool | None = field(default=None, metadata=_described(
        "True once the shopper confirmed the cancellation, False if they changed their mind."))
    email: str | None = field(default=None, metadata=_described("The email address the shopper ordered with."))


class CancelOrderSkill:
    name: ClassVar[str] = "cancel_order"
    description: ClassVar[str] = "Cancel an order that has not shipped yet, after the shopper confirms."
    Input: ClassVar[type] = CancelOrderInput

    def __init__(self, store: OrderStore, visitor: Callable[[str], str | None] | None = None,
                 guard: LookupGuard | None = None):
        self.store = store
        self.finder = OrderFinder(store, self.name, "cancel_order", visitor, guard or LookupGuard())

    async def run(self, args: CancelOrderInput, ctx: SkillContext) -> SkillResult:
        found = await self.finder.find(ctx, args.order_number, args.email)
        if found.reply is not None:
            return found.reply
        order = found.order or _pick(found.orders, ctx.slots.get("last_order"))
        if order.status != "processing":
            return _too_late(order)
        if args.confirm is None:
            text = (f"Cancel order {order.number} ({order.summary()}, {money(order.total, order.currency)})? "
                    "This can't be undone.")
            return SkillResult(text, quick_replies=CONFIRM, slots={
                "awaiting_answer": awaiting(self.name, "cancel_order", "confirm", {"order_number": order.number})})
        if not args.confirm:
            return SkillResult(f"OK, I've left order {order.number} as it is.", slots={"awaiting_answer": None})
        try:
            cancelled = await self.store.cancel(order.number)
        except OrderError:
            return _too_late(await self.store.get(order.number) or order)
        text = (f"Done: order {cancelled.number} is cancelled. You haven't been charged; your bank releases the "
                f"hold of {money(cancelled.total, cancelled.currency)} within a few days.")
        return SkillResult(text, slots={"awaiting_answer": None, "last_order": cancelled.number},
                           data={"cancelled": cancelled.number})


def _pick(orders: list[Order], last_shown: str | None) -> Order:
    """The order just talked about if it is still open, else the newest open one, else the newest."""
    open_orders = [o for o in orders if o.status == "processing"]
    shown = next((o for o in open_orders if o.number == last_shown), None)
    return shown or (open_orders[0] if open_orders else orders[0])


def _too_late(order: Order) -> SkillResult:
    if order.status == "cancelled":
        return SkillResult(f"Order {order.number} is already cancelled.", slots={"awaiting_answer": None})
    when = f" on {day(order.shipped)}" if order.shipped else ""
    return SkillResult(f"Order {order.number} already shipped{when}, so it can't be cancelled any more. Once it "
                       "arrives you can return it within 30 days for a refund.",
                       quick_replies=("Start a return",) if order.status == "delivered" else (),
                       slots={"awaiting_answer": None})
