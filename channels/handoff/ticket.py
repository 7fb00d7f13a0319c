"""A conversation in the handoff queue, and the order colleagues see the queue in.

A ticket keeps why the shopper wants a person, how urgent that is, and the shopper's actual request
(the preview on the queue card), set when the conversation joins the queue from the handoff
context (`agent.handoff_context`); later messages update `latest`, not the request. A ticket is
``waiting`` (in line), ``transferred`` (one colleague passed it to another, who picks it up) or
``active`` (a colleague holds it); it may be assigned to a colleague while it waits.

The longer a shopper waits, the more urgent the ticket gets: one step for every `AGE_STEP_S`
seconds, up to urgent, so nobody waits behind a stream of newer urgent tickets for ever.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from agent.handoff_context import NORMAL, URGENCY_NAMES, URGENT
from channels.postboxes import split_conversation

AGE_STEP_S = 600.0
IN_LINE = ("waiting", "transferred")


@dataclass
class Ticket:
    conversation_id: str
    reason: str
    priority: int
    requested_at: float
    status: str = "waiting"  # waiting, transferred, then active once a colleague takes it
    agent: str = ""
    taken_at: float | None = None
    after_hours: bool = False
    preview: str = ""  # the shopper's request, for the queue list
    home: str = ""  # the process that last answered the shopper (holds the widget's socket)
    latest: str = ""  # the shopper's latest words
    assigned: str = ""  # the colleague the ticket is meant for (assigned, or transferred to)
    transferred_by: str = ""

    def priority_at(self, now: float) -> int:
        """The priority, raised one step for every `AGE_STEP_S` the shopper has waited, up to urgent."""
        if self.status not in IN_LINE:
            return self.priority
        waited = max(0.0, now - self.requested_at)
        return min(URGENT, max(NORMAL, self.priority) + int(waited // AGE_STEP_S))

    def view(self, position: int | None, now: float) -> dict[str, Any]:
        channel, sender = split_conversation(self.conversation_id)
        fields = {k: v for k, v in asdict(self).items() if k != "home"}
        priority = self.priority_at(now)
        return {**fields, "priority": priority, "urgency": URGENCY_NAMES[priority], "channel": channel,
                "sender_id": sender, "position": position}


def in_order(tickets: list[Ticket], now: float) -> list[Ticket]:
    """Tickets in line by priority now, then by how long they have waited; then the ones being served."""
    waiting = sorted((t for t in tickets if t.status in IN_LINE), key=lambda t: (-t.priority_at(now), t.requested_at))
    active = sorted((t for t in tickets if t.status not in IN_LINE), key=lambda t: t.requested_at)
    return waiting + active


def from_record(record: dict[str, Any]) -> Ticket:
    """A ticket from its stored JSON; fields added since it was stored take their defaults."""
    known = Ticket.__dataclass_fields__
    return Ticket(**{k: v for k, v in record.items() if k in known})
