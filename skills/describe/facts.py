"""Every fact the shop gave about a product, each with the field it came from.

>>> product = Product(id="p1", title="Alisha Solid Women's Cycling Shorts", brand="Alisha", price=379.0,
...     description="Cotton lycra cycling shorts with an elasticated waistband. Machine wash.",
...     attributes={"product_specifications": '{"product_specification"=>[{"key"=>"Fabric", '
...                 '"value"=>"Cotton Lycra"}, {"key"=>"Color", "value"=>"Navy"}]}'})
>>> [(f.name, f.value, f.source) for f in extract_facts(product) if f.descriptive]
[('material', 'Cotton Lycra', 'product_specifications'), ('colour', 'Navy', 'product_specifications'), \
('pattern', 'solid', 'title'), ('care', 'machine wash', 'description'), \
('feature', 'an elasticated waistband', 'description')]

Sources, in the order they are trusted: the structured fields (title, brand, category, type,
colour, material, gender, sizes), the free-form attribute columns (a column holding a
specification string is read pair by pair), and the merchant's own description, from which only
facts of a recognisable shape are taken (a material, a pattern, a fit, a closure, a pack size,
dimensions, a capacity, care, a neckline, sleeves, and short clauses naming a part: "two zip
pockets"). The grounding check backs a text with exactly these facts and nothing else.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

from knowledge.product import Product
from skills.describe.fact_vocab import (
    PROSE_PATTERNS, bookkeeping, fact_name, feature_clause, negative,
)
from skills.describe.specs import listed_values, spec_pairs
from skills.describe.vocab import COLOURS, MATERIALS

# Facts that say what the product is rather than describe it: they back a text, but a text need not restate them.
IDENTITY = frozenset({"title", "brand", "category", "product type", "audience", "sizes", "identifier", "in the box"})
_STRUCTURED = (("brand", "brand"), ("category", "category"), ("product type", "product_type"), ("colour", "colour"),
               ("material", "material"), ("audience", "gender"))
_CLAUSES = re.compile(r"(?<=[a-z0-9)])(?=[A-Z][a-z])|(?<=[a-z]{3})(?=\d)|[.;:!?\n•]+\s*|,\s*|\s+-\s+|\bhas\s+(?:(?:an?|the)\b\s*)?"
                      r"|\bwith\s+|\band\s+(?=(?:an?|two|three|four|one)\s)")
_TAG = re.compile(r"<[^>]{0,200}>")  # HTML in a description: each tag ends a clause
_STOP = frozenset("a an the of and or with in on for to its it is has from by at as this that".split())
_TOKEN = re.compile(r"[a-z0-9]+(?:['.][a-z0-9]+)*")
MAX_DESCRIPTION_CHARS = 5_000
MAX_VALUE_CHARS = 120


@dataclass(frozen=True, slots=True)
class Fact:
    """One thing the shop says about a product: what it is (`name`), its `value`, and the field it came from."""

    name: str
    value: str
    source: str
    label: str = ""  # the shop's own name for it ("Upper Material"), where it gave one

    @property
    def descriptive(self) -> bool:
        """A fact a description is expected to state (not the title, the brand or an identifier)."""
        return self.name not in IDENTITY

    def stated_in(self, text: str) -> bool:
        """Whether `text` states this fact: every word of its value is in the text."""
        return set(content_words(self.value)) <= set(content_words(text))

    def to_dict(self) -> dict:
        return {"name": self.name, "value": self.value, "source": self.source, "label": self.label}


def extract_facts(product: Product) -> tuple[Fact, ...]:
    """The product's facts, structured fields first, then attributes, then the description; no repeats."""
    facts = [Fact("title", product.title, "title")] + _structured(product) + _from_attributes(product.attributes)
    facts += _from_prose(product.title, "title", names=("pattern", "fit", "pack size", "capacity", "dimensions"))
    facts += [Fact("material", m, "title") for m in _words_in(product.title, MATERIALS)]
    noun = content_words(product.title)[-1:] or [""]
    facts += _from_description(product.description, noun[0])
    return _unique(facts)


def content_words(text: str) -> list[str]:
    """The words that carry a value, singular ("sleeves" -> "sleeve"), without "a", "the", "of", ..."""
    words = _TOKEN.findall(text.lower().replace("colored", "coloured"))
    return [_singular(w) for w in words if w not in _STOP]


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")) else word


