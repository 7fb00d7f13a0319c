"""The same model in other colours, and the closest in-stock alternative: "does it come in green?".

    colour_answer(boots, "green", catalog.products)
    # -> SkillResult(text="No, the Strider Retro Grey Boots don't come in green; this model comes in grey and red. ...")

Two products are the same model when brand and product type agree and their titles do once the
colour words are taken out ("Strider Retro Grey Boots", "Strider Retro Boots in Red"). Alternatives
are only ever products in stock.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge.product import Product
from skills.base import SkillResult
from skills.shopping.common import money, stock_note

_FILLER = frozenset({"in", "the", "a", "an", "with", "and", "-", "/"})


def model_key(product: Product, colours: frozenset[str]) -> tuple[str, str, tuple[str, ...]]:
    words = re.findall(r"[a-z0-9'-]+", product.title.lower())
    stem = tuple(sorted(w for w in words if w not in colours and w not in _FILLER))
    return product.brand.lower(), product.product_type.lower(), stem


def same_model(product: Product, products: Sequence[Product], colours: frozenset[str]) -> list[Product]:
    """Every colour of ``product``'s model in the catalog, the product itself included."""
    key = model_key(product, colours)
    return [p for p in products if p.id == product.id or model_key(p, colours) == key]


def closest(product: Product, products: Sequence[Product], colour: str | None = None, k: int = 1) -> list[Product]:
    """In-stock products of the same kind (and ``colour``), most alike first: brand, material, then price."""
    pool = [p for p in products if p.id != product.id and p.in_stock
            and p.product_type.lower() == product.product_type.lower()
            and (colour is None or p.colour.lower() == colour.lower())]
    pool.sort(key=lambda p: (p.brand != product.brand, p.material != product.material, p.gender != product.gender,
                             abs(p.price - product.price)))
    return pool[:k]


def colour_answer(product: Product, colour: str, products: Sequence[Product],
                  colours: frozenset[str]) -> SkillResult:
    """Whether ``product`` comes in ``colour``: its own colour, another of its model, or the closest alternative."""
    if product.colour.lower() == colour.lower():
        return SkillResult(f"Yes, the {product.title} is {colour}. {_availability(product)}", products=(product,))
    model = same_model(product, products, colours)
    match = next((p for p in model if p.colour.lower() == colour.lower()), None)
    if match is not None:
        text = f"Yes, this model also comes in {colour}: the {match.title}, {money(match.price, match.currency)}."
        return SkillResult(f"{text} {_availability(match)}", products=(match,), slots={"selected": match.id})
    have = sorted({p.colour for p in model if p.colour})
    text = f"No, the {product.title} doesn't come in {colour}"
    text += f"; this model comes in {_and(have)}." if have else "."
    alternative = closest(product, products, colour)
    if not alternative:
        return SkillResult(f"{text} I have no {colour} {product.product_type or 'alternative'} in stock either.",
                           products=(product,))
    other = alternative[0]
    return SkillResult(f"{text} The closest {colour} one I have in stock is the {other.title}, "
                       f"{money(other.price, other.currency)}.", products=(other,))


def colours_of(product: Product, products: Sequence[Product], colours: frozenset[str]) -> SkillResult:
    """"What colours does it come in?": the colours of its model, with what is in stock."""
    model = same_model(product, products, colours)
    listed = [f"{p.colour} ({stock_note(p)})" if stock_note(p) else p.colour for p in model if p.colour]
    if len(listed) <= 1:
        return SkillResult(f"The {product.title} comes in {product.colour or 'one colour'} only.", products=(product,))
    return SkillResult(f"This model comes in {_and(listed)}.", products=tuple(model))


def in_stock_instead(product: Product, products: Sequence[Product],
                     colours: frozenset[str]) -> tuple[str, tuple[Product, ...]]:
    """For a product that is out of stock: the same model in stock in another colour, else the closest alternative."""
    others = [p for p in same_model(product, products, colours) if p.id != product.id and p.in_stock]
    if others:
        return (f" The same model is in stock in {_and(sorted({p.colour for p in others}))}: the {others[0].title}, "
                f"{money(others[0].price, others[0].currency)}.", (others[0],))
    alternative = closest(product, products)
    if alternative:
        other = alternative[0]
        return f" A similar one in stock: the {other.title}, {money(other.price, other.currency)}.", (other,)
    return "", ()


def _availability(product: Product) -> str:
    note = stock_note(product)
    if note == "out of stock":
        return "It's out of stock at the moment."
    return f"There are {note}." if note else "It's in stock."


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
