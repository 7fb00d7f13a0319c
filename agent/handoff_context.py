"""What a colleague needs to know when a conversation is handed to them, without reading the transcript.

    builder = HandoffContextBuilder(store, catalog.by_id, orders, customer_of=lambda cid: state.customer)
    context = await builder.build("webchat:abc", state, reason="asked")
    context.urgency, context.request
    # -> ('urgent', 'I want to return the sneakers from my last order')

The context holds the signed-in customer with their orders and returns, what the assistant was doing
(a return waiting for the item, an order it looked up), the products it showed and the one picked,
the cart, the shopping request in force (size, budget, recipient...), why the handoff happened, and
a summary: the LLM's where one is configured (`agent.llm.summary`), else extractive: the shopper's own
requests and the assistant's answers, a line each.

Urgency comes from the reason and the conversation: a complaint, a frustrated or impatient shopper,
or trouble with an order (the handoff came in the middle of an order, return or cancellation) is
urgent; a failure or an error is high; a plain request is normal. The queue raises it further the
longer a shopper waits (`channels.handoff.queue`).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from agent.state import DialogState
from knowledge.product import Product

URGENT, HIGH, NORMAL = 3, 2, 1
URGENCY_NAMES = {URGENT: "urgent", HIGH: "high", NORMAL: "normal"}
REASON_PRIORITY = {"complaint": URGENT, "negative_sentiment": URGENT, "order_trouble": URGENT,
                   "error": HIGH, "failed_turns": HIGH, "no_answer": HIGH}
REASON_TEXT = {"asked": "asked for a person", "complaint": "made a complaint", "negative_sentiment": "is frustrated",
               "failed_turns": "the assistant could not help", "error": "the assistant hit an error",
               "no_answer": "the assistant had no answer", "order_trouble": "needs help with an order"}
ORDER_INTENTS = frozenset({"order_status", "return_or_refund", "cancel_order"})
_ORDER_SKILLS = frozenset({"order_status", "returns", "cancel_order"})
_NOT_A_REQUEST = frozenset({"affirm", "deny", "greet", "thanks", "goodbye", "help", "human_handoff", "complaint"})
_IMPATIENT = re.compile(
    r"\b(?:right now|immediately|asap|urgent(?:ly)?|at once|forever|ages|too long|so long|"
    r"still (?:waiting|nothing|no)|(?:already|again|twice|three times)\b|hurry|where is everyone|"
    r"useless|ridiculous|pointless|fed up|sick of|waste of (?:my )?time|not (?:helping|listening))",
    re.IGNORECASE)
_ASKS_FOR_A_PERSON = re.compile(r"^/handoff$|\b(?:person|human|agent|someone real|colleague|representative)\b", re.I)
_SHORT_ANSWER = re.compile(r"^\W*(?:yes|yeah|yep|no|nope|ok(?:ay)?|sure|thanks?|thank you|please)\W*$", re.I)
_WANTS = (("product_type", "kind"), ("category", "category"), ("colour", "colour"), ("colours", "colours"),
          ("exclude_colours", "not in"), ("size", "size"), ("sizes", "sizes"), ("brand", "brand"),
          ("gender", "for"), ("recipient", "for"), ("age_group", "age"), ("material", "material"),
          ("min_price", "from"), ("max_price", "up to"), ("sort", "sorted by"), ("occasion", "occasion"))
SUMMARY_LINES = 6


@dataclass(frozen=True)
class HandoffContext:
    reason: str
    priority: int
    request: str
    why: str = ""
    customer: dict[str, str] | None = None
    orders: list[dict[str, Any]] = field(default_factory=list)
    returns: list[dict[str, Any]] = field(default_factory=list)
    in_progress: str = ""
    shown: list[dict[str, Any]] = field(default_factory=list)
    picked: dict[str, Any] | None = None
    cart: list[dict[str, Any]] = field(default_factory=list)
    wants: dict[str, str] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)
    summary_by: str = "extract"  # or "llm", where one is configured and answered

    @property
    def urgency(self) -> str:
        return URGENCY_NAMES[min(URGENT, max(NORMAL, self.priority))]

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "urgency": self.urgency}

    def as_text(self) -> str:
        """The context as a note for an inbox that shows plain text (a Chatwoot private note)."""
        lines = [f"Handoff ({self.urgency}): the shopper {self.why or REASON_TEXT.get(self.reason, self.reason)}.",
                 f"Request: {self.request}" if self.request else ""]
        if self.customer:
            lines.append(f"Customer: {self.customer.get('name') or ''} <{self.customer.get('email', '')}>".strip())
        lines += [f"Order {o['number']}: {o['status']}, {o['summary']}" for o in self.orders[:3]]
        lines += [f"Return: {r['title']} from {r['order']}" for r in self.returns]
        lines += [f"In progress: {self.in_progress}" if self.in_progress else ""]
        if self.wants:
            lines.append("Looking for: " + ", ".join(f"{k} {v}" for k, v in self.wants.items()))
        lines += [f"Shown: {', '.join(p['title'] for p in self.shown[:6])}" if self.shown else ""]
        lines += [f"Picked: {self.picked['title']}" if self.picked else ""]
        cart = ", ".join(f"{line['quantity']} x {line['title']}" + (f" ({line['size']})" if line.get("size") else "")
                         for line in self.cart)
        lines += [f"Cart: {cart}" if cart else ""]
        lines += ["Summary:"] + [f"- {line}" for line in self.summary] if self.summary else []
        return "\n".join(line for line in lines if line)


def urgency(reason: str, state: DialogState, request_text: str = "") -> tuple[str, int]:
    """The reason as the queue should weigh it, and its priority (see the module's docstring)."""
    if reason in ("asked", "failed_turns", "error", "no_answer") and _in_order_trouble(state):
        return "order_trouble", URGENT
    priority = REASON_PRIORITY.get(reason, NORMAL)
    recent = [request_text] + [str(e.get("text", "")) for e in state.history[-2:] if isinstance(e, dict)]
    if any(_IMPATIENT.search(text) for text in recent) or state.sentiment <= -0.5:
        priority = URGENT
    return reason, priority


def _in_order_trouble(state: DialogState) -> bool:
    if state.awaiting and state.awaiting.get("intent") in ORDER_INTENTS:
        return True
    recent = [e for e in state.history[-3:] if isinstance(e, dict)]
    return any(e.get("intent") in ORDER_INTENTS or e.get("skill") in _ORDER_SKILLS for e in recent)


def the_request(state: DialogState, transcript_texts: Iterable[str] = ()) -> str:
    """The shopper's actual request: their latest message that asked for something, not "yes" or "a human"."""
    for entry in reversed(state.history):
        if not isinstance(entry, dict):
            continue
        text = str(entry.get("text") or "").strip()
        if text and entry.get("intent") not in _NOT_A_REQUEST and not _SHORT_ANSWER.match(text):
            return text[:200]
    texts = [t.strip() for t in transcript_texts if t and not _SHORT_ANSWER.match(t)]
    asks = [t for t in texts if not _ASKS_FOR_A_PERSON.search(t)] or texts  # without intents: skip "a human, please"
    return asks[-1][:200] if asks else ""


def wanted(search: dict[str, Any] | None) -> dict[str, str]:
    """The shopping request in force, in words a colleague reads at a glance."""
    search = search or {}
    found = {}
    for key, label in _WANTS:
        value = search.get(key)
        if value in (None, "", [], (), False):
            continue
        text = ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
        found[label] = f"${float(value):g}" if key.endswith("_price") else text
    return found


def product_line(product: Product, size: str | None = None) -> dict[str, Any]:
    stock = "out of stock" if product.stock <= 0 else f"{product.stock} in stock"
    line = {"id": product.id, "title": product.title, "price": product.price, "currency": product.currency,
            "stock": stock}
    return {**line, "size": size} if size else line


def summary(turns: Iterable[Any], limit: int = SUMMARY_LINES) -> list[str]:
    """An extractive summary: the shopper's requests and, after each, the first sentence of the answer."""
    lines: list[str] = []
    waiting_for_answer = False
    for turn in turns:
        text = " ".join(str(turn.text or "").split())
        if turn.role == "user" and text and not _SHORT_ANSWER.match(text):
            lines.append(f"Shopper: {text[:160]}")
            waiting_for_answer = True
        elif turn.role == "bot" and waiting_for_answer and text and not (turn.payload or {}).get("notice"):
            who = (turn.payload or {}).get("agent") or "Assistant"
            lines.append(f"{who}: {_first_sentence(text)}")
            waiting_for_answer = False
    return lines[-limit:]


def unanswered(turns: list[Any]) -> str:
    """The shopper's last message after the last answer (a notice such as "Sam has joined" is none), or ''."""
    pending = []
    for turn in reversed(turns):
        payload = turn.payload or {}
        if turn.role == "user":
            pending.append(str(turn.text or ""))
        elif turn.role == "bot" and not payload.get("notice"):
            break
    asks = [text for text in pending if text.strip() and not _SHORT_ANSWER.match(text)]
    return asks[0] if asks else ""


def _first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?:])(?:\s|$)", text)
    return (match.group(1) if match else text)[:160]


