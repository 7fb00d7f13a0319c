"""When to offer a person, and where a request for one goes.

    policy = HandoffPolicy(failed_turns=2, negative_sentiment=-0.5)
    policy.reason(Sentiment(-0.8), state, error=False)
    # -> 'negative_sentiment'

The policy offers a colleague after a skill error, on strong negative sentiment (or frustration),
and after `failed_turns` turns in a row that did not help; an explicit request or a complaint is
answered by the `handoff` skill itself. A shopper who says "No thanks" is not asked again for a
few turns.

A `HandoffDesk` receives what happens once the shopper accepts. `StoreHandoffDesk`, the default,
records the request in the conversation store (an event with role "handoff"), which the agent
console builds its queue on; while a colleague holds a conversation (state ``handoff.status ==
"active"``) the assistant stays silent and hands each message to the desk.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from agent.nlu.sentiment import Sentiment
from agent.state import DialogState
from agent.store import ConversationStore
from agent.types import UserMessage
from skills.handoff.requests import explicit_request, frustrated, handoff_reason  # noqa: F401 - the agent's handoff vocabulary

log = logging.getLogger(__name__)

URGENT = frozenset({"complaint", "negative_sentiment"})  # reasons the handoff queue treats as urgent

OFFER_TEXT = {
    "error": "Would you like me to ask a colleague to help you instead?",
    "negative_sentiment": "I'm sorry this is frustrating. Would you like to talk to a person from our team?",
    "failed_turns": "I don't seem to be getting this right. Would you like to talk to a person from our team?",
}


@dataclass(frozen=True)
class HandoffPolicy:
    failed_turns: int = 2
    negative_sentiment: float = -0.5
    quiet_turns: int = 3  # after "No thanks", the turns before a person is offered again

    def reason(self, sentiment: Sentiment, state: DialogState, error: bool, productive: bool = False) -> str | None:
        """Why a person should be offered after this turn, or None.

        ``productive`` turns (the shopper asked for products and got them) offer a person for frustration
        aimed at the assistant only: "is it waterproof? I hate wet feet" is not about the service.
        """
        if state.handoff and state.handoff.get("status") in ("requested", "active"):
            return None
        if error:
            return "error"
        if state.declined_turn is not None and state.turns - state.declined_turn < self.quiet_turns:
            return None
        if sentiment.frustrated and sentiment.compound < 0:
            return "negative_sentiment"
        if sentiment.compound <= self.negative_sentiment and not productive:
            return "negative_sentiment"
        if state.failed_turns >= self.failed_turns:
            return "failed_turns"
        return None


def escalated(handoff: dict[str, Any] | None, sentiment: Sentiment, state: DialogState) -> dict[str, Any] | None:
    """A request still waiting for a colleague, with its reason raised when the shopper grows frustrated
    ("hello?? still waiting!!"), so the queue moves it up; None when nothing changes."""
    if not handoff or handoff.get("status") != "requested" or handoff.get("reason") in URGENT:
        return None
    if not (sentiment.frustrated or sentiment.compound <= -0.5):
        return None
    return {**handoff, "reason": "negative_sentiment", "was": handoff.get("reason")}


class HandoffDesk(Protocol):
    """Where conversations go when a person takes over."""

    async def request(self, conversation_id: str, handoff: dict[str, Any], state: DialogState) -> None:
        """The shopper accepted a person; ``handoff`` is ``{"status": "requested", "reason", "ts"}``."""
        ...

    async def receive(self, conversation_id: str, message: UserMessage) -> None:
        """A message arrived while a person holds the conversation (it is already in the transcript)."""
        ...


class StoreHandoffDesk:
    """Records each request as a "handoff" event in the conversation store, with what the assistant knew."""

    def __init__(self, store: ConversationStore):
        self.store = store

    async def request(self, conversation_id: str, handoff: dict[str, Any], state: DialogState) -> None:
        known = {"selected": state.selected, "last_results": state.results, "last_search": state.search,
                 "customer": state.customer or state.email, "last_order": state.extra.get("last_order")}
        await self.store.append(conversation_id, "handoff", f"handoff requested: {handoff.get('reason')}",
                                {"handoff": handoff, "known": {k: v for k, v in known.items() if v}})
        log.info("conversation %s asks for a person (%s)", conversation_id, handoff.get("reason"))

    async def receive(self, conversation_id: str, message: UserMessage) -> None:
        log.info("conversation %s: message for the colleague who holds it", conversation_id)


class TakeoverDesk:
    """The agent's desk: its own (`StoreHandoffDesk`) until a handoff queue takes over when the server starts.

    The agent keeps this one desk for its whole life; `take_over` is the one declared way for a queue to
    receive the requests, and it hands the queue the agent's own desk, which still records each request.

        desk = TakeoverDesk(StoreHandoffDesk(store))
        queue.inner = desk.take_over(queue)
    """

    def __init__(self, own: HandoffDesk):
        self.own = own
        self.current: HandoffDesk = own

    def take_over(self, desk: HandoffDesk) -> HandoffDesk:
        """From now on `desk` gets every request and message; returns the agent's own desk."""
        self.current = desk
        return self.own

    async def request(self, conversation_id: str, handoff: dict[str, Any], state: DialogState) -> None:
        await self.current.request(conversation_id, handoff, state)

    async def receive(self, conversation_id: str, message: UserMessage) -> None:
        await self.current.receive(conversation_id, message)
