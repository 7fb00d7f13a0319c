"""Picking one of the products shown: "the second one, size 9", "the red one", "the cheapest one".

    result = await SelectSkill(catalog.by_id).run(SelectInput(position=2, size="9"), ctx)
    result.slots["selected"] == ctx.slots["last_results"][1]
    # -> True
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from knowledge.product import Product
from skills.base import SkillContext, SkillResult
from skills.shopping.common import Lookup, at_position, has_size, money, selected, shown, size_list, stock_sentence

PICKS = ("cheapest", "priciest")
NEXT_STEPS = ("Tell me more", "More like this", "Cheaper")


def _described(text: str) -> dict:
    return {"description": text}


@dataclass(frozen=True)
class SelectInput:
    position: int | None = field(default=None, metadata=_described(
        "1-based position in the products shown last (2 for 'the second one'); -1 for the last one."))
    product_id: str | None = field(default=None, metadata=_described("Catalog id of the product."))
    size: str | None = field(default=None, metadata=_described("The size the shopper wants, e.g. 9 or M."))
    colour: str | None = field(default=None, metadata=_described("Pick the shown product of this colour."))
    pick: str | None = field(default=None, metadata={"choices": PICKS, "description": "Pick by price."})


class SelectSkill:
    name: ClassVar[str] = "select"
    description: ClassVar[str] = "Pick one of the products shown, optionally in a size, and say if it is available."
    Input: ClassVar[type] = SelectInput

    def __init__(self, lookup: Lookup):
        self.lookup = lookup

    async def run(self, args: SelectInput, ctx: SkillContext) -> SkillResult:
        products = shown(ctx.slots, self.lookup)
        product, problem = self._choose(args, products, selected(ctx.slots, self.lookup))
        if product is None:
            return SkillResult(problem, data={"failed": not products})
        size = args.size.upper() if args.size else None
        text = " ".join(part for part in (f"{product.title}, {money(product.price, product.currency)}.",
                                          _size_sentence(product, size), stock_sentence(product)) if part)
        available = size is None or has_size(product, size)
        return SkillResult(text, products=(product,), quick_replies=NEXT_STEPS,
                           slots={"selected": product.id, "size": size if available else None})

    def _choose(self, args: SelectInput, products: list[Product],
                current: Product | None) -> tuple[Product | None, str]:
        if args.product_id:
            product = self.lookup(args.product_id)
            return product, "" if product else f"I can't find a product with the id “{args.product_id}”."
        if not products:
            return None, "There's nothing to choose from yet. What are you looking for?"
        if args.position is not None:
            product = at_position(products, args.position)
            shown_count = "only one product" if len(products) == 1 else f"{len(products)} products"
            return product, "" if product else (f"I showed {shown_count}; which one do you mean? "
                                                 "Say “the first one”, for example.")
        if args.colour:
            matching = [p for p in products if p.colour.lower() == args.colour.lower()]
            if matching:
                return matching[0], ""
        if args.pick in PICKS:
            return (min if args.pick == "cheapest" else max)(products, key=lambda p: p.price), ""
        if current is not None:
            return current, ""
        if len(products) == 1:
            return products[0], ""
        return None, "Which one do you mean? Say “the second one”, for example, or tap a product."


def _size_sentence(product: Product, size: str | None) -> str:
    if size is None:
        return f"It comes in {size_list(product)}." if product.sizes else ""
    if not product.sizes:
        return "It comes in one size only."
    if has_size(product, size):
        return f"It comes in size {size}."
    return f"It doesn't come in size {size}; it comes in {size_list(product)}."