class HandoffContextBuilder:
    """Builds a `HandoffContext` from the conversation store, the catalog and the shop's order store."""

    def __init__(self, store: Any, product: Callable[[str], Product | None], orders: Any = None,
                 customer_of: Callable[[str, DialogState], str | None] | None = None,
                 name_of: Callable[[str], str | None] | None = None, cart_of: Any = None, summariser: Any = None):
        self.store, self.product, self.orders = store, product, orders
        self.customer_of = customer_of or (lambda cid, state: state.customer)
        self.name_of = name_of or (lambda email: None)
        self.cart_of = cart_of  # async (conversation id, state) -> [{"title", "quantity", "size", "price"}]
        self.summariser = summariser  # async (turns) -> [line] or None: the LLM's summary (`agent.llm.summary`)

    async def build(self, conversation_id: str, state: DialogState | dict[str, Any],
                    reason: str = "asked") -> HandoffContext:
        if not isinstance(state, DialogState):
            state = DialogState.from_dict(dict(state or {}))
        turns = await self.store.transcript(conversation_id)
        request = the_request(state, (t.text for t in turns if t.role == "user"))
        weighed, priority = urgency(reason, state, request)
        email = self.customer_of(conversation_id, state)
        orders = await self._orders(email)
        written = await self.summariser(turns) if self.summariser is not None else None
        return HandoffContext(
            reason=weighed, priority=priority, request=request, why=REASON_TEXT.get(weighed, weighed),
            customer={"email": email, "name": self.name_of(email) or ""} if email else None,
            orders=[_order_line(o) for o in orders[:5]], returns=_returns(orders),
            in_progress=_in_progress(state), shown=self._shown(state), picked=self._picked(state),
            cart=await self._cart(conversation_id, state), wants=wanted(state.search),
            summary=written or summary(turns), summary_by="llm" if written else "extract")

    async def _orders(self, email: str | None) -> list[Any]:
        if not email or self.orders is None:
            return []
        return list(await self.orders.orders_for(email))

    def _shown(self, state: DialogState) -> list[dict[str, Any]]:
        products = (self.product(str(pid)) for pid in state.results[:8])
        return [product_line(p) for p in products if p is not None]

    def _picked(self, state: DialogState) -> dict[str, Any] | None:
        product = self.product(str(state.selected)) if state.selected else None
        return product_line(product, state.size) if product is not None else None

    async def _cart(self, conversation_id: str, state: DialogState) -> list[dict[str, Any]]:
        if self.cart_of is None:
            return []
        try:
            return list(await self.cart_of(conversation_id, state))
        except Exception:  # the cart is context, not the handoff: a failing cart store must not lose the ticket
            return []


def _order_line(order: Any) -> dict[str, Any]:
    line = {"number": order.number, "status": order.status, "placed": order.placed.isoformat(),
            "summary": order.summary(), "total": order.total, "currency": order.currency}
    if order.expected:
        line["expected"] = order.expected.isoformat()
    if order.tracking:
        line["tracking"] = f"{order.carrier} {order.tracking}".strip()
    return line


def _returns(orders: Iterable[Any]) -> list[dict[str, Any]]:
    return [{"order": o.number, "title": item.title, "line": item.line}
            for o in orders for item in o.items if item.returned]


def _in_progress(state: DialogState) -> str:
    """What the assistant was in the middle of: the question it asked and for what."""
    awaiting = state.awaiting or {}
    intent = awaiting.get("intent")
    if not intent:
        return ""
    wanted_answer = str(awaiting.get("argument", "")).replace("_", " ")
    order = (awaiting.get("args") or {}).get("order_number") or state.extra.get("last_order")
    what = {"return_or_refund": "a return", "cancel_order": "a cancellation", "order_status": "an order lookup"}
    about = f" of {order}" if order else ""
    return f"{what.get(intent, intent.replace('_', ' '))}{about}, waiting for the {wanted_answer}".strip()
