"""Side-by-side comparison of two or three of the products shown.

    result = await CompareSkill(catalog.by_id).run(CompareInput(first=1, second=3), ctx)
    result.text.splitlines()[0]
    # -> '1. Nimbus Classic Sneakers in Blue: $142.00, leather, blue, sizes 7 to 12, in stock'
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from knowledge.product import Product
from skills.base import SkillContext, SkillResult
from skills.shopping.common import Lookup, at_position, money, selected, shown, size_list


@dataclass(frozen=True)
class CompareInput:
    first: int | None = field(default=None, metadata={"description": "Position of the first product shown (1-based)."})
    second: int | None = field(default=None, metadata={"description": "Position of the second product."})
    third: int | None = field(default=None, metadata={"description": "Position of a third product, if any."})


class CompareSkill:
    name: ClassVar[str] = "compare"
    description: ClassVar[str] = "Compare products shown, side by side: price, material, colour, sizes, stock."
    Input: ClassVar[type] = CompareInput

    def __init__(self, lookup: Lookup):
        self.lookup = lookup

    async def run(self, args: CompareInput, ctx: SkillContext) -> SkillResult:
        products = shown(ctx.slots, self.lookup)
        if len(products) < 2:
            return SkillResult("I need at least two products to compare. Search for something first, for example "
                               "“running shoes”.", data={"failed": True})
        chosen = self._chosen(args, products, selected(ctx.slots, self.lookup))
        if len(chosen) < 2:
            return SkillResult(f"I showed {len(products)} products; which two should I compare? Say “compare 1 "
                               "and 3”, for example.", data={"failed": True})
        lines = [f"{n}. {_line(p)}" for n, p in chosen]
        cheapest = min((p for _, p in chosen), key=lambda p: p.price)
        dearest = max((p for _, p in chosen), key=lambda p: p.price)
        if dearest.price > cheapest.price:
            lines.append(f"Cheapest: the {cheapest.title}, by {money(dearest.price - cheapest.price)}.")
        return SkillResult("\n".join(lines), products=tuple(p for _, p in chosen))

    def _chosen(self, args: CompareInput, products: list[Product], current: Product | None) -> list[tuple[int, Product]]:
        positions = [p for p in (args.first, args.second, args.third) if p is not None]
        if not positions and current in products:
            index = products.index(current) + 1
            positions = [index, 1 if index != 1 else 2]
        positions = positions or [1, 2]
        found = [(n if n != -1 else len(products), at_position(products, n)) for n in dict.fromkeys(positions)]
        return [(n, p) for n, p in found if p is not None]


def _line(product: Product) -> str:
    parts = [money(product.price, product.currency), product.material, product.colour,
             f"sizes {size_list(product)}" if product.sizes else "one size",
             product.availability]
    return f"{product.title}: " + ", ".join(part for part in parts if part)
