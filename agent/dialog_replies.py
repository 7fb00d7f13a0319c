"""Replies the dialog gives itself, without a skill: clarifying questions, "I can't do that yet", yes/no.

    clarifying_question("order_status", "return_or_refund")
    # -> SkillResult(text='Sorry, I want to get this right: do you want to track an order or return an item?',
    #    quick_replies=('Track an order', 'Return an item'), ...)
"""
from __future__ import annotations

from agent.awaiting import answer_in
from skills.base import SkillResult

INTENT_LABELS = {
    "greet": "Say hello", "goodbye": "Say goodbye", "thanks": "Say thanks", "help": "See what I can do",
    "affirm": "Yes", "deny": "No", "search_products": "Search products", "refine": "Change the search",
    "select": "Pick a product", "product_question": "Ask about a product", "compare": "Compare products",
    "recommend": "Get recommendations", "describe_product": "Hear more about a product", "try_on": "Try it on",
    "order_status": "Track an order", "return_or_refund": "Return an item", "cancel_order": "Cancel an order",
    "shipping_info": "Ask about shipping", "store_policy": "Ask about our policies",
    "human_handoff": "Talk to a person", "complaint": "Make a complaint", "write_ad": "Write ad copy",
    "write_description": "Write a product description", "out_of_scope": "Something else",
    "add_to_cart": "Add it to my cart", "view_cart": "See my cart", "update_cart": "Change a quantity",
    "remove_from_cart": "Remove it from my cart", "clear_cart": "Empty my cart", "checkout": "Go to checkout",
}
_CANNOT = {
    "recommend": "give personal recommendations", "describe_product": "describe products in detail",
    "try_on": "show products on a photo of you", "write_ad": "write ad copy",
    "write_description": "write product descriptions",
    **{intent: "keep a cart here" for intent in ("add_to_cart", "view_cart", "update_cart", "remove_from_cart",
                                                 "clear_cart", "checkout")},
}
ABILITIES = "I can search the catalog, answer questions about products, and help with orders, returns and our policies."


def label(intent: str) -> str:
    return INTENT_LABELS.get(intent, intent.replace("_", " ").capitalize())


def clarifying_question(first: str, second: str) -> SkillResult:
    a, b = label(first), label(second)
    text = f"Sorry, I want to get this right: do you want to {a[0].lower() + a[1:]} or {b[0].lower() + b[1:]}?"
    if {first, second} == {"affirm", "deny"}:
        text = "Sorry, is that a yes or a no?"
    return SkillResult(text, quick_replies=(a, b))


def unavailable(intent: str) -> SkillResult:
    """An honest answer for an intent whose skill this shop has not switched on."""
    what = _CANNOT.get(intent, label(intent).lower())
    return SkillResult(f"Sorry, I can't {what} yet. {ABILITIES}", data={"failed": True})


def yes_or_no(text: str, intent: str) -> bool | None:
    """True for a yes, False for a no, None when the message is neither."""
    answer = answer_in(text)
    if answer is None and intent in ("affirm", "deny"):
        return intent == "affirm"
    return answer