def _structured(product: Product) -> list[Fact]:
    facts = [Fact(name, str(getattr(product, field)).strip(), field) for name, field in _STRUCTURED
             if str(getattr(product, field)).strip()]
    if product.sizes:
        facts.append(Fact("sizes", ", ".join(product.sizes), "sizes"))
    return facts


def _from_attributes(attributes: dict[str, str]) -> list[Fact]:
    facts: list[Fact] = []
    for key, raw in attributes.items():
        value = str(raw).strip()
        if not value or bookkeeping(key):
            continue
        pairs, items = spec_pairs(value), listed_values(value)
        if pairs:
            facts += [_keyed(k, v, key) for k, v in pairs if not negative(v)]
        elif items is not None:
            facts += [_keyed(key, item, f"attributes.{key}") for item in items if not negative(item)]
        elif not negative(value):
            facts.append(_keyed(key, value, f"attributes.{key}"))
    return facts


def _keyed(key: str, value: str, source: str) -> Fact:
    name = fact_name(key) if key else "in the box"
    value = _shortened(" ".join(value.split()))
    if key and value.lower() in ("yes", "true", "y"):
        value = key  # "Water Resistant: Yes" states "water resistant"
    if name == "feature" and len(content_words(value)) > 12:
        name = "detail"
    if name == "pack size" and re.fullmatch(r"(?:pack of |set of )?1", value.lower()):
        name = "in the box"  # a single item: nothing a description needs to say
    return Fact(name, value, source, key)


def _shortened(value: str) -> str:
    """A long value up to its first aside ("450 g (per single shoe) - may vary" -> "450 g"); a paragraph up to
    its first clause, so that a page states it in a line (and the rest backs nothing)."""
    if len(value) <= 60:
        return value
    value = re.split(r"\s+-\s+|\s*\(|;", value)[0].strip() or value
    if len(value) > MAX_VALUE_CHARS:
        value = re.split(r"[.!?,]\s", value[:MAX_VALUE_CHARS])[0].strip()
    return value[:MAX_VALUE_CHARS].rsplit(" ", 1)[0] if len(value) > MAX_VALUE_CHARS else value


def _from_description(description: str, product_noun: str = "") -> list[Fact]:
    text = html.unescape(_TAG.sub("\n", (description or "")[:MAX_DESCRIPTION_CHARS]))
    if not text.strip():
        return []
    pairs = spec_pairs(text)
    facts = [_keyed(k, v, "description") for k, v in pairs if k and not negative(v)]
    facts += _from_prose(text, "description")
    facts += [Fact("material", m, "description") for m in _words_in(text, MATERIALS)]
    facts += [Fact("colour", c, "description") for c in _words_in(text, COLOURS)]
    facts += [Fact("feature", clause, "description") for clause in _clauses(text)
              if feature_clause(clause) and not _restates(clause, product_noun)]
    return facts


def _restates(clause: str, noun: str) -> bool:
    """A clause that names the product itself ("a pair of round-toe navy sneakers") is no feature of it."""
    return bool(noun) and _singular(clause.lower().split()[-1]) == noun


def _from_prose(text: str, source: str, names: tuple[str, ...] | None = None) -> list[Fact]:
    return [Fact(name, _tidy(match.group(0).lower()), source) for name, pattern in PROSE_PATTERNS
            if names is None or name in names for match in pattern.finditer(text)]


def _words_in(text: str, lexicon: frozenset[str]) -> list[str]:
    return list(dict.fromkeys(w for w in _TOKEN.findall(text.lower()) if w in lexicon))


def _clauses(text: str) -> list[str]:
    clauses = (re.sub(r"^(?:and|or|also|plus)\s+", "", _tidy(c), flags=re.I) for c in _CLAUSES.split(text) if c)
    return [c for c in clauses if c]


def _tidy(text: str) -> str:
    text = " ".join(text.split()).strip(" ,.-")
    return text[:1].lower() + text[1:] if text[:2].istitle() and not text.isupper() else text


def _unique(facts: list[Fact]) -> tuple[Fact, ...]:
    """The first of facts with the same name and words (the most trusted source); a value whose words are
    all in an earlier fact of the same name adds nothing and is dropped."""
    kept: list[tuple[Fact, set[str]]] = []
    for fact in facts:
        words = set(content_words(fact.value))
        if not words:
            continue
        loose = fact.source in ("description", "title")  # prose repeats what the fields say under other names
        if any(words <= seen and (k.name == fact.name or (loose and k.name != "title")) for k, seen in kept):
            continue
        kept.append((fact, words))
    return tuple(fact for fact, _ in kept)
