"""The shopping skills' arguments from one message: what changes in a refinement, which product is picked.

    refine_arguments(understanding_of("something cheaper in blue"))
    # -> {'change': 'cheaper', 'colour': 'blue'}
    select_arguments(understanding_of("the second one, size 9"), state)
    # -> {'position': 2, 'size': '9'}
"""
from __future__ import annotations

import re
from typing import Any

from knowledge.ordinals import positions
from skills.base import Conversation, Reading
from skills.request import REQUEST_FIELDS

_CHANGES = (
    ("cheaper", r"\bcheaper\b|\bless (?:expensive|pricey)\b|\blower price|\bmore affordable\b|\btoo expensive\b|"
                r"\bover my budget\b|\bbudget\b"),
    ("pricier", r"\bmore expensive\b|\bpricier\b|\bpremium\b|\bhigher[- ]end\b|\bbetter quality\b|\bfancier\b"),
    ("bigger", r"\bbigger\b|\blarger\b|\bsize up\b"),
    ("smaller", r"\bsmaller\b|\bsize down\b"),
    ("other_colour", r"\b(?:other|another|different) colou?rs?\b|\bnot in (?:that|this) colou?r\b"),
    ("other_brand", r"\b(?:other|another|different) brands?\b|\bnot (?:this|that) brand\b"),
    ("similar", r"\bmore like (?:this|that|it)\b|\bsimilar\b|\blike (?:this|that) one\b"),
    ("more", r"\bshow me more\b|\bmore (?:options|results)\b|\bnext (?:page|ones)\b"),
)
_ATTRIBUTES = ("colour", "brand", "gender", "material", "size", "min_price", "max_price")
_REFINE_EXTRA = tuple(name for name in REQUEST_FIELDS if name not in ("product_type", "category", "query"))
_PICKS = (("cheapest", r"\bcheapest\b|\bleast expensive\b"), ("priciest", r"\bmost expensive\b|\bpriciest\b"))


def refine_change(text: str) -> str | None:
    """The relative change a message asks for ("cheaper", "other_brand", ...), or None."""
    lowered = text.lower()
    return next((change for change, pattern in _CHANGES if re.search(pattern, lowered)), None)


def refine_arguments(u: Reading, state: Conversation | None = None) -> dict[str, Any]:
    values = u.entities.values
    args: dict[str, Any] = {name: values[name] for name in _ATTRIBUTES + _REFINE_EXTRA if name in values}
    change = refine_change(u.reading)
    brand = values.get("brand")
    if brand and re.search(rf"\bnot\s+{re.escape(brand.lower())}\b", u.text.lower()):
        args.pop("brand")  # "not Nimbus, something else"
        change = change or "other_brand"
    if change:
        args["change"] = change
    return args


def select_arguments(u: Reading, state: Conversation) -> dict[str, Any]:
    values = u.entities.values
    args = {name: values[name] for name in ("position", "size", "colour") if name in values}
    pick = next((name for name, pattern in _PICKS if re.search(pattern, u.text.lower())), None)
    return {**args, "pick": pick} if pick else args


def compare_arguments(u: Reading, state: Conversation) -> dict[str, Any]:
    named = positions(u.text)
    return dict(zip(("first", "second", "third"), named[:3]))
