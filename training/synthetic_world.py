"""What the skills answer in a synthetic conversation: tool results and replies grounded in the catalog.

    world = ShopWorld(products, random.Random(0))
    content, reply = world.answer("search", {"colour": "red", "product_type": "sneakers", "max_price": 80}, memory)

Each answer is the JSON the tool returns (a few products with id, title and price; an order's
status; a policy passage) and the assistant's reply, which states only what that JSON holds. The
conversation's memory (`Memory`) carries the last results and the product in focus from turn to turn,
as the real dialog state does. Orders and policy passages are invented here, plainly labelled.
"""
from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from knowledge.product import Product

_FILTERS = ("colour", "product_type", "category", "brand", "gender")
_STATUSES = ("processing", "shipped", "delivered")
_POLICIES = {
    "shipping": "Standard delivery takes 3 to 5 working days; orders over $50 ship free.",
    "returns": "Unworn items can be returned within 30 days of delivery for a full refund.",
    "payment": "We accept major credit cards and PayPal.",
    "privacy": "We use your details only to process your orders and never sell them.",
    "sizing": "Our sizes run true to size; see the size guide on each product page.",
}


@dataclass
class Memory:
    """What the conversation has established so far."""

    search: dict[str, Any] = field(default_factory=dict)
    results: list[Product] = field(default_factory=list)
    focus: Product | None = None
    order: str = ""
    handoff_offered: bool = False


def money(product: Product) -> str:
    return f"${product.price:,.2f}" if product.currency == "USD" else f"{product.price:,.2f} {product.currency}"


def brief(product: Product) -> dict[str, Any]:
    return {"id": product.id, "title": product.title, "price": product.price}


def facts(product: Product) -> dict[str, Any]:
    keep = {"colour": product.colour, "material": product.material, "brand": product.brand,
            "sizes": list(product.sizes), "stock": product.stock}
    return {**brief(product), **{k: v for k, v in keep.items() if v not in ("", [], None)}}


def listing(products: Sequence[Product]) -> str:
    named = [f"{p.title} ({money(p)})" for p in products]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + f" and {named[-1]}"


