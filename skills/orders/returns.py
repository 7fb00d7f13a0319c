"""Returns: which order, which item, why; asked one question at a time, then a return is opened.

    skill = ReturnSkill(store, visitor=demo_customer_for)
    (await skill.run(ReturnInput(), ctx)).text
    # -> 'Which item from order ORD-204817 would you like to return?'
    (await skill.run(ReturnInput(order_number="ORD-204817", item="2"), ctx)).text
    # -> 'Why are you returning the Kestrel Relaxed Navy Hoodie?'
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from skills.base import SkillContext, SkillResult
from skills.orders.finding import OrderFinder, awaiting, day, money, return_deadline
from skills.orders.guard import LookupGuard
from skills.orders.model import Order, OrderError, OrderItem, OrderStore

REASONS = ("It doesn't fit", "Not as described", "Arrived damaged", "Changed my mind")
_WORD = re.compile(r"[a-z0-9]+")


def _described(text: str) -> dict:
    return {"description": text}


@dataclass(frozen=True)
class ReturnInput:
    order_number: str | None = field(default=None, metadata=_described("The order number, e.g. ORD-123456."))
    item: str | None = field(default=None, metadata=_described(
        "Which item of the order: its position (1, 2, ...) or words from its name."))
    reason: str | None = field(default=None, metadata=_described("Why the shopper returns it, in their words."))
    email: str | None = field(default=None, metadata=_described("The email address the shopper ordered with."))


class ReturnSkill:
    name: ClassVar[str] = "returns"
    description: ClassVar[str] = "Open a return for an item of a delivered order, asking which order, item and why."
    Input: ClassVar[type] = ReturnInput

    def __init__(self, store: OrderStore, visitor: Callable[[str], str | None] | None = None,
                 today: Callable[[], date] = date.today, guard: LookupGuard | None = None):
        self.store = store
        self.finder = OrderFinder(store, self.name, "return_or_refund", visitor, guard or LookupGuard())
        self.today = today

    async def run(self, args: ReturnInput, ctx: SkillContext) -> SkillResult:
        found = await self.finder.find(ctx, args.order_number, args.email)
        if found.reply is not None:
            return found.reply
        order = found.order or self._pick(found.orders, ctx.slots.get("last_order"))
        if order is None:
            return _none_returnable(found.orders[0], self.today())
        problem = self._why_not(order)
        if problem:
            return problem
        item = _match_item(order.returnable_items, args.item)
        if item is None:
            return self._ask_item(order, args)
        if not args.reason:
            return SkillResult(f"Why are you returning the {item.title}?", quick_replies=REASONS, slots={
                "awaiting_answer": awaiting(self.name, "return_or_refund", "reason",
                                            {"order_number": order.number, "item": str(item.line)})})
        return await self._open(order, item, args.reason, ctx)

    def _pick(self, orders: list[Order], last_shown: str | None) -> Order | None:
        eligible = [o for o in orders if self._returnable(o)]
        shown = next((o for o in eligible if o.number == last_shown), None)
        return shown or (eligible[0] if eligible else None)

    def _returnable(self, order: Order) -> bool:
        deadline = return_deadline(order)
        return order.status == "delivered" and bool(order.returnable_items) and deadline is not None \
            and deadline >= self.today()

    def _why_not(self, order: Order) -> SkillResult | None:
        if self._returnable(order):
            return None
        return _none_returnable(order, self.today())

    def _ask_item(self, order: Order, args: ReturnInput) -> SkillResult:
        items = order.returnable_items
        text = f"Which item from order {order.number} would you like to return?"
        if args.item:
            text = f"I couldn't tell which item “{args.item}” means. " + text
        return SkillResult(text, quick_replies=tuple(i.title for i in items[:4]), slots={
            "awaiting_answer": awaiting(self.name, "return_or_refund", "item", {"order_number": order.number})})

    async def _open(self, order: Order, item: OrderItem, reason: str, ctx: SkillContext) -> SkillResult:
        try:
            request = await self.store.request_return(order.number, item.line, reason)
        except OrderError as exc:
            return SkillResult(f"I couldn't open that return: {exc}.", slots={"awaiting_answer": None},
                               data={"failed": True})
        text = (f"Return {request.number} is open for the {item.title} from order {order.number}. We've emailed a "
                f"prepaid return label to {order.customer}: drop the parcel at any post office. Once it reaches "
                f"our warehouse we refund {money(item.price * item.quantity, order.currency)} to your original "
                "payment method within 5 business days.")
        return SkillResult(text, slots={"awaiting_answer": None, "last_order": order.number},
                           data={"return": request.number, "order": order.number, "line": item.line})


def _match_item(items: tuple[OrderItem, ...], wanted: str | None) -> OrderItem | None:
    if len(items) == 1 and not wanted:
        return items[0]
    if not wanted:
        return None
    text = wanted.strip().lower()
    if text.isdigit():
        return next((i for i in items if i.line == int(text)), None)
    words = set(_WORD.findall(text))
    scored = [(len(words & set(_WORD.findall(i.title.lower()))), i) for i in items]
    best = max(scored, key=lambda pair: pair[0], default=(0, None))
    tied = [i for score, i in scored if score == best[0]]
    return best[1] if best[0] > 0 and len(tied) == 1 else None


def _none_returnable(order: Order, today: date) -> SkillResult:
    """Why the order (the latest one, when none qualifies) cannot be returned, and what to do instead."""
    if order.status == "processing":
        return SkillResult(f"Order {order.number} hasn't shipped yet, so there's nothing to return; you can cancel "
                           "it instead.", quick_replies=("Cancel my order",), slots={"awaiting_answer": None})
    if order.status == "shipped":
        return SkillResult(f"Order {order.number} is on its way (expected by {day(order.expected or today)}). Once "
                           "it arrives you have 30 days to return it.", slots={"awaiting_answer": None})
    if order.status == "cancelled":
        return SkillResult(f"Order {order.number} was cancelled, so there's nothing to return.",
                           slots={"awaiting_answer": None})
    if not order.returnable_items:
        return SkillResult(f"Every item of order {order.number} is already being returned.",
                           slots={"awaiting_answer": None})
    return SkillResult(f"Order {order.number} was delivered on {day(order.delivered)}, more than 30 days ago, so "
                       "it is outside our 30-day return window (returns policy). If an item is faulty, a colleague "
                       "can still help.", quick_replies=("Talk to a person",), slots={"awaiting_answer": None})
