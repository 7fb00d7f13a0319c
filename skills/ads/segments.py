"""Audience segments ad copy is written for.

A segment is either built in (`bargain_hunters`, `gift_shoppers`, ...), derived from the shoppers'
recommendation profiles (`skills.ads.audiences`: "shoes-budget", 412 shoppers who mostly look at
shoes, budget, in red and black, who like Nimbus), or a small dict from elsewhere: unknown keys
are ignored, and a few common spellings are understood.

>>> segment_from({"name": "deal_seekers", "price_sensitivity": 0.9}).price_sensitive
True
>>> segment_from("gift_shoppers").occasion
'gifting'

What a segment likes only shapes the angle and the wording of the copy (a price-led headline,
the product's colour first when the segment likes that colour); it never adds a fact about the
product, and the copy still passes the grounding and brand-safety checks.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

PRICE_LEVELS = ("budget", "mid-range", "premium")


@dataclass(frozen=True, slots=True)
class Segment:
    name: str = "everyone"
    price_sensitive: bool = False
    returning: bool = False
    occasion: str = ""
    gender: str = ""
    # from the recommendation profiles (empty for the built-in segments)
    size: int = 0  # how many shoppers it holds
    category: str = ""
    kinds: tuple[str, ...] = ()
    colours: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    price_level: str = ""  # budget, mid-range or premium
    price_band: tuple[float, float] | None = None
    summary: str = ""

    def likes(self, attribute: str, value: str) -> bool:
        """Whether the segment leans to this colour, brand or kind of product."""
        wanted = {"colour": self.colours, "brand": self.brands, "kind": self.kinds}[attribute]
        return bool(value) and value.lower() in {w.lower() for w in wanted}

    def in_price_band(self, price: float) -> bool:
        return self.price_band is not None and self.price_band[0] * 0.9 <= price <= self.price_band[1] * 1.1

    def to_dict(self) -> dict:
        data = asdict(self)
        data["price_band"] = list(self.price_band) if self.price_band else None
        return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


SEGMENTS: dict[str, Segment] = {
    "everyone": Segment(),
    "bargain_hunters": Segment("bargain_hunters", price_sensitive=True, price_level="budget"),
    "gift_shoppers": Segment("gift_shoppers", occasion="gifting"),
    "returning_customers": Segment("returning_customers", returning=True),
    "new_visitors": Segment("new_visitors"),
}


def segment_from(value: str | Mapping[str, Any] | Segment | None) -> Segment:
    """A built-in segment by name, or one built from a profile dict; None means everyone."""
    if isinstance(value, Segment):
        return value
    if value is None or value == "":
        return SEGMENTS["everyone"]
    if isinstance(value, str):
        if value not in SEGMENTS:
            raise ValueError(f"unknown segment {value!r}: choose from {', '.join(SEGMENTS)} or pass a dict")
        return SEGMENTS[value]
    sensitivity = value.get("price_sensitive", value.get("price_sensitivity", False))
    level = str(value.get("price_level") or (sensitivity if isinstance(sensitivity, str) else ""))
    band = value.get("price_band")
    return Segment(
        name=str(value.get("name") or "custom"),
        price_sensitive=_sensitive(sensitivity),
        returning=bool(value.get("returning", value.get("is_returning", False))),
        occasion=str(value.get("occasion") or ""),
        gender=str(value.get("gender") or "").lower(),
        size=int(value.get("size") or 0),
        category=str(value.get("category") or ""),
        kinds=_words(value.get("kinds")), colours=_words(value.get("colours", value.get("colors"))),
        brands=_words(value.get("brands")),
        price_level=level if level in PRICE_LEVELS else "",
        price_band=(float(band[0]), float(band[1])) if band and len(band) == 2 else None,
        summary=str(value.get("summary") or ""),
    )


def _sensitive(value: Any) -> bool:
    """0.9, True or "budget" mean price-sensitive."""
    if isinstance(value, str):
        return value == "budget"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value >= 0.5
    return bool(value)


def _words(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Mapping):  # a profile's {value: share}, strongest first
        return tuple(str(k) for k in value)
    return tuple(str(v) for v in value)
