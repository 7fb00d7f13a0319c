"""Greetings, help, thanks and goodbyes: short, fixed answers that say what the assistant can do."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from skills.base import SkillContext, SkillResult

EXAMPLES = ("Red sneakers under $80", "A leather jacket for men", "Wireless earbuds")

_REPLIES = {
    "greet": "Hi! I'm the shop assistant. Tell me what you're looking for and I'll find it.",
    "help": (
        "I can search the catalog for you: describe what you want, with a colour, a kind of product "
        "or a price, for example “red sneakers under $80”, then say “cheaper”, “in blue” or “the second "
        "one”. I can also tell you where your order is, start a return or a cancellation, answer questions "
        "about shipping, returns and payment, and put you in touch with a person from our team."
    ),
    "thanks": "You're welcome! Anything else I can find for you?",
    "goodbye": "Goodbye, and happy shopping!",
    "affirm": "Great! What would you like to do next?",
    "deny": "No problem. Is there anything else I can help with?",
}


@dataclass(frozen=True)
class SmalltalkInput:
    intent: str = field(default="help", metadata={"choices": tuple(_REPLIES), "description": "What the shopper did."})


class SmalltalkSkill:
    name: ClassVar[str] = "smalltalk"
    description: ClassVar[str] = "Answer greetings, thanks, goodbyes and requests for help."
    Input: ClassVar[type] = SmalltalkInput

    async def run(self, args: SmalltalkInput, ctx: SkillContext) -> SkillResult:
        text = _REPLIES.get(args.intent, _REPLIES["help"])
        quick = EXAMPLES if args.intent in ("greet", "help") else ()
        return SkillResult(text, quick_replies=quick)


@dataclass(frozen=True)
class OutOfScopeInput:
    pass


class OutOfScopeSkill:
    name: ClassVar[str] = "out_of_scope"
    description: ClassVar[str] = "Say politely that a request is outside what the shop assistant does."
    Input: ClassVar[type] = OutOfScopeInput

    async def run(self, args: OutOfScopeInput, ctx: SkillContext) -> SkillResult:
        return SkillResult(
            "Sorry, I can't help with that. I'm the shop assistant: I can find products for you.",
            quick_replies=EXAMPLES,
        )
