"""Enforcing a shopping request against the catalog: what the search and refine skills share.

The request (`skills.request.SearchInput`) holds what the shopper said; here it becomes a filter and a
ranking, and when nothing fits, the closest products with every relaxed constraint named::

    resolver = RequestResolver(retriever)
    found = await resolver.find(SearchInput(product_type="headphones", sort="price_asc"), k=6)
    found.products          # the six cheapest in-stock headphones, cheapest first
    found.text              # 'Here are 6 headphones, cheapest first:'

- "cheap" and "premium" (``price_level``) become a bound at this catalog's own price spread for what was
  asked (the cheaper or dearer third);
- an activity, occasion or interest with no product kind named becomes the product types it stands for
  in this catalog (`knowledge.occasions`);
- out-of-stock products stay out unless asked for, and are never what a relaxation brings back;
- a sort by rating is honoured only where products carry a numeric ``rating`` attribute; otherwise the
  reply says the catalog has no ratings.
"""
from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, replace

import numpy as np

from knowledge.filters import ProductFilter
from knowledge.occasions import CatalogKinds
from knowledge.product import Product
from knowledge.request_words import KINSHIP
from knowledge.retriever import Retriever
from skills.request import SearchInput

# What other skills may use: how search and refine enforce the request and name what they relax.
__interface__ = True

LOW_SHARE, HIGH_SHARE = 0.35, 0.65
SORT_DEPTH = 200
_SORT_WORDS = {"price_asc": "cheapest first", "price_desc": "most expensive first", "rating": "best rated first"}
_NO_RATINGS = "The catalog has no ratings, so I can't rank by them; these are the best matches."
FAMILY = frozenset({word for word, (_, age) in KINSHIP.items() if age == "adults"} |
                   {"son", "daughter", "niece", "nephew", "grandson", "granddaughter", "kids", "children"})


@dataclass(frozen=True)
class Resolved:
    """A request made concrete: the filter, the text to search by, and what to say about it."""

    args: SearchInput
    filter: ProductFilter
    query: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Found:
    products: tuple[Product, ...]
    text: str
    resolved: Resolved


class RequestResolver:
    def __init__(self, retriever: Retriever, kinds: CatalogKinds | None = None):
        self.retriever = retriever
        self._kinds = kinds

    @property
    def kinds(self) -> CatalogKinds:
        """Built at the first occasion asked about (a skill may be made without a catalog, for its schema)."""
        if self._kinds is None:
            self._kinds = CatalogKinds(self.retriever.index)
        return self._kinds

    # -- the request as a filter -------------------------------------------------------------------

    def resolve(self, args: SearchInput, wanted: ProductFilter | None = None) -> Resolved:
        wanted = args.to_filter() if wanted is None else wanted
        notes: list[str] = []
        purpose = args.occasion or args.interest
        if purpose and not (wanted.product_types or wanted.categories):
            types = self.kinds.types_for(purpose)
            if types:
                wanted = replace(wanted, product_types=frozenset(types))
        if args.price_level and wanted.min_price is None and wanted.max_price is None:
            wanted = self._price_level(args.price_level, wanted)
        if args.sort == "rating" and not self._has_ratings():
            notes.append(_NO_RATINGS)
        query = args.query.strip()
        if purpose and purpose not in query:
            query = f"{query} {purpose}".strip()
        return Resolved(args, wanted, query or describe(wanted), tuple(notes))

    def _price_level(self, level: str, wanted: ProductFilter) -> ProductFilter:
        rows = self.retriever.allowed_rows(wanted)
        products = self.retriever.index.products
        prices = np.array([products[r].price for r in rows] if rows is not None else [p.price for p in products])
        if len(prices) < 2:
            return wanted
        if level == "low":
            return replace(wanted, max_price=float(np.floor(np.quantile(prices, LOW_SHARE))) or None)
        return replace(wanted, min_price=float(np.ceil(np.quantile(prices, HIGH_SHARE))))

    def _has_ratings(self) -> bool:
        return any(_rating(p) is not None for p in self.retriever.index.products[:500])

    # -- finding ----------------------------------------------------------------------------------

    async def find(self, args: SearchInput, k: int, wanted: ProductFilter | None = None,
                   avoid: frozenset[str] = frozenset(), keep: frozenset[str] = frozenset(),
                   lead: str = "", relax: bool = True) -> Found:
        """Products for the request, best (or in its sort order) first, with the reply's text; relaxed and
        named when nothing fits. ``keep`` names constraints never relaxed (those the shopper just set)."""
        resolved = self.resolve(args, wanted)
        said = lead or describe(resolved.filter)
        products = await self.search(resolved, resolved.filter, k, avoid)
        if products:
            count = f"are {len(products)}" if len(products) > 1 else "is the one match for"
            order = "" if resolved.notes else _sorted(args)
            text = f"Here {count} {said}{_for_whom(args)}{order}{_sold_out_too(args)}:"
            return Found(tuple(products), _with_notes(text, resolved.notes), resolved)
        text = f"I found no {said}{_for_whom(args)}."
        text += self._sold_out(resolved.filter)
        for dropped, looser in relaxations(resolved.filter, keep | {"stock"}) if relax else ():
            products = await self.search(resolved, looser, k, avoid)
            if products:
                text += f" The closest, ignoring {_names(dropped, resolved.filter)}, {_come(dropped, products)}:"
                return Found(tuple(products), _with_notes(text, resolved.notes), resolved)
        return Found((), text + " Could you describe it differently?", resolved)

    async def search(self, resolved: Resolved, wanted: ProductFilter, k: int,
                     avoid: frozenset[str] = frozenset()) -> list[Product]:
        sort = resolved.args.sort
        depth = SORT_DEPTH if sort in ("price_asc", "price_desc") or (sort == "rating" and not resolved.notes) \
            else k + len(avoid)
        hits = await asyncio.to_thread(self.retriever.search, resolved.query, wanted, depth)
        products = [hit.product for hit in hits if hit.product.id not in avoid]
        if sort == "price_asc":
            products.sort(key=lambda p: p.price)
        elif sort == "price_desc":
            products.sort(key=lambda p: -p.price)
        elif sort == "rating" and not resolved.notes:
            products.sort(key=lambda p: -(_rating(p) or 0.0))
        return products[:k]

    def _sold_out(self, wanted: ProductFilter) -> str:
        if not wanted.in_stock_only:
            return ""
        count = self.retriever.count(replace(wanted, in_stock_only=False))
        if not count:
            return ""
        match = "One matches, but it is" if count == 1 else f"{count} match, but they are all"
        return f" {match} sold out right now (say “include sold out” to see {'it' if count == 1 else 'them'})."


