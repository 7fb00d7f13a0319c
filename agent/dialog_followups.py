"""Policy questions the intent model reads as something else: follow-ups to a policy answer, "can I return ...?".

    policy_question(understanding_of("and within the US?"), state)   # the last turn answered a shipping question
    # -> {'question': 'and within the US?', 'previous': 'how long does shipping take to Canada?'}
    policy_question(understanding_of("can I return a lipstick I opened?"), DialogState())
    # -> {'question': 'can I return a lipstick I opened?', 'topic': 'returns'}

Right after a policy answer, a message that names no product, no shown item by position, no order and
nothing to narrow a search by ("how much does it cost?", "which cards do you take?", "and within the
US?") is the next policy question, whatever the model thought (refine, a product question, out of
scope); the policies skill reads it with the question before it (`skills.policies.PolicyInput.previous`).
A product named, "the second one", "in blue" or "cheaper" still shop. Whether something *can* be
returned, asked with no order in sight, is the returns policy, not the return of an order.
"""
from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any

from skills.shopping.arguments import refine_change
from agent.state import DialogState
from knowledge.words import english_words
from skills.shopping.shown_qa import about_shown

if TYPE_CHECKING:
    from agent.nlu.understanding import Understanding

POLICY_INTENTS = frozenset({"store_policy", "shipping_info"})
_MISREAD = frozenset({"refine", "product_question", "out_of_scope", "compare", "search_products", "select"})
_SURE = 0.6  # an out-of-scope reading this sure ("what's the weather like?") is not a follow-up
_ORDER_VALUES = frozenset({"order_number", "order_reference", "email", "position"})
_CAN_RETURN = re.compile(
    r"\b(?:can|could|may|might)\s+(?:i|we|you|one)\s+(?:still\s+|also\s+)?(?:return|send\s+back|exchange)\b"
    r"|\b(?:is\s+it|it\s+is)\s+possible\s+to\s+(?:return|send\s+back|exchange)\b"
    r"|\b(?:am|are)\s+(?:i|we)\s+(?:able|allowed)\s+to\s+(?:return|send\s+back)\b"
    r"|\b(?:do|will|would)\s+you\s+(?:accept|take)\s+(?:back\b|returns?\b)"
    r"|\b(?:returnable|refundable|be\s+returned|be\s+sent\s+back|be\s+exchanged)\b", re.IGNORECASE)
_ORDER_CONTEXT = re.compile(r"\b(?:my|this|that|the|last|an?)\s+(?:order|purchase|parcel|package)\b"
                            r"|\bi\s+(?:have\s+|just\s+)?ordered\b", re.IGNORECASE)


def policy_question(u: Understanding, state: DialogState) -> dict[str, Any] | None:
    """The policies skill's arguments when the message is a policy question in disguise, else None."""
    if _ORDER_VALUES & set(u.entities.values):
        return None
    if u.intent == "return_or_refund":
        return {"question": u.text, "topic": "returns"} if asks_if_returnable(u.text, state) else None
    previous = _previous_question(state)
    if previous is None:
        return None
    topic = {"topic": "shipping"} if u.intent == "shipping_info" else {}
    if u.intent in POLICY_INTENTS:
        return {"question": u.text, "previous": previous, **topic}
    if u.intent not in _MISREAD or _shops(u) or (u.intent == "out_of_scope" and u.confidence >= _SURE):
        return None
    return {"question": u.text, "previous": previous}


def asks_if_returnable(text: str, state: DialogState) -> bool:
    """"Can I return ...?", "is it possible to return ...?", "are earrings returnable?" with no order in sight."""
    no_order = not state.extra.get("last_order") and not state.awaiting
    return no_order and bool(_CAN_RETURN.search(text)) and not _ORDER_CONTEXT.search(text)


def _previous_question(state: DialogState) -> str | None:
    """The policy question the last turn answered, as the skill read it; None if the last turn was not one."""
    if not state.history or state.history[-1].get("skill") != "policies":
        return None
    return state.extra.get("policy_question") or state.history[-1].get("text") or None


def _shops(u: Understanding) -> bool:
    """Whether the message is about products: one named, a search narrowed, or the products on screen."""
    entities = u.entities
    if _names_product(u) or entities.has_attribute or entities.has_request_words or refine_change(u.text):
        return True
    return about_shown(u.text) == "set"  # "which of those is the cheapest?"


def _names_product(u: Understanding) -> bool:
    """A product term, unless it is only a "correction" of an English word ("which cards" is not "toy cars")."""
    if not u.entities.has_product_term:
        return False
    parsed = u.entities.parsed
    corrected = parsed.corrections if parsed else {}
    if not corrected or any(value.lower() in u.text.lower() for value in parsed.matched.values()):
        return True
    return not all(_english(word) for word in corrected)


@cache
def _vocabulary() -> frozenset[str]:
    return english_words()


def _english(word: str) -> bool:
    words = _vocabulary()
    return word in words or (word.endswith("s") and word[:-1] in words)
