"""Offering a person, and asking one to take over when the shopper accepts.

    (await HandoffSkill().run(HandoffInput(action="offer", reason="asked"), ctx)).quick_replies
    # -> ('Talk to a person', 'No thanks')
    (await HandoffSkill().run(HandoffInput(action="accept"), ctx)).slots["handoff"]["status"]
    # -> 'requested'

The agent records the request with its handoff desk (`agent/handoff.py`); from then on the
conversation waits for a colleague, and while one holds it (status "active") the assistant is silent.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import ClassVar

from skills.base import SkillContext, SkillResult

TALK_TO_A_PERSON = "Talk to a person"
NO_THANKS = "No thanks"
OFFER = (TALK_TO_A_PERSON, NO_THANKS)
ACTIONS = ("offer", "accept", "decline")
_OFFERS = {
    "asked": "Of course. Shall I pass this conversation to a colleague from our customer-service team?",
    "complaint": ("I'm sorry about that. A colleague from our customer-service team can sort this out with you. "
                  "Shall I pass this conversation on?"),
}
_ACCEPTED = ("I've asked a colleague to take over. They'll reply right here in this chat as soon as one is free, "
             "and they'll see everything we've talked about, so you won't have to repeat yourself. Until then I'm "
             "still here if you need me.")
_ALREADY = "A colleague has already been asked to join this conversation; they'll reply right here."


@dataclass(frozen=True)
class HandoffInput:
    action: str = field(default="offer", metadata={"choices": ACTIONS, "description": (
        "offer: ask whether the shopper wants a person; accept: they said yes; decline: they said no.")})
    reason: str = field(default="asked", metadata={"description": (
        "Why a person is involved: asked, complaint, negative_sentiment, failed_turns, error, no_answer.")})


class HandoffSkill:
    name: ClassVar[str] = "handoff"
    description: ClassVar[str] = "Offer the shopper a person from customer service, and hand the conversation over."
    Input: ClassVar[type] = HandoffInput

    async def run(self, args: HandoffInput, ctx: SkillContext) -> SkillResult:
        current = ctx.slots.get("handoff") or {}
        if current.get("status") in ("requested", "active") and args.action != "decline":
            return SkillResult(_ALREADY, slots={"handoff_offer": None})
        if args.action == "accept":
            reason = ctx.slots.get("handoff_offer") or args.reason
            handoff = {"status": "requested", "reason": reason, "ts": time.time()}
            return SkillResult(_ACCEPTED, slots={"handoff": handoff, "handoff_offer": None},
                               data={"handoff": handoff})
        if args.action == "decline":
            return SkillResult("No problem, let's carry on. What can I do for you?", slots={"handoff_offer": None})
        text = _OFFERS.get(args.reason, _OFFERS["asked"])
        return SkillResult(text, quick_replies=OFFER, slots={"handoff_offer": args.reason})
