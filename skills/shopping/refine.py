"""Changing the last search: "cheaper", "in blue?", "a different brand", "bigger size", "more like this".

    skill = RefineSkill(retriever)
    result = await skill.run(RefineInput(change="cheaper"), ctx)     # ctx.slots holds last_search/last_results
    max(p.price for p in result.products) < median(previous prices)
    # -> True

The skill reads the conversation's ``last_search``, ``last_results``, ``selected`` and ``size``
slots, changes what was asked, searches again and says in words what it now shows. Every part of the
shopping request (`skills.request.SearchInput`) said before holds unless this message changes it:
sizes, exclusions (which add up), who it is for, stock, sort; what cannot be met is relaxed and named,
never the part the shopper just asked for.
"""
from __future__ import annotations

import dataclasses
import math
import statistics
from dataclasses import dataclass, field, replace
from typing import ClassVar

from knowledge.filters import ProductFilter
from knowledge.product import Product
from knowledge.retriever import Retriever
from skills.base import SkillContext, SkillResult
from skills.request import AGE_GROUPS, PRICE_LEVELS, SORTS, SearchInput, from_slot, merged
from skills.request_resolve import RequestResolver, describe
from skills.shopping.common import money, selected, shown
from skills.shopping.sizes import step_size

CHANGES = ("cheaper", "pricier", "other_colour", "other_brand", "bigger", "smaller", "similar", "more")


def _described(text: str, **extra) -> dict:
    return {"description": text, **extra}


def _many(text: str):
    return field(default=(), metadata=_described(text))


@dataclass(frozen=True)
class RefineInput:
    change: str | None = field(default=None, metadata={"choices": CHANGES, "description": (
        "A relative change to the last results: cheaper, pricier, other_colour, other_brand, bigger or smaller "
        "size, similar (more like the chosen product), more (next results).")})
    colour: str | None = field(default=None, metadata=_described("The colour wanted now."))
    brand: str | None = field(default=None, metadata=_described("The brand wanted now."))
    gender: str | None = field(default=None, metadata=_described("women, men, unisex or kids."))
    material: str | None = field(default=None, metadata=_described("The material wanted now, e.g. leather."))
    size: str | None = field(default=None, metadata=_described("The size wanted now, e.g. 9 or M."))
    min_price: float | None = field(default=None, metadata=_described("New lowest price."))
    max_price: float | None = field(default=None, metadata=_described("New highest price."))
    colours: tuple[str, ...] = _many("Several colours accepted now (red or blue).")
    sizes: tuple[str, ...] = _many("Sizes wanted now; any one will do.")
    exclude_colours: tuple[str, ...] = _many("Colours ruled out now, added to those ruled out before.")
    exclude_materials: tuple[str, ...] = _many("Materials ruled out now, added to those ruled out before.")
    exclude_brands: tuple[str, ...] = _many("Brands ruled out now, added to those ruled out before.")
    exclude_types: tuple[str, ...] = _many("Product kinds ruled out now.")
    recipient: str | None = field(default=None, metadata=_described("Who it is for now: wife, son, 10-year-old."))
    age_group: str | None = field(default=None, metadata=_described("kids or adults.", choices=AGE_GROUPS))
    interest: str | None = field(default=None, metadata=_described("What the person it is for enjoys."))
    occasion: str | None = field(default=None, metadata=_described("Activity or occasion it is for."))
    price_level: str | None = field(default=None, metadata=_described("low or high.", choices=PRICE_LEVELS))
    sort: str | None = field(default=None, metadata=_described("price_asc, price_desc or rating.", choices=SORTS))
    include_out_of_stock: bool = field(default=False, metadata=_described("True to show sold-out products too."))


@dataclass(frozen=True)
class Refinement:
    """The search to run now, what to leave out, and how to say it."""

    search: SearchInput
    size: str | None = None
    avoid_colours: frozenset[str] = frozenset()
    avoid_brands: frozenset[str] = frozenset()
    avoid_ids: frozenset[str] = frozenset()
    wording: str = ""


