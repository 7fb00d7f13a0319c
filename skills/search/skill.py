"""Product search: semantic retrieval restricted by everything the shopper asked for, kept across turns.

    skill = SearchSkill(retriever)
    result = await skill.run(SearchInput(query="sneakers", colour="red", max_price=80), ctx)
    all(p.colour == "red" and p.price <= 80 and p.stock > 0 for p in result.products)
    # -> True

The input is the one structured shopping request (`skills.request.SearchInput`): the embedded parser
and an LLM fill the same fields, and this skill enforces them, whichever router filled them. Earlier
constraints of the conversation hold (`skills.request.carried`); a constraint that cannot be met is
relaxed and named in the reply, never dropped silently (`skills.request_resolve`).

Slots written: ``last_search`` (the whole request as a dict, after carrying), ``last_results`` (ids
shown, in order), ``shopping_for`` (recipient, gender, age_group, interest; kept when the product kind
changes).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import ClassVar

from knowledge.retriever import Retriever
from skills.base import SkillContext, SkillResult
from skills.request import REQUEST_FIELDS, SearchInput, carried
from skills.request_resolve import RequestResolver

__all__ = ["REQUEST_FIELDS", "SearchHook", "SearchInput", "SearchSkill"]

SearchHook = Callable[[SearchInput, SkillResult, SkillContext], Awaitable[SkillResult]]
"""`await hook(args, result, ctx)` after every search; returns the result to show (the same or extended)."""


class SearchSkill:
    name: ClassVar[str] = "search"
    description: ClassVar[str] = "Find products in the catalog that match what the shopper asked for."
    Input: ClassVar[type] = SearchInput

    def __init__(self, retriever: Retriever, results: int = 6):
        self.retriever = retriever
        self.results = results
        self.resolver = RequestResolver(retriever)
        self.after: list[SearchHook] = []  # each may add to the result, e.g. a recommendation hint

    async def run(self, args: SearchInput, ctx: SkillContext) -> SkillResult:
        args = carried(args, ctx.slots)
        if not args.query.strip() and args.to_filter() == SearchInput().to_filter() and not _purpose(args):
            return SkillResult("What are you looking for? Try “red sneakers under $80”.")
        found = await self.resolver.find(args, self.results)
        slots = {"last_results": [p.id for p in found.products], "last_search": dataclasses.asdict(args)}
        if args.who():
            slots["shopping_for"] = args.who()
        result = SkillResult(found.text, products=found.products, slots=slots)
        for hook in self.after:
            result = await hook(args, result, ctx)
        return result


def _purpose(args: SearchInput) -> bool:
    return bool(args.occasion or args.interest or args.recipient or args.sort or args.price_level)
