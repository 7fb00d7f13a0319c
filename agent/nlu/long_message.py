"""Finding the request inside a long message: "Hi! So last week my sister ... anyway, do you have red boots?".

>>> sentences("Hi there. Long story... Anyway: do you have red boots in size 8? Thanks!")
['Hi there.', 'Long story...', 'Anyway: do you have red boots in size 8?', 'Thanks!']

A long message is split into sentences, each is classified, and the most actionable one is the
request: an intent that does something (not a greeting, thanks or small talk), weighed by the
model's confidence and by what it names (catalog terms, an order number). The short sentences right
after it that only add details ("She's a size 7. Nothing over $80.") stay with it, so their entities are
kept; the chatter around it is left out. The mood is read from the whole message.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

LONG_MESSAGE_CHARS = 280  # shorter messages are understood whole
_MAX_SENTENCE_CHARS = 300
_DETAIL_CHARS = 60  # a follow-up sentence that adds details is short: "She's a size 7." "Nothing over $80."
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+|\n+")
_CHATTER = frozenset({"greet", "goodbye", "thanks", "affirm", "deny", "out_of_scope", "help"})
_DETAILS = frozenset({"search_products", "refine", "select", "out_of_scope", "product_question"})


@dataclass(frozen=True)
class SentenceReading:
    """How one sentence was read: its intent and confidence, and what it names."""

    text: str
    intent: str
    confidence: float
    names_product: bool = False
    names_detail: bool = False  # a size, colour, price, brand... without a product
    names_order: bool = False
    names_bound: bool = False  # a size or a price: what chatter rarely names and a request often does


def is_long(text: str) -> bool:
    return len(text) > LONG_MESSAGE_CHARS and len(sentences(text)) > 1


def sentences(text: str) -> list[str]:
    """The message's sentences (and lines); a run-on longer than a sentence should be is cut at word ends."""
    pieces = [p.strip() for p in _SENTENCE_END.split(text) if p and p.strip()]
    out: list[str] = []
    for piece in pieces:
        while len(piece) > _MAX_SENTENCE_CHARS:
            cut = piece.rfind(" ", 0, _MAX_SENTENCE_CHARS)
            cut = cut if cut > 0 else _MAX_SENTENCE_CHARS
            out.append(piece[:cut].strip())
            piece = piece[cut:].strip()
        if piece:
            out.append(piece)
    return out


def actionability(reading: SentenceReading) -> float:
    """How much a sentence asks for something the assistant can do: 0 for chatter."""
    if reading.intent in _CHATTER and not (reading.names_product or reading.names_order):
        return 0.0
    score = reading.confidence if reading.intent not in _CHATTER else 0.3
    if reading.names_product or reading.names_order:
        score += 0.5
    if reading.names_detail:
        score += 0.1
    return score


def request_span(readings: Sequence[SentenceReading]) -> tuple[int, int] | None:
    """(first, end) of the sentences that make the request; None when every sentence is chatter."""
    scores = [actionability(r) for r in readings]
    if not scores or max(scores) <= 0.0:
        return None
    best = max(range(len(scores)), key=lambda i: (scores[i], i))
    end = best + 1
    while end < len(readings) and end - best <= 2 and _adds_details(readings[end]):
        end += 1
    return best, end


def _adds_details(reading: SentenceReading) -> bool:
    """A follow-up that only adds details ("Ideally in black.", "She's a size 7, and I'd like to keep it under
    100 dollars."), not chatter that happens to name one: short, or naming a size or a price."""
    return (reading.names_detail and not reading.names_product and reading.intent in _DETAILS
            and (len(reading.text) <= _DETAIL_CHARS or reading.names_bound))
