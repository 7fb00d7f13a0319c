"""Which product a shopper means: an id, "the second one" from the last results, or the one in focus.

    resolve_product(catalog.by_id, ProductRef(position=2), {"last_results": ["a", "b", "c"]}, "")
    # -> Resolved(product=<b>, problem='')
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from knowledge.product import Product

Lookup = Callable[[str], "Product | None"]

_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "last": -1, "latter": -1, "former": 1,
}
_ORDINAL = re.compile(r"\b(" + "|".join(_ORDINALS) + r")\b|\b(\d{1,2})(?:st|nd|rd|th)\b|(?:#|\bnumber\s+|\bno\.\s*)(\d{1,2})\b",
                      re.I)
_ID_LIKE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*\d[A-Za-z0-9_.:-]*")


@dataclass(frozen=True, slots=True)
class ProductRef:
    product_id: str | None = None
    position: int | None = None


@dataclass(frozen=True, slots=True)
class Resolved:
    product: Product | None
    problem: str = ""


def position_in(text: str) -> int | None:
    """1-based position a message points at ("the second one", "#3", "the last one"); -1 is the last."""
    match = _ORDINAL.search(text)
    if not match:
        return None
    word, ordinal, number = match.groups()
    return _ORDINALS[word.lower()] if word else int(ordinal or number)


def resolve_product(lookup: Lookup, ref: ProductRef, slots: Mapping[str, Any], text: str) -> Resolved:
    if ref.product_id:
        product = lookup(ref.product_id)
        return Resolved(product, "" if product else f"I can't find a product with the id “{ref.product_id}”.")
    for candidate in _ID_LIKE.findall(text):
        if (product := lookup(candidate)) is not None:
            return Resolved(product)
    results = [str(r) for r in slots.get("last_results") or []]
    position = ref.position if ref.position is not None else position_in(text)
    if position is not None:
        return _at(lookup, results, position)
    selected = slots.get("selected")
    if selected and (product := lookup(str(selected))) is not None:
        return Resolved(product)
    if len(results) == 1:
        return _at(lookup, results, 1)
    return Resolved(None, "Which product do you mean? After a search, say “the second one”, or give me its id.")


def _at(lookup: Lookup, results: list[str], position: int) -> Resolved:
    if not results:
        return Resolved(None, "I haven't shown you any products yet. What are you looking for?")
    index = len(results) - 1 if position == -1 else position - 1
    if not 0 <= index < len(results):
        return Resolved(None, f"I showed {len(results)} products; which one do you mean?")
    product = lookup(results[index])
    return Resolved(product, "" if product else "That product is no longer in the catalog.")