def describe(wanted: ProductFilter) -> str:
    """The filter in words, without the in-stock default (only sold-out products are worth a word)."""
    loose = replace(wanted, in_stock_only=False)
    return loose.describe() if not loose.is_empty else "products"


_KIND = frozenset({"category", "product type"})


def relaxations(wanted: ProductFilter, keep: frozenset[str]) -> list[tuple[list[str], ProductFilter]]:
    """First each constraint dropped alone, then more and more of them together, the kind of product last of
    all (the shopper wants the thing they named more than any detail of it); never those in ``keep``."""
    def chain(current: ProductFilter, skip: frozenset[str]) -> list[tuple[list[str], ProductFilter]]:
        steps, dropped = [], []
        while looser := [(n, f) for n, f in current.relaxed() if n not in skip]:
            name, current = looser[0]
            dropped = dropped + [name]
            if len(dropped) > 1:
                steps.append((dropped, current))
        return steps

    details = [([name], f) for name, f in wanted.relaxed() if name not in keep | _KIND]
    kinds = [([name], f) for name, f in wanted.relaxed() if name in _KIND - keep]
    return details + chain(wanted, keep | _KIND) + kinds + chain(wanted, keep)


def _names(dropped: list[str], wanted: ProductFilter) -> str:
    names = [_name(name, wanted) for name in dropped]
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]


def _name(dropped: str, w: ProductFilter) -> str:
    words = {
        "size": f"size {_join(sorted(s.upper() for s in w.sizes), 'or')}",
        "brand": f"the brand ({_join(sorted(b.title() for b in w.brands), 'or')})",
        "excluded brands": f"“not {_join(sorted(b.title() for b in w.exclude_brands), 'or')}”",
        "material": f"the material ({_join(sorted(w.materials), 'or')})",
        "excluded materials": f"“no {_join(sorted(w.exclude_materials), 'or')}”",
        "colour": f"the colour ({_join(sorted(w.colours), 'or')})",
        "excluded colours": f"“not {_join(sorted(w.exclude_colours), 'or')}”",
        "price": "the price",
        "gender": f"who it's for ({_join(sorted(w.genders), 'or')})",
        "excluded types": f"“no {_join(sorted(w.exclude_types), 'or')}”",
    }
    return words.get(dropped, "the kind of product")


def _come(dropped: list[str], products: list[Product]) -> str:
    """'are' or, when the size was relaxed, which sizes the closest come in."""
    if "size" not in dropped:
        return "are"
    sizes = sorted({s for p in products for s in p.sizes}, key=_size_order)
    return f"come in sizes {_join(sizes, 'and')}" if sizes else "come in one size"


def _for_whom(args: SearchInput) -> str:
    if not args.recipient:
        return f" for {args.occasion or args.interest}" if (args.occasion or args.interest) else ""
    whom = f"your {args.recipient}" if args.recipient in FAMILY else f"a {args.recipient}"
    purpose = args.interest or args.occasion
    return f" ({'for ' + whom}{', who likes ' + purpose if args.interest else ''}" \
           f"{', for ' + purpose if args.occasion and not args.interest else ''})"


def _sold_out_too(args: SearchInput) -> str:
    return " (sold-out ones included)" if args.include_out_of_stock else ""


def _sorted(args: SearchInput) -> str:
    return f", {_SORT_WORDS[args.sort]}" if args.sort else ""


def _with_notes(text: str, notes: tuple[str, ...]) -> str:
    return " ".join((*notes, text)) if notes else text


def _join(values: list[str], word: str) -> str:
    return f" {word} ".join([", ".join(values[:-1]), values[-1]]) if len(values) > 1 else "".join(values)


def _rating(product: Product) -> float | None:
    try:
        return float(product.attributes.get("rating", ""))
    except ValueError:
        return None


_LETTERS = ("XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL")


def _size_order(size: str) -> tuple[int, float, str]:
    upper = size.upper()
    if upper in _LETTERS:
        return (0, _LETTERS.index(upper), upper)
    number = re.match(r"\d+(?:\.\d+)?", upper)
    return (1, float(number.group(0)), upper) if number else (2, 0.0, upper)
