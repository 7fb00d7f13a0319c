"""Replies the dialog gives itself, without a skill: clarifying questions, "I can't do that yet", yes/no.

    clarifying_question("order_status", "return_or_refund")
    # -> SkillResult(text='Sorry, I want to get this right: do you want to track an order or return an item?',
    #    quick_replies=('Track an order', 'Return an item'), ...)
"""
from __future__ import annotations

from agent.awaiting import answer_in
from agent.skill_catalog import CATALOG
from skills.base import SkillResult

ABILITIES = "I can search the catalog, answer questions about products, and help with orders, returns and our policies."


def label(intent: str) -> str:
    """How the intent is offered as a quick reply ("Track an order"), as its skill declares it."""
    return CATALOG.label(intent)


def clarifying_question(first: str, second: str) -> SkillResult:
    a, b = label(first), label(second)
    text = f"Sorry, I want to get this right: do you want to {a[0].lower() + a[1:]} or {b[0].lower() + b[1:]}?"
    if {first, second} == {"affirm", "deny"}:
        text = "Sorry, is that a yes or a no?"
    return SkillResult(text, quick_replies=(a, b))


def unavailable(intent: str) -> SkillResult:
    """An honest answer for an intent whose skill this shop has not switched on."""
    what = CATALOG.cannot(intent)
    return SkillResult(f"Sorry, I can't {what} yet. {ABILITIES}", data={"failed": True})


def yes_or_no(text: str, intent: str) -> bool | None:
    """True for a yes, False for a no, None when the message is neither."""
    answer = answer_in(text)
    if answer is None and intent in ("affirm", "deny"):
        return intent == "affirm"
    return answer
