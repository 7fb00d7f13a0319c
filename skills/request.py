"""The one structured shopping request: the search skill's typed input, filled by the embedded parser
and by an LLM through the tool schema generated from it (`skills/schema.py`).

>>> wanted = SearchInput(query="running shoes", product_type="running shoes", gender="women", sizes=("7",),
...                      exclude_colours=("black",), recipient="wife")
>>> wanted.to_filter().describe()
'in-stock running shoes for women in size 7, not black'

Out-of-stock products are left out unless ``include_out_of_stock``. ``carried`` keeps earlier constraints
across turns: the same product kind (or none named) keeps everything said before; a new kind starts a new
topic but keeps who the shopping is for (the ``shopping_for`` slot).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, replace
from typing import Any

from knowledge.filters import ProductFilter

# What other skills may use: the shopping request search and refine both take.
__interface__ = True

SORTS = ("price_asc", "price_desc", "rating")
PRICE_LEVELS = ("low", "high")
AGE_GROUPS = ("kids", "adults")
GENDERS = ("women", "men", "unisex", "kids")
WHO_FIELDS = ("recipient", "gender", "age_group", "interest")
"""What ``shopping_for`` keeps when the product kind changes."""


def _said(text: str, **extra: Any) -> dict:
    return {"description": text, **extra}


def _words(text: str) -> Any:
    return field(default=(), metadata=_said(text))


@dataclass(frozen=True)
class SearchInput:
    query: str = field(default="", metadata=_said("What the shopper is looking for, in their words."))
    product_type: str | None = field(default=None, metadata=_said("Kind of product, e.g. sneakers."))
    category: str | None = field(default=None, metadata=_said("Catalog category, e.g. shoes."))
    colour: str | None = field(default=None, metadata=_said("Colour the products must have."))
    colours: tuple[str, ...] = _words("Several colours the shopper accepts (red or blue); any one will do.")
    exclude_colours: tuple[str, ...] = _words("Colours ruled out: 'nothing black' -> ['black'].")
    brand: str | None = field(default=None, metadata=_said("Brand the products must have."))
    exclude_brands: tuple[str, ...] = _words("Brands ruled out: 'no Nimbus' -> ['Nimbus'].")
    material: str | None = field(default=None, metadata=_said("Material wanted, e.g. leather."))
    exclude_materials: tuple[str, ...] = _words("Materials ruled out: 'not leather' -> ['leather'].")
    exclude_types: tuple[str, ...] = _words("Product kinds ruled out: 'shoes but no sneakers' -> ['sneakers'].")
    sizes: tuple[str, ...] = _words("Sizes wanted (shoe, clothing or waist: '7', 'M', '32'); any one will do.")
    gender: str | None = field(default=None, metadata=_said("Who the product is cut for.", choices=GENDERS))
    age_group: str | None = field(default=None, metadata=_said(
        "kids or adults, from who it is for ('a 10 year old', 'my son' -> kids).", choices=AGE_GROUPS))
    recipient: str | None = field(default=None, metadata=_said(
        "Who it is for, in the shopper's words: wife, son, 10-year-old."))
    interest: str | None = field(default=None, metadata=_said(
        "What the person it is for enjoys: 'my husband loves cooking' -> cooking."))
    occasion: str | None = field(default=None, metadata=_said(
        "Activity or occasion it is for: camping, gym, summer, wedding."))
    min_price: float | None = field(default=None, metadata=_said("Lowest price the shopper accepts."))
    max_price: float | None = field(default=None, metadata=_said(
        "Highest price the shopper accepts ('nothing over 40' -> 40)."))
    price_level: str | None = field(default=None, metadata=_said(
        "low for cheap or affordable, high for premium, when no amount is given.", choices=PRICE_LEVELS))
    sort: str | None = field(default=None, metadata=_said(
        "price_asc for cheapest first, price_desc for most expensive first, rating for best rated.", choices=SORTS))
    include_out_of_stock: bool = field(default=False, metadata=_said(
        "True only when the shopper asks to see sold-out products too."))

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.default == () and not isinstance(value, tuple):
                value = () if value is None else (value,) if isinstance(value, str) else value
                object.__setattr__(self, f.name, tuple(str(v) for v in value))
            choices = f.metadata.get("choices")
            if choices and value is not None and value not in choices:
                raise ValueError(f"{f.name} must be one of {', '.join(choices)}; got {value!r}")

    def to_filter(self) -> ProductFilter:
        """The hard constraints (price levels and occasions are resolved against the catalog by the skill)."""
        def one(value: str | None) -> frozenset[str]:
            return frozenset([value.lower()]) if value else frozenset()

        genders = frozenset({"kids"}) if self.age_group == "kids" else one(self.gender)
        return ProductFilter(
            min_price=self.min_price, max_price=self.max_price, colours=one(self.colour) | set(self.colours),
            categories=one(self.category), product_types=one(self.product_type), brands=one(self.brand),
            genders=genders, sizes=frozenset(self.sizes), in_stock_only=not self.include_out_of_stock,
            materials=one(self.material), exclude_colours=frozenset(self.exclude_colours),
            exclude_materials=frozenset(self.exclude_materials), exclude_brands=frozenset(self.exclude_brands),
            exclude_types=frozenset(self.exclude_types),
        )

    def who(self) -> dict[str, Any]:
        """Who the shopping is for, as the ``shopping_for`` slot keeps it."""
        return {name: getattr(self, name) for name in WHO_FIELDS if getattr(self, name)}


REQUEST_FIELDS = tuple(f.name for f in dataclasses.fields(SearchInput) if f.name != "query")
"""Every field of the request but the free text: the entity names the routers fill."""
_FIELDS = frozenset(f.name for f in dataclasses.fields(SearchInput))


def from_slot(value: Any) -> SearchInput | None:
    """The request a ``last_search`` slot holds (a dict as stored), or None."""
    if not isinstance(value, dict):
        return None
    return SearchInput(**{k: v for k, v in value.items() if k in _FIELDS})


def carried(args: SearchInput, slots: dict[str, Any]) -> SearchInput:
    """``args`` with what the conversation already asked for: everything from the last search when the product
    kind is the same (or not named), else who it is for."""
    last = from_slot(slots.get("last_search"))
    kind = (args.product_type, args.category)
    if last is not None and (kind == (None, None) or _same_kind(args, last)):
        return merged(last, args)
    who = slots.get("shopping_for")
    if isinstance(who, dict) and not any(getattr(args, name) for name in ("recipient", "gender", "age_group")):
        return replace(args, **{k: v for k, v in who.items() if k in WHO_FIELDS})
    return args


def merged(old: SearchInput, new: SearchInput) -> SearchInput:
    """``old`` with every field ``new`` sets; exclusions add up ("and no red either")."""
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(SearchInput):
        value = getattr(new, f.name)
        if f.name.startswith("exclude_"):
            changes[f.name] = tuple(dict.fromkeys(getattr(old, f.name) + value))
        elif value not in (None, (), False, ""):
            changes[f.name] = value
    if new.colour or new.colours:  # a colour named now replaces the earlier ones
        changes.setdefault("colour", None)
        changes.setdefault("colours", ())
    if new.min_price is not None or new.max_price is not None or new.price_level:
        changes.update(min_price=new.min_price, max_price=new.max_price)
    return replace(old, **changes)


def _same_kind(args: SearchInput, last: SearchInput) -> bool:
    return ((args.product_type or last.product_type), (args.category or last.category)) == \
        (last.product_type, last.category)
