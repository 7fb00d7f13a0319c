"""What must hold before anything goes into a cart: a size the product comes in, stock, the shop's limit.

    size_in("size 9 please", product)       # product comes in 7-12
    # -> '9'
    quantity_problem(product, wanted=12, max_quantity=10)
    # -> 'I can add at most 10 of one item to a cart.'
"""
from __future__ import annotations

import re

from knowledge.product import Product
from skills.shopping.common import has_size, size_key, size_list

_TOKENS = re.compile(r"(?<![\w.'’])(?:\d+(?:\.\d+)?|[a-z]+)(?![\w.])", re.IGNORECASE)
_SIZE_WORDS = {"small": "S", "medium": "M", "large": "L", "extra small": "XS", "extra large": "XL"}


def size_in(text: str | None, product: Product) -> str | None:
    """The size of ``product`` that ``text`` names ("9", "size 9 please", "a medium"), or None."""
    if not text:
        return None
    lowered = text.strip().lower()
    if has_size(product, lowered):
        return _as_listed(product, lowered)
    for words, letter in sorted(_SIZE_WORDS.items(), key=lambda item: -len(item[0])):
        if re.search(rf"\b{words}\b", lowered) and has_size(product, letter):
            return _as_listed(product, letter)
    for token in _TOKENS.findall(lowered):
        if has_size(product, token):
            return _as_listed(product, token)
    return None


def size_word(text: str | None) -> str | None:
    """A size said in words ("in a medium", "extra large"), as a letter size; None when none is said."""
    lowered = (text or "").lower()
    found = next((letter for words, letter in sorted(_SIZE_WORDS.items(), key=lambda item: -len(item[0]))
                  if re.search(rf"\b{words}\b", lowered)), None)
    return found


def size_named(text: str | None) -> str | None:
    """A size-looking word in ``text`` ("13" in "size 13"), for saying which size a product lacks."""
    if not text:
        return None
    found = re.search(r"\bsize\s+([a-z0-9.]+)\b", text, re.IGNORECASE) or \
        re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?|xxs|xs|s|m|l|xl|xxl|xxxl)\s*", text, re.IGNORECASE)
    return found.group(1).upper() if found else None


def size_problem(product: Product, text: str | None) -> str | None:
    """Why ``text`` is not a size of ``product``; None when it is one (or the product has no sizes)."""
    if not product.sizes or size_in(text, product):
        return None
    named = size_named(text)
    if named is None:
        return f"I didn't catch a size there; the {product.title} comes in {size_list(product)}."
    return f"The {product.title} doesn't come in size {named}; it comes in {size_list(product)}."


def quantity_problem(product: Product, wanted: int, max_quantity: int, in_cart: int = 0) -> str | None:
    """Why ``wanted`` (the line's new total) cannot be in a cart; None when it can."""
    if product.stock <= 0:
        return f"Sorry, the {product.title} is out of stock at the moment, so I can't add it to your cart."
    if wanted > max_quantity:
        return f"I can add at most {max_quantity} of one item to a cart" + (
            f" (you have {in_cart} of the {product.title} already)." if in_cart else ".")
    if wanted > product.stock:
        have = f"; you have {in_cart} in your cart already" if in_cart else ""
        return f"Only {product.stock} of the {product.title} {'is' if product.stock == 1 else 'are'} in stock{have}."
    return None


def sizes_offered(product: Product, limit: int = 6) -> tuple[str, ...]:
    return tuple(f"Size {size}" for size in sorted(product.sizes, key=size_key)[:limit])


def _as_listed(product: Product, size: str) -> str:
    return next(s for s in product.sizes if s.upper() == size.strip().upper())