class RefineSkill:
    name: ClassVar[str] = "refine"
    description: ClassVar[str] = "Change the last search: cheaper, another colour, brand or size, more like one product."
    Input: ClassVar[type] = RefineInput

    def __init__(self, retriever: Retriever, results: int = 6):
        self.retriever = retriever
        self.results = results
        self.resolver = RequestResolver(retriever)

    def lookup(self, product_id: str) -> Product | None:
        return self.retriever.index.by_id(product_id)

    async def run(self, args: RefineInput, ctx: SkillContext) -> SkillResult:
        products, chosen = shown(ctx.slots, self.lookup), selected(ctx.slots, self.lookup)
        last = _last_search(ctx.slots)
        if last is None and not (args.change == "similar" and (chosen or products)):
            return SkillResult("What are you looking for? Tell me first, for example “running shoes”, and then "
                               "I can narrow it down.", data={"failed": True})
        size = args.size.upper() if args.size else ctx.slots.get("size")
        if args.change in ("bigger", "smaller"):
            stepped = step_size(args.change, chosen or (products[0] if products else None), size)
            if isinstance(stepped, SkillResult):
                return stepped
            size = stepped
            if chosen is not None:
                return _size_of_chosen(chosen, size)
        plan = _plan(args, last or SearchInput(), products, chosen, size)
        if isinstance(plan, SkillResult):
            return plan
        return await self._search(plan, _asked_for(args))

    async def _search(self, plan: Refinement, keep: frozenset[str]) -> SkillResult:
        said = f"{_describe(plan)}{plan.wording}"
        found = await self.resolver.find(plan.search, self.results, self._filter(plan), plan.avoid_ids, keep, said)
        if not found.products:
            return SkillResult(found.text, data={"failed": True})
        slots = {"last_search": dataclasses.asdict(plan.search), "last_results": [p.id for p in found.products],
                 "selected": None, "size": plan.size}
        if plan.search.who():
            slots["shopping_for"] = plan.search.who()
        return SkillResult(found.text, products=found.products, slots=slots)

    def _filter(self, plan: Refinement) -> ProductFilter:
        wanted = plan.search.to_filter()
        if plan.size:
            wanted = replace(wanted, sizes=frozenset({plan.size.lower()}))
        return replace(wanted, exclude_colours=wanted.exclude_colours | plan.avoid_colours,
                       exclude_brands=wanted.exclude_brands | plan.avoid_brands)


def _last_search(slots: dict) -> SearchInput | None:
    return from_slot(slots.get("last_search"))


def _plan(args: RefineInput, last: SearchInput, products: list[Product], chosen: Product | None,
          size: str | None) -> Refinement | SkillResult:
    search = last
    for name in ("colour", "brand", "gender"):
        value = getattr(args, name)
        if value:
            search = replace(search, query=_swap(search.query, getattr(search, name), value), **{name: value})
    if args.material:  # a material named now is a constraint, as it is in a new search ("in leather")
        query = search.query if args.material.lower() in search.query.lower() else f"{args.material} {search.query}"
        search = replace(search, query=query.strip(), material=args.material)
    if args.min_price is not None or args.max_price is not None:
        search = replace(search, min_price=args.min_price, max_price=args.max_price)
    search = merged(search, _request_part(args))
    if args.sizes and not args.size:
        size = None  # the sizes named now replace the one picked before
    plan = Refinement(search, size)
    return _relative(args.change, plan, products, chosen) if args.change else plan


