"""Audience segments ad copy is written for.

A segment is a small dict, so profiles from the recommendation side can pass theirs as they are:
unknown keys are ignored, and a few common spellings are understood.

>>> segment_from({"name": "deal_seekers", "price_sensitivity": 0.9})
Segment(name='deal_seekers', price_sensitive=True, returning=False, occasion='', gender='')
>>> segment_from("gift_shoppers").occasion
'gifting'
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Segment:
    name: str = "everyone"
    price_sensitive: bool = False
    returning: bool = False
    occasion: str = ""
    gender: str = ""


SEGMENTS: dict[str, Segment] = {
    "everyone": Segment(),
    "bargain_hunters": Segment("bargain_hunters", price_sensitive=True),
    "gift_shoppers": Segment("gift_shoppers", occasion="gifting"),
    "returning_customers": Segment("returning_customers", returning=True),
    "new_visitors": Segment("new_visitors"),
}


def segment_from(value: str | Mapping[str, Any] | None) -> Segment:
    """A built-in segment by name, or one built from a profile dict; None means everyone."""
    if value is None or value == "":
        return SEGMENTS["everyone"]
    if isinstance(value, str):
        if value not in SEGMENTS:
            raise ValueError(f"unknown segment {value!r}: choose from {', '.join(SEGMENTS)} or pass a dict")
        return SEGMENTS[value]
    sensitivity = value.get("price_sensitive", value.get("price_sensitivity", False))
    return Segment(
        name=str(value.get("name") or "custom"),
        price_sensitive=bool(sensitivity >= 0.5 if isinstance(sensitivity, (int, float)) and not isinstance(
            sensitivity, bool) else sensitivity),
        returning=bool(value.get("returning", value.get("is_returning", False))),
        occasion=str(value.get("occasion") or ""),
        gender=str(value.get("gender") or "").lower(),
    )