class ShopWorld:
    """The catalog seen through the skills' eyes, for one generator run."""

    def __init__(self, products: Sequence[Product], rng: random.Random, per_result: int = 3):
        self.products = list(products)
        self.rng = rng
        self.per_result = per_result
        self._answers: dict[str, Callable[[dict, Memory], tuple[dict, str]]] = {
            "search": self._search, "refine": self._refine, "select": self._select,
            "product_question": self._question, "describe": self._describe, "compare": self._compare,
            "recommend": self._recommend, "order_status": self._order_status, "returns": self._returns,
            "cancel_order": self._cancel, "policies": self._policies, "handoff": self._handoff,
            "smalltalk": self._smalltalk, "out_of_scope": self._out_of_scope,
        }

    def answers(self, name: str) -> bool:
        return name in self._answers

    def answer(self, name: str, arguments: dict[str, Any], memory: Memory) -> tuple[dict[str, Any], str]:
        return self._answers[name](arguments, memory)

    # shopping ------------------------------------------------------------------------------------
    def matching(self, search: dict[str, Any]) -> list[Product]:
        found = [p for p in self.products
                 if all(str(getattr(p, f)).lower() == str(search[f]).lower() for f in _FILTERS if search.get(f))
                 and p.price <= search.get("max_price", float("inf")) and p.price >= search.get("min_price", 0)]
        return sorted(found, key=lambda p: (p.price, p.id))

    def _show(self, search: dict[str, Any], memory: Memory, offset: int = 0) -> tuple[dict, str]:
        found = self.matching(search)[offset:offset + self.per_result]
        memory.search, memory.results = search, found
        memory.focus = found[0] if len(found) == 1 else None
        if not found:
            return {"products": []}, "I couldn't find anything matching that. Could you describe it differently?"
        return {"products": [brief(p) for p in found]}, f"Here is what I found: {listing(found)}."

    def _search(self, args: dict, memory: Memory) -> tuple[dict, str]:
        return self._show({k: v for k, v in args.items() if k != "query"}, memory)

    def _refine(self, args: dict, memory: Memory) -> tuple[dict, str]:
        search = {**memory.search, **{k: v for k, v in args.items() if k not in ("change", "material", "size")}}
        change, offset = args.get("change"), 0
        if change == "cheaper" and memory.results:
            search["max_price"] = min(p.price for p in memory.results) - 0.01
        elif change == "pricier" and memory.results:
            search["min_price"] = max(p.price for p in memory.results) + 0.01
        elif change == "more":
            offset = len(memory.results)
        return self._show(search, memory, offset)

    def picked(self, args: dict, memory: Memory) -> Product | None:
        position = args.get("position")
        if position is not None and memory.results:
            index = position - 1 if position > 0 else len(memory.results) + position
            return memory.results[index] if 0 <= index < len(memory.results) else None
        if args.get("pick") and memory.results:
            ordered = sorted(memory.results, key=lambda p: p.price)
            return ordered[0] if args["pick"] == "cheapest" else ordered[-1]
        return memory.focus

    def _select(self, args: dict, memory: Memory) -> tuple[dict, str]:
        product = self.picked(args, memory)
        if product is None:
            return {"error": "no such product shown"}, "Which one do you mean? Tell me its number in the list."
        memory.focus = product
        content: dict[str, Any] = {"product": facts(product)}
        reply = f"Good choice: {product.title}, {money(product)}."
        if args.get("size"):
            available = args["size"] in product.sizes
            content["size"], content["size_available"] = args["size"], available
            reply += f" Size {args['size']} is {'available' if available else 'not available'}."
        return content, reply

    def _question(self, args: dict, memory: Memory) -> tuple[dict, str]:
        product = self.picked(args, memory)
        if product is None:
            return {"error": "no product in focus"}, "Which product do you mean?"
        memory.focus = product
        known = facts(product)
        parts = [f"{product.title} costs {money(product)}"]
        if "material" in known:
            parts.append(f"is made of {product.material}")
        parts.append(f"has {product.stock} in stock" if product.stock else "is out of stock")
        if product.sizes:
            parts.append(f"comes in sizes {', '.join(product.sizes)}")
        return {"product": known}, ", ".join(parts[:-1]) + f" and {parts[-1]}."

    def _describe(self, args: dict, memory: Memory) -> tuple[dict, str]:
        product = self.picked(args, memory)
        if product is None:
            return {"error": "no product in focus"}, "Which product should I describe?"
        memory.focus = product
        words = " ".join(w for w in (product.colour, product.material, product.product_type) if w)
        by = f" by {product.brand}" if product.brand else ""
        return {"product": facts(product)}, f"{product.title}: {words}{by}, for {money(product)}."

    def _compare(self, args: dict, memory: Memory) -> tuple[dict, str]:
        chosen = [self.picked({"position": args[k]}, memory) for k in ("first", "second", "third") if k in args]
        chosen = [p for p in chosen if p is not None] or memory.results[:2]
        if len(chosen) < 2:
            return {"error": "fewer than two products shown"}, "Show me which two products to compare."
        lines = "; ".join(f"{p.title} is {money(p)}" + (f" in {p.material}" if p.material else "") for p in chosen)
        return {"products": [facts(p) for p in chosen]}, f"Side by side: {lines}."

    def _recommend(self, args: dict, memory: Memory) -> tuple[dict, str]:
        pool = [p for p in self.products if p.in_stock and p not in memory.results] or self.products
        picks = self.rng.sample(pool, min(self.per_result, len(pool)))
        memory.results, memory.focus = picks, None
        return {"products": [brief(p) for p in picks]}, f"You might like {listing(picks)}."

    # customer service ------------------------------------------------------------------------------
    def _order_status(self, args: dict, memory: Memory) -> tuple[dict, str]:
        number = args.get("order_number") or memory.order
        if not number:
            return {"needs": "order_number"}, "Which order is it? The number looks like ORD-123456."
        memory.order = number
        status = self.rng.choice(_STATUSES)
        content = {"order_number": number, "status": status}
        reply = f"Order {number} is {status}."
        if status == "shipped":
            content["tracking"] = f"TRK{self.rng.randrange(10**9, 10**10)}"
            reply = f"Order {number} has shipped; the tracking number is {content['tracking']}."
        return content, reply

    def _returns(self, args: dict, memory: Memory) -> tuple[dict, str]:
        number = args.get("order_number") or memory.order
        if not number:
            return {"needs": "order_number"}, "Which order would you like to return something from?"
        memory.order = number
        label = f"RMA-{self.rng.randrange(10**5, 10**6)}"
        return ({"order_number": number, "return": label},
                f"I've opened return {label} for order {number}; the label is on its way by email.")

    def _cancel(self, args: dict, memory: Memory) -> tuple[dict, str]:
        number = args.get("order_number") or memory.order
        if not number:
            return {"needs": "order_number"}, "Which order should I cancel? The number looks like ORD-123456."
        memory.order = number
        if args.get("confirm") is True:
            return {"order_number": number, "cancelled": True}, f"Order {number} is cancelled."
        if args.get("confirm") is False:
            return {"order_number": number, "cancelled": False}, f"All right, order {number} stays as it is."
        return {"order_number": number, "needs": "confirm"}, f"Shall I cancel order {number}?"

    def _policies(self, args: dict, memory: Memory) -> tuple[dict, str]:
        topic = args.get("topic") or self.rng.choice(sorted(_POLICIES))
        passage = _POLICIES.get(topic, _POLICIES["shipping"])
        return {"topic": topic, "passage": passage}, passage

    def _handoff(self, args: dict, memory: Memory) -> tuple[dict, str]:
        action = args.get("action", "offer")
        memory.handoff_offered = action == "offer"
        if action == "accept":
            return {"handoff": "requested"}, "I've asked a colleague to take over; they'll reply right here."
        if action == "decline":
            return {"handoff": "declined"}, "No problem, let's carry on. What can I do for you?"
        return {"handoff": "offered"}, "Shall I pass this conversation to a colleague from customer service?"

    def _smalltalk(self, args: dict, memory: Memory) -> tuple[dict, str]:
        replies = {"greet": "Hi! What are you looking for today?", "goodbye": "Goodbye, and thanks for visiting!",
                   "thanks": "You're welcome!", "help": "I can find products, answer questions about them and "
                   "help with orders and returns.", "affirm": "Great.", "deny": "All right."}
        intent = args.get("intent", "help")
        return {"intent": intent}, replies.get(intent, replies["help"])

    def _out_of_scope(self, args: dict, memory: Memory) -> tuple[dict, str]:
        return {}, "Sorry, I can't help with that. I can help you shop and with your orders."
