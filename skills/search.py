"""Product search: semantic retrieval restricted by the filters the shopper stated.

    skill = SearchSkill(retriever)
    result = await skill.run(SearchInput(query="sneakers", colour="red", max_price=80), ctx)
    all(p.colour == "red" and p.price <= 80 for p in result.products)
    # -> True
"""
from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import ClassVar

from knowledge.filters import ProductFilter
from knowledge.retriever import Hit, Retriever
from skills.base import SkillContext, SkillResult

# What other skills may use: the shopping request other skills refine or extend.
__interface__ = ("SearchInput", "SearchHook")


def _described(text: str) -> dict:
    return {"description": text}


@dataclass(frozen=True)
class SearchInput:
    query: str = field(default="", metadata=_described("What the shopper is looking for, in their words."))
    colour: str | None = field(default=None, metadata=_described("Colour the products must have."))
    category: str | None = field(default=None, metadata=_described("Catalog category, e.g. shoes."))
    product_type: str | None = field(default=None, metadata=_described("Kind of product, e.g. sneakers."))
    brand: str | None = field(default=None, metadata=_described("Brand the products must have."))
    gender: str | None = field(default=None, metadata=_described("women, men, unisex or kids."))
    min_price: float | None = field(default=None, metadata=_described("Lowest price the shopper accepts."))
    max_price: float | None = field(default=None, metadata=_described("Highest price the shopper accepts."))

    def to_filter(self) -> ProductFilter:
        def one(value: str | None) -> frozenset[str]:
            return frozenset([value.lower()]) if value else frozenset()

        return ProductFilter(
            min_price=self.min_price, max_price=self.max_price, colours=one(self.colour),
            categories=one(self.category), product_types=one(self.product_type),
            brands=one(self.brand), genders=one(self.gender),
        )


SearchHook = Callable[[SearchInput, SkillResult, SkillContext], Awaitable[SkillResult]]
"""`await hook(args, result, ctx)` after every search; returns the result to show (the same or extended)."""


class SearchSkill:
    name: ClassVar[str] = "search"
    description: ClassVar[str] = "Find products in the catalog that match what the shopper asked for."
    Input: ClassVar[type] = SearchInput

    def __init__(self, retriever: Retriever, results: int = 6):
        self.retriever = retriever
        self.results = results
        self.after: list[SearchHook] = []  # each may add to the result, e.g. a recommendation hint

    async def run(self, args: SearchInput, ctx: SkillContext) -> SkillResult:
        wanted = args.to_filter()
        query = args.query.strip() or ("" if wanted.is_empty else wanted.describe())
        if not query:
            return SkillResult("What are you looking for? Try “red sneakers under $80”.")
        hits = await self._search(query, wanted)
        text = _found_text(len(hits), wanted, query)
        if not hits:
            hits, text = await self._closest(query, wanted)
        result = SkillResult(
            text,
            products=tuple(hit.product for hit in hits),
            slots={"last_results": [hit.product.id for hit in hits], "last_search": dataclasses.asdict(args)},
        )
        for hook in self.after:
            result = await hook(args, result, ctx)
        return result

    async def _search(self, query: str, wanted: ProductFilter) -> list[Hit]:
        return await asyncio.to_thread(self.retriever.search, query, wanted, self.results)

    async def _closest(self, query: str, wanted: ProductFilter) -> tuple[list[Hit], str]:
        """Nothing matched every constraint: relax, and say honestly what was relaxed."""
        for dropped, looser in _relaxations(wanted):
            hits = await self._search(query, looser)
            if hits:
                return hits, f"I found no {wanted.describe()}. The closest ({_without(dropped)}) are:"
        return [], f"I found nothing for “{query}”. Could you describe it differently?"


def _relaxations(wanted: ProductFilter) -> list[tuple[list[str], ProductFilter]]:
    """First each constraint dropped alone, then more and more of them together."""
    singles = [([name], looser) for name, looser in wanted.relaxed()]
    chain, dropped, current = [], [], wanted
    while relaxed := current.relaxed():
        name, current = relaxed[0]
        dropped = dropped + [name]
        if len(dropped) > 1:
            chain.append((dropped, current))
    return singles + chain


def _found_text(count: int, wanted: ProductFilter, query: str) -> str:
    if not count:
        return ""
    if wanted.is_empty:
        return f"Here is what I found for “{query}”:"
    return f"Here are {count} {wanted.describe()} I found:"


def _without(dropped: list[str]) -> str:
    names = dropped[:-2] + [" and ".join(dropped[-2:])]
    return "ignoring the " + ", ".join(names)
