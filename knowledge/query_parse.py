"""Turn a shopper's words into a ProductFilter plus the words left for semantic search.

The vocabulary comes from the catalog itself (colours, categories, product types, brands,
materials, genders) and a small table of everyday synonyms::

    lexicon = Lexicon.from_products(products)
    parsed = parse_query("show me red trainers under 80 dollars", lexicon)
    parsed.filter.describe()     # 'red sneakers under $80'
    parsed.matched               # {'max_price': '80', 'colour': 'red', 'product_type': 'sneakers'}
    parsed.text                  # '' - nothing else to search for

Brand, category and product-type names are matched despite small typos ("sneekers", "Nimbuss"):
a word of at least five letters that the catalog does not use, that starts with the same letter
as a catalog name and is very close to exactly one of them, stands for that name
(``parsed.corrections`` lists what was read as what)::

    parse_query("nimbuss sneekers", lexicon).corrections   # {'nimbuss': 'nimbus', 'sneekers': 'sneakers'}
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from knowledge.filters import ProductFilter
from knowledge.inflect import number_variants
from knowledge.price_phrases import extract_price
from knowledge.product import Product

SYNONYMS: dict[str, str] = {
    "trainers": "sneakers", "trainer": "sneakers", "kicks": "sneakers", "tennis shoes": "sneakers",
    "runners": "running shoes", "tee": "t-shirt", "tees": "t-shirt", "tshirt": "t-shirt", "tshirts": "t-shirt",
    "t shirt": "t-shirt", "t shirts": "t-shirt", "couch": "sofa", "couches": "sofa", "settee": "sofa",
    "sweatshirt": "hoodie", "hoody": "hoodie", "jumper": "sweater", "pullover": "sweater", "pumps": "heels",
    "stilettos": "heels", "rucksack": "backpack", "earphones": "headphones", "headset": "headphones",
    "phone": "smartphone", "phones": "smartphone", "mobile phone": "smartphone", "cellphone": "smartphone",
    "notebook computer": "laptop", "skillet": "frying pan", "pan": "frying pan", "clothes": "apparel",
    "clothing": "apparel", "footwear": "shoes", "jewellery": "jewelry", "gray": "grey", "navy blue": "navy",
    "violet": "purple", "crimson": "red", "scarlet": "red", "tan": "beige",
}
GENDER_WORDS: dict[str, str] = {
    "women": "women", "womens": "women", "women's": "women", "woman": "women", "ladies": "women",
    "lady": "women", "female": "women", "her": "women", "men": "men", "mens": "men", "men's": "men",
    "man": "men", "male": "men", "him": "men", "gents": "men", "kids": "kids", "kid": "kids", "kids'": "kids",
    "kid's": "kids", "children": "kids", "child": "kids", "children's": "kids", "childrens": "kids",
    "boys": "kids", "girls": "kids", "baby": "kids", "toddler": "kids", "unisex": "unisex",
}
STOP_WORDS = frozenset("""
a an the some any me my i i'm im you we us please show find get give see search look looking want wanted need
would like love could can do does have has got is are there that which what for with in of and or to on from
something anything pair pairs buy shop shopping item items product products price priced cost costing
""".split())
_VAGUE_HEADS = frozenset({"set", "kit", "pack", "pair", "bag", "shoes"})
_SLOT_ORDER = ("gender", "product_type", "category", "colour", "brand", "material")
_TOKEN = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*'?")
_FUZZY_SLOTS = frozenset({"brand", "category", "product_type"})
FUZZY_MIN_CHARS = 5
FUZZY_MIN_SCORE = 85.0
_SIZE = re.compile(r"\b(?:in\s+)?size\s*:?\s*([a-z0-9]{1,4}(?:\.5)?)\b")
_IN_STOCK = re.compile(r"\b(?:in stock|available now|ships now)\b")


@dataclass(frozen=True)
class Lexicon:
    """Phrases a shopper may use, each mapped to (slot, catalog value); build it with :meth:`from_products`."""

    terms: Mapping[str, tuple[str, str]]
    max_words: int = 1
    known_words: frozenset[str] = frozenset()
    _fuzzy: Mapping[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_letter: dict[str, list[str]] = {}
        for phrase, (slot, _) in self.terms.items():
            if slot in _FUZZY_SLOTS and " " not in phrase and len(phrase) >= FUZZY_MIN_CHARS - 1:
                by_letter.setdefault(phrase[0], []).append(phrase)
        object.__setattr__(self, "_fuzzy", {letter: tuple(sorted(words)) for letter, words in by_letter.items()})

    @classmethod
    def from_products(cls, products: Iterable[Product], synonyms: Mapping[str, str] = SYNONYMS) -> Lexicon:
        values: dict[str, set[str]] = {slot: set() for slot in _SLOT_ORDER}
        brand_spelling: dict[str, str] = {}
        for product in products:
            for slot, value in (("product_type", product.product_type), ("category", product.category),
                                ("colour", product.colour), ("material", product.material),
                                ("gender", product.gender)):
                if value.strip():
                    values[slot].add(value.strip().lower())
            if product.brand.strip():
                brand_spelling.setdefault(product.brand.strip().lower(), product.brand.strip())
        values["brand"] = set(brand_spelling)
        terms: dict[str, tuple[str, str]] = {}
        for slot in _SLOT_ORDER:
            for phrase, value in _phrases(slot, values[slot], synonyms):
                key = " ".join(_TOKEN.findall(phrase.lower()))
                if key:
                    terms.setdefault(key, (slot, brand_spelling.get(value, value) if slot == "brand" else value))
        for phrase, value in _head_nouns(values["product_type"]):
            terms.setdefault(phrase, ("product_type", value))
        return cls(terms, max((len(phrase.split()) for phrase in terms), default=1), _catalog_words(products))

    def lookup(self, phrase: str) -> tuple[str, str] | None:
        """The (slot, value) a lower-case phrase stands for, or None."""
        return self.terms.get(phrase)

    def correct(self, word: str) -> str | None:
        """The brand, category or type phrase a misspelt ``word`` most likely means, or None if unsure."""
        if len(word) < FUZZY_MIN_CHARS or not word.isalpha() or word in self.terms or word in self.known_words:
            return None
        candidates = self._fuzzy.get(word[0], ())
        best = process.extract(word, candidates, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE, limit=None)
        if not best:
            return None
        top = [phrase for phrase, score, _ in best if score == best[0][1]]
        return top[0] if len({self.terms[phrase] for phrase in top}) == 1 else None

    def values(self, slot: str) -> frozenset[str]:
        """Every catalog value known for ``slot`` ('colour', 'product_type', 'brand', ...)."""
        if slot not in _SLOT_ORDER:
            raise ValueError(f"unknown slot {slot!r}; choose one of {', '.join(_SLOT_ORDER)}")
        return frozenset(value for kind, value in self.terms.values() if kind == slot)


def _catalog_words(products: Iterable[Product]) -> frozenset[str]:
    """Words the catalog itself uses in titles: real words here, never typos to correct."""
    words: set[str] = set()
    for product in products:
        words.update(_TOKEN.findall(product.title.lower()))
    return frozenset(words)


def _head_nouns(product_types: set[str]) -> list[tuple[str, str]]:
    """'blanket' for 'throw blanket' when no other type ends in 'blanket'; weaker than every other term."""
    owners: dict[str, set[str]] = {}
    for value in product_types:
        head = value.rpartition(" ")[2]
        if head != value and head not in _VAGUE_HEADS:
            for form in (head, *number_variants(head)):
                owners.setdefault(form, set()).add(value)
    return [(form, next(iter(values))) for form, values in sorted(owners.items()) if len(values) == 1]


def _phrases(slot: str, known: set[str], synonyms: Mapping[str, str]) -> list[tuple[str, str]]:
    if slot == "gender":
        return [(word, value) for word, value in GENDER_WORDS.items() if value in known]
    phrases = [(value, value) for value in sorted(known)]
    if slot in ("product_type", "category"):
        phrases += [(variant, value) for value in sorted(known) for variant in number_variants(value)]
    phrases += [(word, value) for word, value in synonyms.items() if value in known]
    return phrases


@dataclass(frozen=True)
class ParsedQuery:
    """The filter found in a query, what each slot matched, and the words left for semantic search."""

    text: str
    filter: ProductFilter
    matched: dict[str, str] = field(default_factory=dict)
    original: str = ""
    corrections: dict[str, str] = field(default_factory=dict)

    @property
    def search_text(self) -> str:
        """What to embed: colour, brand, leftover words and product type; the original text if nothing matched."""
        parts = [self.matched.get(slot, "") for slot in ("colour", "brand")]
        parts += [self.text, self.matched.get("product_type") or self.matched.get("category", "")]
        words = " ".join(part for part in parts if part)
        return words or self.original


def parse_query(text: str, lexicon: Lexicon) -> ParsedQuery:
    """Pull prices, sizes, stock, genders, types, categories, colours, brands and materials out of ``text``."""
    lowered = text.lower().replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-")
    price, lowered = extract_price(lowered)
    sizes = frozenset(match.group(1) for match in _SIZE.finditer(lowered))
    lowered = _SIZE.sub(" ", lowered)
    in_stock = bool(_IN_STOCK.search(lowered))
    lowered = _IN_STOCK.sub(" ", lowered)
    corrections: dict[str, str] = {}
    found, leftover = _match_terms(_TOKEN.findall(lowered), lexicon, corrections)
    matched = {key: _format_price(value) for key, value in price.items()}
    matched.update({slot: ", ".join(values) for slot, values in found.items()})
    if sizes:
        matched["size"] = ", ".join(sorted(sizes))
    wanted = ProductFilter(
        min_price=price.get("min_price"), max_price=price.get("max_price"),
        colours=found.get("colour", ()), categories=found.get("category", ()),
        product_types=found.get("product_type", ()), brands=found.get("brand", ()),
        genders=found.get("gender", ()), sizes=sizes, in_stock_only=in_stock,
    )
    return ParsedQuery(" ".join(leftover), wanted, matched, text, corrections)


def _match_terms(tokens: list[str], lexicon: Lexicon,
                 corrections: dict[str, str]) -> tuple[dict[str, list[str]], list[str]]:
    """Greedy longest-phrase matching, then typo correction of single words; materials stay in the leftover
    words since no filter field holds them."""
    found: dict[str, list[str]] = {}
    leftover: list[str] = []
    position = 0
    while position < len(tokens):
        for width in range(min(lexicon.max_words, len(tokens) - position), 0, -1):
            phrase = " ".join(tokens[position:position + width])
            hit = lexicon.lookup(phrase)
            if hit is not None:
                slot, value = hit
                if value not in found.setdefault(slot, []):
                    found[slot].append(value)
                if slot == "material":
                    leftover.append(phrase)
                position += width
                break
        else:
            word = tokens[position]
            fixed = lexicon.correct(word)
            if fixed is not None:
                slot, value = lexicon.terms[fixed]
                corrections[word] = fixed
                if value not in found.setdefault(slot, []):
                    found[slot].append(value)
            elif word not in STOP_WORDS:
                leftover.append(word)
            position += 1
    return found, leftover


def _format_price(amount: float) -> str:
    return f"{amount:.0f}" if amount == int(amount) else f"{amount:.2f}"
