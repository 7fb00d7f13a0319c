"""What the shopping skills share: the products on screen, sizes in order, prices in words."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from knowledge.product import LOW_STOCK, Product

Lookup = Callable[[str], "Product | None"]
_LETTER_SIZES = ("XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL")
_WORD = re.compile(r"[a-z][a-z-]+")
_QUESTION_WORDS = frozenset("""
is it its it's this that these those they them does do did can could will would should are was were have has the a an
for of in on with to be good suitable ok okay how what which who any really very much many you your me my i one ones
second first third last product products item items thing things
""".split())


def money(amount: float, currency: str = "USD") -> str:
    return f"${amount:,.2f}" if currency == "USD" else f"{amount:,.2f} {currency}"


def shown(slots: Mapping[str, Any], lookup: Lookup) -> list[Product]:
    """The products shown last, in the order the shopper saw them."""
    return [p for p in (lookup(str(i)) for i in slots.get("last_results") or []) if p is not None]


def selected(slots: Mapping[str, Any], lookup: Lookup) -> Product | None:
    chosen = slots.get("selected")
    return lookup(str(chosen)) if chosen else None


def at_position(products: list[Product], position: int) -> Product | None:
    """1-based; -1 is the last one."""
    if position == -1 and products:
        return products[-1]
    return products[position - 1] if 1 <= position <= len(products) else None


def size_key(size: str) -> tuple[int, float, str]:
    """Sizes in the order a shopper reads them: 6 < 9.5 < 10, XS < S < M < L < XL."""
    upper = size.strip().upper()
    if upper in _LETTER_SIZES:
        return (0, _LETTER_SIZES.index(upper), upper)
    number = re.match(r"\d+(?:\.\d+)?", upper)
    return (1, float(number.group(0)), upper) if number else (2, 0.0, upper)


def has_size(product: Product, size: str) -> bool:
    return size.strip().upper() in {s.upper() for s in product.sizes}


def size_list(product: Product) -> str:
    sizes = sorted(product.sizes, key=size_key)
    if not sizes:
        return "one size"
    return ", ".join(sizes[:-1]) + f" and {sizes[-1]}" if len(sizes) > 1 else sizes[0]


def stock_sentence(product: Product) -> str:
    if product.stock <= 0:
        return "It's out of stock at the moment."
    if product.stock < LOW_STOCK:
        return f"Only {product.stock} left in stock."
    return "It's in stock."


def stock_note(product: Product) -> str:
    """"out of stock", "only 3 left", or "" when there is plenty: what a card and a listing say."""
    return "" if product.availability == "in stock" else product.availability


def content_words(question: str) -> list[str]:
    """The words of a question that say what it is about ("waterproof" in "is the second one waterproof?")."""
    return [w for w in _WORD.findall(question.lower()) if w not in _QUESTION_WORDS and len(w) > 2]


def mentions(sentence: str, word: str) -> bool:
    """Whether ``sentence`` uses ``word`` or a word of its family ("waterproofing" for "waterproof")."""
    stem = word[:max(4, len(word) - 3)] if len(word) > 6 else word
    return re.search(rf"\b{re.escape(stem)}", sentence.lower()) is not None
