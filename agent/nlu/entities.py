"""Entities in one message: catalog terms from the lexicon, order numbers and emails from regexes, positions.

    extractor = EntityExtractor(regexes=nlu.regexes)
    extractor.extract("the second one in size 9", lexicon).values
    # -> {'size': '9', 'position': 2}
    extractor.extract("where is ORD-482913?", lexicon).values["order_number"]
    # -> 'ORD-482913'

Catalog terms (colour, product type, category, brand, gender, material, size, price bounds) come
from the catalog's own lexicon (`knowledge.query_parse`), with the rest of the shopping request under
the names of the search skill's input fields (`colours`, `sizes`, `exclude_colours`, `exclude_materials`,
`exclude_brands`, `exclude_types`, `recipient`, `age_group`, `interest`, `occasion`, `sort`,
`price_level`, `include_out_of_stock`); order numbers and emails from the regexes
of `agent/defaults/nlu.yml`. `order_reference` is anything that looks like an attempt at an order number
("12345", "ord 77"), so the order flow can say what the right format is instead of ignoring it.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from knowledge.ordinals import ORDINAL as _ORDINAL, ORDINALS as _ORDINALS, positions  # noqa: F401 - positions re-exported
from knowledge.query_parse import Lexicon, ParsedQuery, parse_query

DEFAULT_REGEXES: dict[str, tuple[str, ...]] = {
    "order_number": (r"ORD-\d{6,12}",),
    "email": (r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",),
}
PRODUCT_TERMS = ("product_type", "category")
ATTRIBUTES = ("colour", "brand", "gender", "material", "size", "min_price", "max_price", "colours", "sizes",
              "exclude_colours", "exclude_materials", "exclude_brands", "exclude_types", "recipient", "age_group",
              "price_level", "include_out_of_stock")
_REQUEST_WORDS = ("recipient", "age_group", "interest", "exclude_colours", "exclude_materials", "exclude_brands",
                  "exclude_types", "sizes", "sort", "price_level")
_EXCLUSIONS = {"exclude_colours": "exclude_colours", "exclude_materials": "exclude_materials",
               "exclude_brands": "exclude_brands", "exclude_types": "exclude_types"}
_FILTER_SETS = {"colour": "colours", "category": "categories", "product_type": "product_types",
                "brand": "brands", "gender": "genders"}
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
_NUMBERED = re.compile(r"(?:\b(?:number|no\.?|option|item|product)\s*|#)(\d{1,2}|"
                       + "|".join(_NUMBER_WORDS) + r")\b", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.!?]?\s*$")
_DEICTIC = re.compile(r"\b(this|that|it|these|those|them)\b", re.IGNORECASE)
_ORDER_ATTEMPT = re.compile(r"(?<![\w@.])#?(?:ord(?:er)?[\s#:-]*)?\d[\d\s-]{2,}\d\b|\bord[-\s]?\d+\b",
                            re.IGNORECASE)


@dataclass(frozen=True)
class Entities:
    """What one message named; `values` is JSON-safe and is what the dialog keeps."""

    values: dict[str, Any] = field(default_factory=dict)
    parsed: ParsedQuery | None = None

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    @property
    def has_product_term(self) -> bool:
        return any(name in self.values for name in PRODUCT_TERMS)

    @property
    def has_request_words(self) -> bool:
        """Words that only a shopping request uses: who it is for, what it is for, what is ruled out, sizes."""
        return any(name in self.values for name in _REQUEST_WORDS)

    @property
    def has_attribute(self) -> bool:
        return any(name in self.values for name in ATTRIBUTES)

    @property
    def search_text(self) -> str:
        return self.parsed.search_text if self.parsed else ""


class EntityExtractor:
    """Regex entities (from `nlu.yml`) plus catalog terms and positions."""

    def __init__(self, regexes: Mapping[str, Sequence[str]] | None = None):
        merged = {**DEFAULT_REGEXES, **(regexes or {})}
        self.patterns = {name: [re.compile(p, re.IGNORECASE) for p in patterns] for name, patterns in merged.items()}

    def extract(self, text: str, lexicon: Lexicon) -> Entities:
        values: dict[str, Any] = {}
        for name, patterns in self.patterns.items():
            for pattern in patterns:
                match = pattern.search(text)
                if match:
                    values[name] = match.group(0).upper() if name == "order_number" else match.group(0)
                    break
        without_regex_hits = text
        for name in ("email", "order_number"):
            if name in values:
                without_regex_hits = without_regex_hits.replace(values[name], " ")
        attempt = _ORDER_ATTEMPT.search(without_regex_hits)
        if "order_number" not in values and attempt:
            values["order_reference"] = re.sub(r"^(?:order|#)[\s#:]*", "", attempt.group(0).strip(), flags=re.I)
        parsed = parse_query(without_regex_hits, lexicon)
        values.update(catalog_values(parsed))
        position = find_position(text)
        if position is not None:
            values["position"] = position
        if _DEICTIC.search(text):
            values["reference"] = "current"
        return Entities(values, parsed)


def catalog_values(parsed: ParsedQuery) -> dict[str, Any]:
    """One value per slot from the parsed filter (the first, alphabetically, when several were named)."""
    values: dict[str, Any] = {}
    for name, attribute in _FILTER_SETS.items():
        found = sorted(getattr(parsed.filter, attribute))
        if found:
            values[name] = found[0]
    for name in ("brand", "material"):  # as the catalog spells them: "Nimbus", not "nimbus"
        if name in parsed.matched:
            values[name] = sorted(parsed.matched[name].split(", "))[0]
    if parsed.filter.sizes:
        values["size"] = sorted(parsed.filter.sizes)[0].upper()
        if len(parsed.filter.sizes) > 1:
            values["sizes"] = sorted(size.upper() for size in parsed.filter.sizes)
    if len(parsed.filter.colours) > 1:
        values["colours"] = sorted(parsed.filter.colours)
    for name, attribute in _EXCLUSIONS.items():
        if getattr(parsed.filter, attribute):
            values[name] = sorted(getattr(parsed.filter, attribute))
    values.update(parsed.request)
    for bound in ("min_price", "max_price"):
        amount = getattr(parsed.filter, bound)
        if amount is not None:
            values[bound] = amount
    return values


def find_position(text: str) -> int | None:
    """1-based position in the last results ("the second one", "number 3", "#2"); -1 for "the last one"."""
    numbered = _NUMBERED.search(text)
    if numbered:
        word = numbered.group(1).lower()
        return _NUMBER_WORDS.get(word) or int(word)
    ordinal = _ORDINAL.search(text)
    if ordinal:
        return _ORDINALS[ordinal.group(1).lower()]
    bare = _BARE_NUMBER.match(text)
    return int(bare.group(1)) if bare else None
