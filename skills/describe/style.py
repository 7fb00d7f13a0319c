"""How a description should read: tone, length and the search keywords it should carry."""
from __future__ import annotations

from dataclasses import dataclass

TONES = ("friendly", "premium", "playful", "plain")
LENGTHS = ("short", "medium", "long")
# Rough word budgets an LLM writer is asked to keep to.
LENGTH_WORDS = {"short": 35, "medium": 70, "long": 130}


@dataclass(frozen=True, slots=True)
class Style:
    """How a description is written: its tone, its length and the keywords to work in.

    >>> Style(tone="premium", length="long", keywords=("leather boots",)).keywords
    ('leather boots',)
    """

    tone: str = "friendly"
    length: str = "medium"
    keywords: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.tone not in TONES:
            raise ValueError(f"tone {self.tone!r} is not one of {', '.join(TONES)}")
        if self.length not in LENGTHS:
            raise ValueError(f"length {self.length!r} is not one of {', '.join(LENGTHS)}")
