"""Which products or cart lines a shopper means: "the second one", "the red one", "both", "the mug", "it".

Positions count in what was shown last (`last_results`; showing the cart shows its lines, so after
"what's in my cart?" "the second one" is the cart's second line). A colour or kind picks among what
was shown; "it" (or nothing) is the product in focus: the one picked (`selected`), else the only one
shown. Each function returns what it found, or the question to ask instead (a `str`).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from knowledge.product import Product
from skills.cart.model import Cart, CartLine
from skills.shopping.common import Lookup, at_position, selected, shown

GROUPS = ("both", "all")
_STOP = {"the", "a", "an", "my", "from", "of", "cart", "basket", "bag", "remove", "delete", "take", "out", "one",
         "ones", "please", "it", "this", "that", "those", "these", "and", "in", "to", "size", "drop", "make",
         "change", "set", "quantity", "want", "need", "more", "instead", "them", "get", "rid", "anymore", "don",
         "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "just", "only", "item", "items",
         "shopping", "order", "off", "actually", "can", "you", "have", "not", "any", "like", "would",
         "changed", "mind", "about", "lose", "again", "too", "many", "much", "thanks", "thank", "okay", "yes", "now",
         "put", "add", "added", "back", "there", "what", "with", "for", "all", "guess", "think", "bump", "up", "down",
         "increase", "decrease", "reduce", "lower", "raise", "double", "triple", "update", "by", "pair", "pairs",
         "pieces", "units", "copies", "total", "each", "whole", "lot", "everything", "stuff", "thing", "things"}


def products_meant(args: Any, slots: Mapping[str, Any], lookup: Lookup) -> list[Product] | str:
    """The products an "add" is about."""
    ids = [i for i in (args.product_ids or args.product_id or "").split(",") if i.strip()]
    if ids:
        found = [lookup(i.strip()) for i in ids]
        unknown = next((i for i, p in zip(ids, found) if p is None), None)
        return f"I can't find a product with the id “{unknown}”." if unknown else _unique(found)
    products = shown(slots, lookup)
    if args.positions:
        return _at_positions(products, _numbers(args.positions))
    if args.position is not None:
        return _at_positions(products, [args.position])
    if args.group:
        return _group(products, args.group)
    if args.colour or args.product_type:
        return _by_attributes(products, args.colour, args.product_type, selected(slots, lookup))
    current = selected(slots, lookup)
    if current is not None:
        return [current]
    if len(products) == 1:
        return products
    if not products:
        return "Which product would you like to add? Search for something first, for example “red sneakers”."
    return "Which one would you like to add? Say “the second one”, for example."


def lines_meant(args: Any, cart: Cart, slots: Mapping[str, Any], lookup: Lookup) -> list[CartLine] | str:
    """The cart lines a change or removal is about."""
    if not cart.lines:
        return "Your cart is empty."
    if args.product_id or args.product_ids or args.position is not None or args.positions:
        found = products_meant(args, slots, lookup)
        return found if isinstance(found, str) else _lines_of(cart, found, args.size)
    if args.group:
        return list(cart.lines) if args.group == "all" or len(cart.lines) == 2 else \
            "Which ones? Say “the first and the third”, for example."
    named = _named_lines(cart, args, lookup)
    if named is not None:
        return named
    focus = slots.get("cart_focus")
    focused = [line for line in cart.lines if focus and [line.product_id, line.size] == list(focus)]
    if focused:
        return focused
    if len(cart.lines) == 1:
        return list(cart.lines)
    return "Which item in your cart do you mean? " + ", ".join(f"“the {line.title}”" for line in cart.lines[:3]) + "?"


def _named_lines(cart: Cart, args: Any, lookup: Lookup) -> list[CartLine] | str | None:
    """Lines the message names by colour, kind or title words ("remove the mug"); None when it names none."""
    if args.colour or args.product_type:
        matching = [line for line in cart.lines if _fits(lookup(line.product_id), args.colour, args.product_type)]
        if matching:
            return _one_size(matching, args.size)
        what = " ".join(part for part in (args.colour, args.product_type) if part)
        return f"There's no {what} in your cart. " + _contents(cart)
    words = {w for w in re.findall(r"[a-z0-9]+", (args.mention or "").lower()) if w not in _STOP and len(w) > 2}
    if not words:
        return None
    matching = [line for line in cart.lines if words & set(re.findall(r"[a-z0-9]+", line.title.lower()))]
    if matching:
        return _one_size(matching, args.size)
    if args.action != "remove":  # a change of quantity names its verb, not always the product
        return None
    return f"I couldn't find “{' '.join(sorted(words))}” in your cart. " + _contents(cart)


def _one_size(lines: list[CartLine], size: str | None) -> list[CartLine]:
    if size:
        sized = [line for line in lines if line.size.upper() == size.upper()]
        return sized or lines
    return lines


def _lines_of(cart: Cart, products: list[Product], size: str | None) -> list[CartLine] | str:
    lines = [line for p in products for line in _one_size([l for l in cart.lines if l.product_id == p.id], size)]
    if lines:
        return lines
    names = " and ".join(p.title for p in products)
    return f"The {names} isn't in your cart. " + _contents(cart)


def _contents(cart: Cart) -> str:
    return "It holds " + ", ".join(f"{line.quantity} × {line.title}" for line in cart.lines) + "."


def _at_positions(products: list[Product], positions: list[int]) -> list[Product] | str:
    if not products:
        return "There's nothing on screen to choose from yet. What are you looking for?"
    found = [at_position(products, n) for n in positions]
    if any(p is None for p in found):
        count = "only one product" if len(products) == 1 else f"{len(products)} products"
        return f"I showed {count}; which one do you mean? Say “the first one”, for example."
    return _unique(found)


def _group(products: list[Product], group: str) -> list[Product] | str:
    if not products:
        return "There's nothing on screen to add yet. What are you looking for?"
    if group == "both" and len(products) != 2:
        return f"I showed {len(products)} products; which two? Say “the first and the third”, for example."
    return products


def _by_attributes(products: list[Product], colour: str | None, kind: str | None,
                   current: Product | None) -> list[Product] | str:
    pool = products + ([current] if current is not None and current not in products else [])
    matching = [p for p in pool if _fits(p, colour, kind)]
    if matching:
        return matching[:1]
    what = " ".join(part for part in (colour, kind) if part)
    return f"I haven't shown you a {what}. Shall I look for one? Say “show me {what}”."


def _fits(product: Product | None, colour: str | None, kind: str | None) -> bool:
    if product is None:
        return False
    colour_ok = not colour or product.colour.lower() == colour.lower()
    kind_ok = not kind or kind.lower() in (product.product_type.lower(), product.category.lower())
    return colour_ok and kind_ok


def _numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"-?\d+", text)]


def _unique(products: list[Product]) -> list[Product]:
    return list({p.id: p for p in products}.values())
