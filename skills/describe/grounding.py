"""The grounding check: every fact a text states must be backed by the product's attributes.

>>> checker = GroundingChecker(brands=["Stride", "Northpeak"])
>>> product = Product(id="p1", title="Trail Runner", brand="Stride", colour="red", price=79.0)
>>> [v.message for v in checker.check("A blue waterproof Northpeak runner for $79.", product)]
["colour 'blue' is not in the product's attributes", ...]

What counts as backed: exactly the facts `skills.describe.facts.extract_facts` finds (title, brand,
category, type, colour, material, gender, sizes, free-form attributes with their names, each pair of
a specification string, and the facts of recognisable shape in the merchant's own description),
plus the price, currency and stock. The rest of the description's prose backs nothing.
Phrases on the allow-list (marketing idioms such as "best of both worlds") are skipped.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from knowledge.product import Product
from skills.describe.brand_names import BrandNames
from skills.describe.vocab import (
    CLAIMS, COLOUR_SYNONYMS, COLOURS, COMMON_WORDS, CURRENCY_MARKS, DEFAULT_ALLOWED_PHRASES, GENDER_SUPPORT,
    GENDER_WORDS, IN_STOCK, LETTER_SIZES, MATERIALS, SCARCITY,
)
from skills.describe.facts import Fact, extract_facts
from skills.describe.number_words import COUNT_WORDS, UNITS, number_phrases
from skills.describe.product_types import KINDS

_WORD = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?")
_SIZES = re.compile(r"\bsizes?\s*:?\s*((?:[a-z0-9]+(?:\s*(?:,|/|to|and|or|&|-)\s*)?)+)", re.I)
_SIZE_TOKENS = LETTER_SIZES - {"s", "m", "l"}  # single letters only count after "size"
_CURRENCY = re.compile(r"[$€£₹]|\b(?:usd|eur|gbp|inr|rs\.?)(?=\s|\d|$)", re.I)
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|\n)\W*$")
_BRAND_CUE = re.compile(r"\b(?:by|from|brand|label)\s+(?:the\s+)?$", re.I)
EVERYDAY_WORDS = COMMON_WORDS | COLOURS | MATERIALS | frozenset(GENDER_WORDS) | frozenset(UNITS) | \
    frozenset(COUNT_WORDS) | frozenset(KINDS.kind_of)


@dataclass(frozen=True, slots=True)
class Violation:
    """One stated fact the product does not back: its kind and the words that state it."""

    kind: str  # colour, material, gender, size, number, currency, brand, product type, claim, superlative,
    # health, stock
    value: str

    @property
    def message(self) -> str:
        if self.kind == "off-topic":
            return self.value
        if self.kind in ("claim", "superlative", "health", "stock"):
            return f"{self.kind} '{self.value}' is not backed by the product's attributes"
        return f"{self.kind} '{self.value}' is not in the product's attributes"


@dataclass(frozen=True, slots=True)
class Facts:
    """What one product backs, normalised for look-ups."""

    text: str
    words: frozenset[str]
    numbers: frozenset[float]
    audiences: frozenset[str]
    sizes: frozenset[str]
    currency: str
    stock: int
    kinds: frozenset[str] = frozenset()  # what the product is, from its title, type and category
    named_kinds: frozenset[str] = frozenset()  # every kind its attributes name ("a laptop sleeve")

    @classmethod
    def of(cls, product: Product, facts: Sequence[Fact] | None = None) -> Facts:
        """What `product` backs: exactly its extracted facts (`extract_facts`), its price, currency and stock."""
        facts = extract_facts(product) if facts is None else facts
        text = " ; ".join(f"{f.label} {f.value}" for f in facts).lower()  # apart: "bracelet ; strap colour"
        words = _words_and_parts(text)
        numbers = {_value(m) for m in _NUMBER.finditer(text)} | {round(float(product.price), 2)}
        numbers |= {n.value for n in number_phrases(text)}
        if product.stock > 0:
            numbers.add(float(product.stock))
        audiences = set(GENDER_SUPPORT.get(product.gender.lower(), {product.gender.lower()} - {""}))
        audiences |= {GENDER_WORDS[w] for w in words if w in GENDER_WORDS}
        identity = " ".join((product.title, product.product_type, product.category))
        return cls(text, words, frozenset(numbers), frozenset(audiences),
                   frozenset(s.lower() for s in product.sizes), product.currency.upper(), product.stock,
                   frozenset(KINDS.named_in(identity)), frozenset(KINDS.named_in(text)))


class GroundingChecker:
    """Finds the facts a text states that a product does not back.

    `brands` are every brand the shop knows (its catalog's, plus competitors): naming one that is
    not the product's own is a violation. `allowed_phrases` are never checked. `low_stock` is the
    stock at or under which scarcity ("only 3 left") is true.
    """

    def __init__(self, brands: Iterable[str] = (), allowed_phrases: Sequence[str] = DEFAULT_ALLOWED_PHRASES,
                 low_stock: int = 10) -> None:
        self.allowed = tuple(sorted((p.lower() for p in allowed_phrases if p.strip()), key=len, reverse=True))
        self.low_stock = low_stock
        self._brands = BrandNames(brands) or None

    def check(self, text: str, product: Product, facts: Facts | None = None) -> list[Violation]:
        facts = facts or Facts.of(product)
        lowered = self._without_allowed(text.lower())
        found: list[Violation] = []
        for finder in (_colours, _materials, _audiences, _sizes, _numbers, _currencies, _kinds, _claims):
            found += finder(lowered, facts)
        found += self._stock(lowered, facts)
        found += self._foreign_brands(self._without_allowed_cased(text), product, facts)
        return _unique(found)

    def _without_allowed(self, lowered: str) -> str:
        for phrase in self.allowed:
            lowered = lowered.replace(phrase, " ")
        return lowered

    def _without_allowed_cased(self, text: str) -> str:
        for phrase in self.allowed:
            text = re.sub(re.escape(phrase), " ", text, flags=re.I)
        return text

    def _stock(self, lowered: str, facts: Facts) -> list[Violation]:
        found = []
        if IN_STOCK.search(lowered) and facts.stock <= 0:
            found.append(Violation("stock", "in stock"))
        scarce = SCARCITY.search(lowered)
        if scarce and not 0 < facts.stock <= self.low_stock:
            found.append(Violation("stock", scarce.group(0)))
        return found

    def _foreign_brands(self, text: str, product: Product, facts: Facts) -> list[Violation]:
        if self._brands is None:
            return []
        own = product.brand.lower()
        return [Violation("brand", m.group(0)) for m in self._brands.finditer(text)
                if m.group(0).lower() != own and m.group(0).lower() not in facts.text and _names_a_brand(text, m)]


def _names_a_brand(text: str, match: re.Match[str]) -> bool:
    """Whether this mention of a known brand's name is the brand, not the everyday word.

    "by Next", "from Nature", "a Nature tee" name the brand; "Next stop", "inspired by nature" and
    "ONLY 4 LEFT" do not. A brand that is no everyday word counts whenever it is capitalised.
    """
    written, before = match.group(0), text[:match.start()]
    cue = _BRAND_CUE.search(before) is not None
    everyday = all(word in EVERYDAY_WORDS for word in _WORD.findall(written.lower()))
    if written.islower():
        return cue and not everyday
    if not everyday or cue:
        return True
    return not written.isupper() and not _SENTENCE_START.search(before)


def _words_and_parts(text: str) -> frozenset[str]:
    words = set(_WORD.findall(text))
    words |= {part for word in list(words) if "-" in word for part in word.split("-")}
    return frozenset(words)


def _value(match: re.Match[str]) -> float:
    return round(float(match.group(1).replace(",", "") + (match.group(2) or "")), 2)


def _colours(lowered: str, facts: Facts) -> list[Violation]:
    found = []
    for word in _WORD.findall(lowered):
        for colour in ([word] if word in COLOURS else [p for p in word.split("-") if p in COLOURS]):
            canonical = COLOUR_SYNONYMS.get(colour, colour)
            if canonical not in facts.words and colour not in facts.words and word not in facts.words:
                found.append(Violation("colour", colour))
    return found


def _materials(lowered: str, facts: Facts) -> list[Violation]:
    return [Violation("material", w) for w in _WORD.findall(lowered) if w in MATERIALS and w not in facts.words]


def _audiences(lowered: str, facts: Facts) -> list[Violation]:
    return [Violation("gender", w) for w in _WORD.findall(lowered)
            if w in GENDER_WORDS and GENDER_WORDS[w] not in facts.audiences]


def _sizes(lowered: str, facts: Facts) -> list[Violation]:
    stated = {t for m in _SIZES.finditer(lowered) for t in _WORD.findall(m.group(1)) if t in LETTER_SIZES}
    stated |= {w for w in _WORD.findall(lowered) if w in _SIZE_TOKENS}
    return [Violation("size", s.upper()) for s in sorted(stated) if s not in facts.sizes and s not in facts.words]


def _numbers(lowered: str, facts: Facts) -> list[Violation]:
    found = [Violation("number", m.group(0)) for m in _NUMBER.finditer(lowered)
             if not any(abs(_value(m) - n) < 0.005 for n in facts.numbers)]
    found += [Violation("number", n.text) for n in number_phrases(lowered)
              if n.value not in facts.numbers and not set(_WORD.findall(n.text)) <= facts.words]
    return found


def _kinds(lowered: str, facts: Facts) -> list[Violation]:
    """Calling the product something it is not: a T-shirt a "dress", sneakers "boots"."""
    if not facts.kinds:
        return []  # the catalog does not say what it is: nothing to hold the text to
    return [Violation("product type", words) for kind, words in sorted(KINDS.stated(lowered).items())
            if kind not in facts.named_kinds and not KINDS.backed(kind, facts.kinds)]


def _currencies(lowered: str, facts: Facts) -> list[Violation]:
    stated = {CURRENCY_MARKS.get(m.group(0).lower().rstrip("."), "") for m in _CURRENCY.finditer(lowered)}
    return [Violation("currency", c) for c in sorted(stated - {"", facts.currency})]


def _claims(lowered: str, facts: Facts) -> list[Violation]:
    found = []
    for claim in CLAIMS:
        stated = claim.stated.search(lowered)
        if stated and not claim.backed_by.search(facts.text):
            kind = "claim" if claim.kind == "property" else claim.kind
            found.append(Violation(kind, stated.group(0)))
    return found


def _unique(violations: list[Violation]) -> list[Violation]:
    return list(dict.fromkeys(violations))
