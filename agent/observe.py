"""What the turn loop reports about itself: Prometheus metrics and the conversation a log line belongs to.

Each `Agent` has its own `TurnMetrics` (its own registry, so two agents in one process never clash);
the web app serves it at `/metrics` in Prometheus' text format. `CONVERSATION` holds the id of the
conversation being handled, so log lines written anywhere during a turn can name it.
"""
from __future__ import annotations

import contextvars
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

CONVERSATION: contextvars.ContextVar[str] = contextvars.ContextVar("aisle_conversation", default="-")
CONTENT_TYPE = CONTENT_TYPE_LATEST
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)


class TurnMetrics:
    """Turn latency per skill, intents, fallbacks, handoffs, backend errors and queue lengths."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.turn_seconds = Histogram("aisle_turn_seconds", "Time to answer one message, by the skill that acted",
                                      ["skill"], buckets=LATENCY_BUCKETS, registry=r)
        self.intents = Counter("aisle_intents", "Messages by understood intent", ["intent"], registry=r)
        self.fallbacks = Counter("aisle_fallbacks", "Messages the assistant could not place (out of scope)",
                                 registry=r)
        self.handoffs = Counter("aisle_handoffs", "Conversations handed to a person", registry=r)
        self.backend_errors = Counter("aisle_backend_errors", "Skills or backends that failed during a turn",
                                      ["skill"], registry=r)
        self.in_flight = Gauge("aisle_turns_in_flight", "Turns being answered right now", registry=r)
        self.queue_length = Gauge("aisle_handoff_queue_length", "Conversations waiting for a person", registry=r)
        self.turns_waiting = Gauge("aisle_turns_waiting", "Messages waiting for a free turn slot", registry=r)
        self.queue_source: Callable[[], int] | None = None
        self.waiting_source: Callable[[], int] | None = None
        self.queue_length.set_function(lambda: float(self.queue_source() if self.queue_source else 0))
        self.turns_waiting.set_function(lambda: float(self.waiting_source() if self.waiting_source else 0))

    @contextmanager
    def turn(self, conversation_id: str) -> Iterator[None]:
        """Around one turn: counts it in flight and names its conversation for the logs."""
        token = CONVERSATION.set(conversation_id)
        self.in_flight.inc()
        try:
            yield
        finally:
            self.in_flight.dec()
            CONVERSATION.reset(token)

    def observe(self, intent: str, skill: str, seconds: float, *, error: bool, handoff: bool) -> None:
        self.turn_seconds.labels(skill=skill).observe(seconds)
        self.intents.labels(intent=intent).inc()
        if intent == "out_of_scope":
            self.fallbacks.inc()
        if error:
            self.backend_errors.labels(skill=skill).inc()
        if handoff:
            self.handoffs.inc()

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def now() -> float:
    return time.perf_counter()
