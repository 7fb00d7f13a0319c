"""When a shopper asks for a person, and why: the handoff skill's reading of a message.

"Get me an agent" asks for one; "is there a human I can talk to?" only asks whether one exists, so
the assistant offers instead. A complaint, or frustration in this message or one of the last few,
makes the request urgent.
"""
from __future__ import annotations

import re
from typing import Any

_PERSON = (r"(?:(?:a|an|the|some|one of your|your|to)\s+)?(?:(?:real|actual|live|human|proper)\s+)?"
           r"(?:human(?:\s+being)?|person|people|agent|representative|rep|operator|someone|somebody|staff(?:\s+member)?|"
           r"manager|supervisor|customer (?:service|support|care)|support(?: team)?|colleague|employee)"
           r"(?:\s+(?:real|who is real|from your team))?")
_EXPLICIT = re.compile(
    rf"\b(?:talk|speak|chat|be put through)\s+(?:to|with)\s+{_PERSON}\b"
    rf"|\b(?:get|give|find|bring)\s+me\s+{_PERSON}\b"
    rf"|\b(?:connect|transfer|put|pass|hand|escalate)\s+(?:me|this|this conversation|us)\s+"
    rf"(?:through\s+|over\s+)?to\s+{_PERSON}\b"
    r"|\b(?:want|need|demand|'d like|would like|have)\s+(?:a|an|to have an?)\s+(?:real |actual |live )?"
    r"(?:human|person|agent|representative|operator|manager|supervisor)\b",
    re.IGNORECASE)
_JUST_A_PERSON = re.compile(rf"^\W*(?:{_PERSON})(?:\s+(?:please|now|right now|asap|pls))*\W*$", re.IGNORECASE)
_ONLY_ASKING = re.compile(r"^\W*(?:is there|are there|are you|do you have|is this|am i (?:talking|chatting))\b",
                          re.IGNORECASE)
_RECENT_TURNS = 3


def explicit_request(text: str) -> bool:
    """"Get me an agent", "I want to talk to a human right now": a person is asked for, not just mentioned.

    "Is there a human I can talk to?" only asks whether one exists, so the assistant offers instead.
    """
    if _ONLY_ASKING.search(text):
        return False
    return bool(_EXPLICIT.search(text) or _JUST_A_PERSON.match(text))


def frustrated(sentiment: Any, state: Any, negative: float = -0.5) -> bool:
    """This message, or one of the last few, was frustrated or strongly negative: a person should hurry."""
    if sentiment.frustrated or sentiment.compound <= negative:
        return True
    recent = [turn.get("sentiment") for turn in state.history[-_RECENT_TURNS:]]
    return any(isinstance(score, (int, float)) and score <= negative for score in recent)


def handoff_reason(intent: str, sentiment: Any, state: Any) -> str:
    """Why a person is asked for, which sets the ticket's priority: a complaint or frustration is urgent."""
    if intent == "complaint":
        return "complaint"
    return "negative_sentiment" if frustrated(sentiment, state) else "asked"


def handoff_arguments(u: Any, state: Any) -> dict[str, Any]:
    """An explicit request for a person is taken at once; a mention of one, or a complaint, is offered one."""
    if state.handoff_offer and u.intent != "complaint":
        return {"action": "accept", "reason": state.handoff_offer}
    reason = handoff_reason(u.intent, u.sentiment, state)
    return {"action": "accept" if explicit_request(u.text) else "offer", "reason": reason}
