"""Hard constraints on products: price range, colours, categories, types, brands, genders, sizes, materials,
stock, and what the shopper ruled out (colours, materials, brands, types: "nothing black", "not leather").

Within one field any listed value matches; across fields every constraint must hold. Matching
ignores case. A product for ``unisex`` (or with no gender) matches a ``men`` or ``women`` filter::

    wanted = ProductFilter(colours={"red"}, product_types={"sneakers"}, max_price=80)
    wanted.describe()                      # 'red sneakers under $80'
    [p for p in products if wanted.matches(p)]
    for dropped, looser in wanted.relaxed():   # what to try when nothing matches
        ...
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from knowledge.inflect import plural
from knowledge.product import Product

_SET_FIELDS = ("colours", "categories", "product_types", "brands", "genders", "sizes", "materials",
               "exclude_colours", "exclude_materials", "exclude_brands", "exclude_types")
_EXCLUSIONS = (("exclude_colours", "colour"), ("exclude_materials", "material"), ("exclude_brands", "brand"),
               ("exclude_types", "product_type"))
_UNGENDERED = frozenset({"unisex", ""})
_ADULT_GENDERS = frozenset({"men", "women"})
RELAX_ORDER: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("stock", ("in_stock_only",)),
    ("size", ("sizes",)),
    ("brand", ("brands",)),
    ("excluded brands", ("exclude_brands",)),
    ("material", ("materials",)),
    ("excluded materials", ("exclude_materials",)),
    ("colour", ("colours",)),
    ("excluded colours", ("exclude_colours",)),
    ("price", ("min_price", "max_price")),
    ("gender", ("genders",)),
    ("category", ("categories",)),
    ("excluded types", ("exclude_types",)),
    ("product type", ("product_types",)),
)


def _normalised(name: str, values: Iterable[str] | str | None) -> frozenset[str]:
    if values is None:
        return frozenset()
    if isinstance(values, str):
        values = (values,)
    result = set()
    for value in values:
        if not isinstance(value, str):
            raise TypeError(f"{name} must hold strings, got {value!r}")
        if value.strip():
            result.add(value.strip().lower())
    return frozenset(result)


def accepted_genders(genders: frozenset[str]) -> frozenset[str]:
    """Product genders that satisfy a gender constraint: unisex and ungendered items suit men and women."""
    return genders | _UNGENDERED if genders & _ADULT_GENDERS else genders


@dataclass(frozen=True)
class ProductFilter:
    """What a product must be; the empty filter matches everything."""

    min_price: float | None = None
    max_price: float | None = None
    colours: frozenset[str] = field(default_factory=frozenset)
    categories: frozenset[str] = field(default_factory=frozenset)
    product_types: frozenset[str] = field(default_factory=frozenset)
    brands: frozenset[str] = field(default_factory=frozenset)
    genders: frozenset[str] = field(default_factory=frozenset)
    sizes: frozenset[str] = field(default_factory=frozenset)
    in_stock_only: bool = False
    materials: frozenset[str] = field(default_factory=frozenset)
    exclude_colours: frozenset[str] = field(default_factory=frozenset)
    exclude_materials: frozenset[str] = field(default_factory=frozenset)
    exclude_brands: frozenset[str] = field(default_factory=frozenset)
    exclude_types: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        for name in _SET_FIELDS:
            object.__setattr__(self, name, _normalised(name, getattr(self, name)))
        for name in ("min_price", "max_price"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0):
                raise ValueError(f"{name} must be a non-negative number or None, got {value!r}")
        if self.min_price is not None and self.max_price is not None and self.min_price > self.max_price:
            raise ValueError(f"min_price {self.min_price} is above max_price {self.max_price}")

    @property
    def is_empty(self) -> bool:
        """True when the filter constrains nothing."""
        return self == ProductFilter()

    def matches(self, product: Product) -> bool:
        """Whether ``product`` satisfies every constraint."""
        if self.min_price is not None and product.price < self.min_price:
            return False
        if self.max_price is not None and product.price > self.max_price:
            return False
        if self.in_stock_only and product.stock <= 0:
            return False
        checks = (
            (self.colours, product.colour), (self.categories, product.category),
            (self.product_types, product.product_type), (self.brands, product.brand),
            (self.materials, product.material),
        )
        if any(wanted and value.lower() not in wanted for wanted, value in checks):
            return False
        if any(getattr(product, attribute).lower() in getattr(self, name) for name, attribute in _EXCLUSIONS):
            return False
        if self.genders and product.gender.lower() not in accepted_genders(self.genders):
            return False
        return not self.sizes or any(size.lower() in self.sizes for size in product.sizes)

    def relaxed(self) -> list[tuple[str, ProductFilter]]:
        """Looser filters to try when this one finds nothing: each drops one constraint, softest first."""
        looser = []
        for name, fields_ in RELAX_ORDER:
            cleared = {f: _cleared(f) for f in fields_ if getattr(self, f) != _cleared(f)}
            if cleared:
                looser.append((name, replace(self, **cleared)))
        return looser

    def describe(self) -> str:
        """Plain words for the filter, e.g. ``'red sneakers for women under $80'``; ``'anything'`` when empty."""
        if self.is_empty:
            return "anything"
        words = ["in-stock"] if self.in_stock_only else []
        words += [_either(self.colours), _either(self.brands, title=True), _either(self.materials)]
        types = frozenset(plural(value) for value in self.product_types)
        words.append(_either(types) or _category_words(self.categories) or "products")
        if self.product_types and self.categories:
            words.append(f"in {_either(self.categories)}")
        if self.genders:
            words.append(f"for {_either(self.genders)}")
        if self.sizes:
            words.append(f"in size {_either(self.sizes, upper=True)}")
        words.append(self._describe_price())
        said = " ".join(word for word in words if word)
        return ", ".join([said, *self._describe_exclusions()])

    def _describe_exclusions(self) -> list[str]:
        """'not black or navy', 'no leather', 'not by Nimbus', 'no sneakers'."""
        parts = []
        if self.exclude_colours:
            parts.append(f"not {_either(self.exclude_colours)}")
        if self.exclude_materials:
            parts.append(f"no {_either(self.exclude_materials)}")
        if self.exclude_brands:
            parts.append(f"not by {_either(self.exclude_brands, title=True)}")
        if self.exclude_types:
            parts.append(f"no {_either(frozenset(plural(t) for t in self.exclude_types))}")
        return parts

    def _describe_price(self) -> str:
        if self.min_price is not None and self.max_price is not None:
            return f"between {_money(self.min_price)} and {_money(self.max_price)}"
        if self.max_price is not None:
            return f"under {_money(self.max_price)}"
        if self.min_price is not None:
            return f"over {_money(self.min_price)}"
        return ""


def _cleared(name: str) -> object:
    if name in _SET_FIELDS:
        return frozenset()
    return False if name == "in_stock_only" else None


_MASS_NOUNS = frozenset({"apparel", "clothing", "jewelry", "jewellery", "furniture", "footwear"})


def _category_words(categories: frozenset[str]) -> str:
    """'kitchen' reads as 'kitchen products'; 'shoes' and 'apparel' read as they are."""
    words = _either(categories)
    if not words or words.endswith("s") or words in _MASS_NOUNS:
        return words
    return f"{words} products"


def _either(values: frozenset[str], title: bool = False, upper: bool = False) -> str:
    ordered = sorted(values)
    if title:
        ordered = [value.title() for value in ordered]
    if upper:
        ordered = [value.upper() for value in ordered]
    return " or ".join(ordered)


def _money(amount: float) -> str:
    return f"${amount:,.0f}" if float(amount).is_integer() else f"${amount:,.2f}"