def _relative(change: str, plan: Refinement, products: list[Product],
              chosen: Product | None) -> Refinement | SkillResult:
    search, shown_ids = plan.search, frozenset(p.id for p in products)
    prices = [chosen.price] if chosen else [p.price for p in products]
    if change in ("cheaper", "pricier") and not prices:
        return SkillResult("Cheaper or pricier than what? Search for something first.", data={"failed": True})
    if change == "cheaper":
        bound = _below(statistics.median(prices))
        low = search.min_price if search.min_price is not None and search.min_price < bound else None
        return replace(plan, search=replace(search, min_price=low, max_price=bound))
    if change == "pricier":
        bound = round(statistics.median(prices) + 0.01, 2)
        high = search.max_price if search.max_price is not None and search.max_price > bound else None
        return replace(plan, search=replace(search, min_price=bound, max_price=high))
    if change == "other_colour":
        avoid = frozenset(p.colour.lower() for p in products) | frozenset([search.colour.lower()] if search.colour else [])
        return replace(plan, search=replace(search, colour=None, query=_swap(search.query, search.colour, "")),
                       avoid_colours=avoid, wording=f" in other colours than {' or '.join(sorted(avoid))}")
    if change == "other_brand":
        brands = [chosen.brand] if chosen else [search.brand] if search.brand else [p.brand for p in products]
        avoid = frozenset(b.lower() for b in brands if b)
        return replace(plan, search=replace(search, brand=None, query=_swap(search.query, search.brand, "")),
                       avoid_brands=avoid, avoid_ids=shown_ids, wording=" from other brands")
    if change == "similar":
        anchor = chosen or (products[0] if products else None)
        if anchor is None:
            return SkillResult("More like which one? Pick a product first.", data={"failed": True})
        like = SearchInput(query=anchor.text_for_embedding(), product_type=anchor.product_type or None,
                           gender=search.gender, min_price=search.min_price, max_price=search.max_price)
        return replace(plan, search=like, avoid_ids=shown_ids | {anchor.id}, wording=f" like the {anchor.title}")
    return replace(plan, avoid_ids=shown_ids, wording=" (more results)")


def _request_part(args: RefineInput) -> SearchInput:
    """The fields of the shopping request this message set (colour, brand and price are applied above)."""
    names = {f.name for f in dataclasses.fields(SearchInput)} & {f.name for f in dataclasses.fields(RefineInput)}
    names -= {"colour", "brand", "gender", "material", "min_price", "max_price"}
    part = SearchInput(**{name: getattr(args, name) for name in names})
    if args.change in ("cheaper", "pricier"):
        part = replace(part, price_level=None)  # the relative change sets the bound
    return part


def _asked_for(args: RefineInput) -> frozenset[str]:
    """The constraints this message set, by the names `ProductFilter.relaxed` uses."""
    names = {"colour": "colour", "brand": "brand", "gender": "gender", "size": "size",
             "min_price": "price", "max_price": "price"}
    asked = {names[name] for name in names if getattr(args, name) is not None}
    asked |= {"size"} if args.sizes else set()
    asked |= {"excluded colours"} if args.exclude_colours else set()
    asked |= {"excluded materials"} if args.exclude_materials else set()
    asked |= {"excluded brands"} if args.exclude_brands else set()
    asked |= {"price"} if args.price_level else set()
    asked |= {"price"} if args.change in ("cheaper", "pricier") else set()
    asked |= {"size"} if args.change in ("bigger", "smaller") else set()
    asked |= {"colour", "excluded colours"} if args.change == "other_colour" else set()
    asked |= {"brand", "excluded brands"} if args.change == "other_brand" else set()
    return frozenset(asked | {"product type"})


def _describe(plan: Refinement) -> str:
    wanted = plan.search.to_filter()
    if plan.size:
        wanted = replace(wanted, sizes=frozenset({plan.size}))
    return describe(wanted)


def _below(price: float) -> float:
    """A round bound under ``price``: $96 under $96.99, $99.99 under $100."""
    whole = math.floor(price)
    return float(whole) if price - whole >= 0.01 else round(price - 0.01, 2)


def _swap(query: str, old: str | None, new: str) -> str:
    """The search words with one value replaced ("red running shoes" -> "blue running shoes")."""
    words = query.split()
    if old and old.lower() in (w.lower() for w in words):
        words = [new if w.lower() == old.lower() else w for w in words]
    elif new:
        words = [new] + words
    return " ".join(w for w in words if w)


def _size_of_chosen(product: Product, size: str) -> SkillResult:
    text = f"You can have the {product.title} in size {size} too ({money(product.price, product.currency)})."
    return SkillResult(text, products=(product,), slots={"selected": product.id, "size": size},
                       quick_replies=("Tell me more", "More like this"))
