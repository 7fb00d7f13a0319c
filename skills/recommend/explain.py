"""Why a product is recommended, in words that name a real reason.

Every reason points at something that is true and checkable: a product the shopper really viewed
or bought, the category a product really is most popular in, the anchor product of a look::

    Reason("viewed", "Because you viewed Nimbus Red Canvas Sneakers", "sku-00012")
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from knowledge.product import Product

VERBS = {"view": "viewed", "click": "opened", "add_to_cart": "added to your cart", "purchase": "bought",
         "rating": "rated"}


@dataclass(frozen=True, slots=True)
class Reason:
    """`kind`: viewed, viewed_together, similar, taste, popular, complements, range, search."""

    kind: str
    text: str
    product_id: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def because_you(anchor: Product, verb: str) -> Reason:
    return Reason("viewed", f"Because you {verb} {anchor.title}", anchor.id)


def viewed_together(anchor: Product) -> Reason:
    return Reason("viewed_together", f"Shoppers who viewed {anchor.title} also viewed this", anchor.id)


def similar_to(anchor: Product, verb: str = "") -> Reason:
    text = f"Similar to {anchor.title}, which you {verb}" if verb else f"Similar to {anchor.title}"
    return Reason("similar", text, anchor.id)


def taste(kind: str, value: str) -> Reason:
    phrase = {"brand": f"you like {value}", "colour": f"you often choose {value}",
              "category": f"you often look at {value}"}[kind]
    return Reason("taste", f"Picked because {phrase}")


def popular_in(category: str, rank: int) -> Reason:
    if category and rank < 3:
        return Reason("popular", f"One of the most popular in {category} right now")
    return Reason("popular", f"Popular in {category} right now" if category else "Popular in the shop right now")


def from_range(category: str) -> Reason:
    return Reason("range", f"From our {category} range" if category else "From our range")


def completes(anchor: Product, candidate: Product) -> Reason:
    kind = candidate.product_type or candidate.category or "this"
    return Reason("complements", f"Goes with the {anchor.title}: {kind} to complete the look", anchor.id)


def searched(query: str) -> Reason:
    return Reason("search", f"Related to your search for “{query}”")
