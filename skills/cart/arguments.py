"""The cart skill's arguments from one message: which products or lines, size, how many.

    cart_arguments(understanding_of("add 2 of the second one in size 9 to my cart"), state)
    # -> {'action': 'add', 'position': 2, 'size': '9', 'quantity': 2, 'mention': '...'}
    cart_arguments(understanding_of("make it three"), state)["quantity"]
    # -> 3

Positions and colours come from the entities; several ordinals ("the first and the third") become
``positions``; "both" and "all of them" a ``group``; quantities are read from the usual ways of
saying them: "make it two", "3 of them", "x2", "one more", "add another".
"""
from __future__ import annotations

import re
from typing import Any

from skills.base import Conversation, Reading

CART_ACTIONS = {"add_to_cart": "add", "view_cart": "show", "update_cart": "update", "remove_from_cart": "remove",
                "clear_cart": "clear", "checkout": "checkout"}
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "a couple": 2, "couple": 2, "single": 1}
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "fifth": 5,
             "5th": 5, "sixth": 6, "6th": 6, "last": -1}
_N = r"(\d{1,3}|" + "|".join(sorted((re.escape(w) for w in _WORDS), key=len, reverse=True)) + r")"
_ABSOLUTE = (
    rf"\b(?:make|change|set|update|increase|decrease|reduce|bump|up|lower)\b[^.?!]{{0,30}}?\b(?:to|it|them|that)\s+{_N}\b",
    rf"\bquantity\b[^.?!]{{0,15}}?\b{_N}\b",
    rf"\bqty\s*:?\s*{_N}\b",
    rf"\b{_N}\s+(?:of\s+(?:them|those|these|it|each|that|this|the)|pairs|pieces|units|items|copies|in total)\b",
    r"\bx\s?(\d{1,3})\b",
    r"\b(\d{1,3})\s?x\b",
    rf"\b(?:add|put|buy|get|order|want|need|take)\s+{_N}\b(?!\s*(?:st|nd|rd|th)\b)(?!\s+more)",
    rf"^\s*(?:just\s+|only\s+)?{_N}\s*(?:please|thanks)?\s*[.!]?\s*$",
)
_MORE = (rf"\b{_N}\s+more\b", r"\b(another)\b", r"\b(an extra)\b")


def _number(word: str) -> int:
    word = word.lower()
    return int(word) if word.isdigit() else _WORDS.get(word, 1)


def quantity_of(text: str) -> tuple[int | None, int | None]:
    """(how many in all, how many more) that ``text`` says, each None when it says nothing of it."""
    lowered = text.lower()
    for pattern in _MORE:
        found = re.search(pattern, lowered)
        if found:
            return None, 1 if found.group(1) in ("another", "an extra") else _number(found.group(1))
    for pattern in _ABSOLUTE:
        found = re.search(pattern, lowered)
        if found:
            return _number(found.group(1)), None
    return None, None


def ordinal_positions(text: str) -> list[int]:
    found = re.findall(r"\b(" + "|".join(_ORDINALS) + r")\b(?!\s+(?:time|class|order))", text.lower())
    return list(dict.fromkeys(_ORDINALS[word] for word in found))


def cart_arguments(u: Reading, state: Conversation) -> dict[str, Any]:
    values = u.entities.values
    action = CART_ACTIONS.get(u.intent, "show")
    args: dict[str, Any] = {"action": action, "mention": u.text[:200]}
    for name in ("colour", "product_type", "size"):
        if name in values:
            args[name] = values[name]
    quantity, more = quantity_of(u.text)
    factor = next((n for word, n in (("double", 2), ("triple", 3)) if re.search(rf"\b{word}\b", u.text.lower())), None)
    args.update(quantity=quantity, more=more, factor=factor if quantity is None and more is None else None)
    several = ordinal_positions(u.text)
    if len(several) > 1:
        args["positions"] = ",".join(str(n) for n in several)
    elif "position" in values and not (quantity is not None and re.fullmatch(r"\s*\d+\s*[.!]?\s*", u.text)):
        args["position"] = values["position"]
    lowered = u.text.lower()
    if re.search(r"\bboth\b", lowered):
        args["group"] = "both"
    elif re.search(r"\ball (?:of )?(?:them|those|these|three|four|five|six)\b|\bevery ?thing you (?:showed|found)\b",
                   lowered):
        args["group"] = "all"
    return args
