"""Which order a shopper means, asked for across turns, and how orders are put into words.

The three order skills share this: an order number is validated (the shopper hears the expected
format, ORD-123456, when it is wrong); without one, the shopper's own orders are looked up (only for
a customer the shop signed in); with neither, the skill asks for the number and says so in
``awaiting_answer`` so the next message comes back to it.

An order is shown only to who proves it is theirs: the signed-in customer it belongs to, or whoever
gives its number together with the e-mail address on it (asked for when only the number came). A
pair that does not match counts as a failed try (`LookupGuard`, per conversation and per address),
and the answer is the same whether the order exists or not.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from skills.base import SkillContext, SkillResult
from skills.orders.guard import LookupGuard
from skills.orders.model import ORDER_FORMAT, Order, OrderStore, normalise_order_number

RETURN_WINDOW_DAYS = 30
ASK_NUMBER = (f"What's your order number? It looks like {ORDER_FORMAT} and it's in your order confirmation "
              "email.")
ASK_NUMBER_ONLY = (f"Thanks. For your privacy I look orders up by their number: what's the order number? It looks "
                   f"like {ORDER_FORMAT} and it's in your order confirmation email.")
ASK_EMAIL = ("For your privacy I need the e-mail address the order was placed with too. What is it? "
             "(If you have an account, signing in on our website lets me find your orders straight away.)")
NO_MATCH = ("I can't find an order {number} placed with that e-mail address. Please check both in your order "
            "confirmation email and send them again.")
TOO_MANY = ("That's too many order numbers and e-mail addresses that didn't match, so I've paused order "
            "look-ups here for a while. Please try again later, sign in on our website, or ask for a colleague.")


def day(when: date) -> str:
    return f"{when:%a} {when.day} {when:%b}"


def money(amount: float, currency: str = "USD") -> str:
    return f"${amount:,.2f}" if currency == "USD" else f"{amount:,.2f} {currency}"


def awaiting(skill: str, intent: str, argument: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``awaiting_answer`` slot: the next message fills ``argument`` of ``skill``, keeping ``args``."""
    return {"skill": skill, "intent": intent, "argument": argument, "args": {k: v for k, v in (args or {}).items()
                                                                              if v is not None}}


def return_deadline(order: Order) -> date | None:
    return order.delivered + timedelta(days=RETURN_WINDOW_DAYS) if order.delivered else None


def status_text(order: Order, today: date) -> str:
    head = f"Order {order.number} ({order.summary()}, {money(order.total, order.currency)}), placed {day(order.placed)},"
    if order.status == "processing":
        return (f"{head} is being prepared in our warehouse and should ship within one business day. "
                "It hasn't shipped yet, so you can still cancel it.")
    if order.status == "shipped":
        arrival = f" It should arrive by {day(order.expected)}." if order.expected else ""
        return f"{head} shipped on {day(order.shipped)} with {order.carrier}, tracking number {order.tracking}.{arrival}"
    if order.status == "delivered":
        deadline = return_deadline(order)
        window = f" You can return items until {day(deadline)}." if deadline and deadline >= today else ""
        return f"{head} was delivered on {day(order.delivered)}.{window}"
    return f"{head} was cancelled on {day(order.cancelled or order.placed)}; nothing was charged."


@dataclass(frozen=True)
class Found:
    """The order named, or the customer's orders, or what to say instead (a question or a problem)."""

    order: Order | None = None
    orders: list[Order] = field(default_factory=list)
    reply: SkillResult | None = None
    slots: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OrderFinder:
    """Looks orders up for one skill; ``visitor`` names the customer of a conversation when the shop knows it."""

    store: OrderStore
    skill: str
    intent: str
    visitor: Callable[[str], str | None] | None = None
    guard: LookupGuard = field(default_factory=LookupGuard)

    def customer(self, ctx: SkillContext) -> str | None:
        """The signed-in customer: set by the shop (``customer`` slot, ``visitor``), never by what was typed.

        An email address typed in the chat is not proof of who is typing, so it only confirms an
        order number (the order must belong to it); it never lists someone's orders.
        """
        known = ctx.slots.get("customer")
        if known:
            return str(known)
        return self.visitor(ctx.conversation_id) if self.visitor else None

    def ask(self, text: str, failed: bool = False, remember: dict[str, Any] | None = None) -> SkillResult:
        """Ask for the order number; the answer comes back to this skill."""
        slots = {**(remember or {}), "awaiting_answer": awaiting(self.skill, self.intent, "order_number")}
        return SkillResult(text, slots=slots, data={"failed": True} if failed else {})

    async def find(self, ctx: SkillContext, number_text: str | None, email: str | None = None) -> Found:
        if number_text:
            return await self._by_number(ctx, number_text, email)
        customer = self.customer(ctx)
        if customer is None:
            return Found(reply=self.ask(ASK_NUMBER_ONLY if email else ASK_NUMBER, remember=_email(email)))
        orders = await self.store.orders_for(customer)
        if not orders:
            text = f"I can't find any orders for {customer}. What's the order number? It looks like {ORDER_FORMAT}."
            return Found(reply=self.ask(text, failed=True))
        return Found(orders=orders)

    async def _by_number(self, ctx: SkillContext, number_text: str, email: str | None) -> Found:
        number = normalise_order_number(number_text)
        if number is None:
            text = (f"“{number_text.strip()[:40]}” isn't an order number I recognise. Order numbers look like "
                    f"{ORDER_FORMAT}: “ORD-” followed by six digits (or more). You'll find yours in the order "
                    "confirmation email.")
            return Found(reply=self.ask(text, failed=True, remember=_email(email)))
        customer, email = self.customer(ctx), email or ctx.slots.get("email")
        if customer is None and not email:
            slots = {"awaiting_answer": awaiting(self.skill, self.intent, "email", {"order_number": number})}
            return Found(reply=SkillResult(ASK_EMAIL, slots=slots))
        if customer is None and self.guard.blocked(ctx.conversation_id, ctx.client):
            return Found(reply=SkillResult(TOO_MANY, slots={"awaiting_answer": None}, data={"failed": True}))
        order = await self.store.get(number)
        owners = {str(who).strip().lower() for who in (customer, email) if who}
        if order is None or order.customer.lower() not in owners:
            if customer is None:  # a signed-in customer learns nothing from a number that is not theirs
                self.guard.failed(ctx.conversation_id, ctx.client)
            text = NO_MATCH.format(number=number) if email else (
                f"I can't find order {number}. Please check the number in your confirmation email and send it again.")
            return Found(reply=self.ask(text, failed=True))
        return Found(order=order, orders=[order], slots=_email(email))


def _email(email: str | None) -> dict[str, Any]:
    return {"email": email} if email else {}
