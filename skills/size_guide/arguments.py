"""The size guide's arguments from one message: the size given and its system, the system wanted.

    size_arguments(understanding_of("I take a 44 in European sizes, what is my UK size?"), state)
    # -> {'system': 'eu', 'size': 44.0, 'wanted': 'uk'}

The size is the number closest to a system's name ("UK 8", "27 cm", "a 44 in European"); the system
wanted is another one named, preferably after "in", "to" or "into".
"""
from __future__ import annotations

import re
from typing import Any

from skills.base import Conversation, Reading

_SYSTEMS = re.compile(  # women's before men's, so "US women's 8" is not read as US men's
    r"\b(?P<us_women>us\s*(?:women'?s|womens|ladies|w)|women'?s\s+us)\b|\b(?P<us_men>us(?:\s*(?:men'?s|mens|m))?|"
    r"american)\b|\b(?P<uk>uk|british)\b|\b(?P<eu>eu|eur|euro|european)\b|\b(?P<cm>cm|centimet(?:er|re)s?)\b")
_NUMBER = re.compile(r"\b\d{1,2}(?:[.,]5)?\b")
_NEAR = 14  # characters between a size and its system's name: "44 in European"
_FROM = 100  # "from UK to US, I take an 8": the system converted from holds the size wherever it is


def size_arguments(u: Reading, state: Conversation) -> dict[str, Any]:
    text = u.text.lower()
    named = [(m.lastgroup, m.start(), m.end()) for m in _SYSTEMS.finditer(text)]
    pairs = sorted((_gap(start, end, n) - _FROM * _after(text, start, "from"), n.start(), system, n.group())
                   for system, start, end in named for n in _NUMBER.finditer(text))
    args: dict[str, Any] = {}
    if pairs and pairs[0][0] <= _NEAR:
        _, _, system, number = pairs[0]
        args.update(system=system, size=float(number.replace(",", ".")))
    others = [(system, start) for system, start, _ in named if system != args.get("system")]
    asked = [system for system, start in others if _after(text, start, "in|to|into|as")]
    if asked or others:
        args["wanted"] = (asked or [others[-1][0]])[0]
    return args


def _gap(start: int, end: int, number: re.Match) -> int:
    """Characters between a system's name (start, end) and a number, whichever comes first."""
    return number.start() - end if number.start() >= end else start - number.end()


def _after(text: str, start: int, words: str) -> bool:
    """Whether the system named at ``start`` follows one of ``words`` ("in EU", "from UK")."""
    return re.search(rf"\b(?:{words})\s+(?:an?\s+)?$", text[:start]) is not None
