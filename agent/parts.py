"""The contracts of the agent's collaborators that are not a class of their own: the router.

Every router answers one call, `await router.read(text, turn)`: the embedding router reads the message
alone, the LLM router also reads the conversation so far, the sender's role and channel, and a shop's
own rules (`RulesRouter`) decide the skill call themselves. The agent never asks a router what it can do.

    reading = await router.read("red sneakers under 80", TurnContext(role="shopper", channel="rest"))
    reading.understanding.intent   # 'search_products'
    reading.decision               # None: the dialog policy decides
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from agent.nlu.understanding import Understanding
from agent.types import Decision
from knowledge.query_parse import Lexicon


@dataclass(frozen=True)
class TurnContext:
    """What a router may read besides the message: the exchanges before it (chat messages), who sent it, where."""

    history: Sequence[dict] = ()
    role: str = "shopper"
    channel: str = ""


@dataclass(frozen=True)
class Reading:
    """A router's reading of one message; `decision` is set only by a router that decides the call itself,
    which then skips the dialog policy."""

    understanding: Understanding
    decision: Decision | None = None


class Router(Protocol):
    """Reads one message. `lexicon` is the catalog's vocabulary, replaced when the catalog changes."""

    lexicon: Lexicon

    async def read(self, text: str, turn: TurnContext) -> Reading: ...


class RulesRouter:
    """A router from a shop's own rules: `decide(text)` gives the skill call; the dialog policy is skipped."""

    def __init__(self, decide: Callable[[str], Decision], lexicon: Lexicon | None = None):
        self.decide = decide
        self.lexicon = lexicon or Lexicon({})

    async def read(self, text: str, turn: TurnContext) -> Reading:
        decision = await asyncio.to_thread(self.decide, text)
        return Reading(Understanding(text, decision.intent, decision.confidence), decision)
