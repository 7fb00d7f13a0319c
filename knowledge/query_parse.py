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

Colours are corrected too, and a word one edit away from a catalog name ("jeens", "hoddie") is read as
that name when it is not an English word (the embedder's own word list says which words are English:
"boats" stays boats). A short colour missing its last letter ("blu") is read as the colour only right
before a product word ("blu jeens" -> blue jeans); "bluetooth" is a catalog word and stays itself.

Beyond catalog values, the request words (`knowledge.request_words`) fill ``parsed.request``: who it
is for, interest, occasion, sort, price level, include out of stock; negated values go into the
filter's exclusions ("nothing black" -> ``exclude_colours``).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from knowledge.filters import ProductFilter
from knowledge.inflect import number_variants
from knowledge.price_phrases import extract_price
from knowledge.product import Product
from knowledge.request_words import find_occasion, read_request_words
from knowledge.words import english_words

SYNONYMS: dict[str, str] = {
    "trainers": "sneakers", "trainer": "sneakers", "kicks": "sneakers", "tennis shoes": "sneakers",
    "runners": "running shoes", "tee": "t-shirt", "tees": "t-shirt", "tshirt": "t-shirt", "tshirts": "t-shirt",
    "t shirt": "t-shirt", "t shirts": "t-shirt", "couch": "sofa", "couches": "sofa", "settee": "sofa",
    "sweatshirt": "hoodie", "hoody": "hoodie", "jumper": "sweater", "pullover": "sweater", "pumps": "heels",
    "stilettos": "heels", "rucksack": "backpack", "earphones": "headphones", "headset": "headphones",
    "phone": "smartphone", "phones": "smartphone", "mobile phone": "smartphone", "cellphone": "smartphone",
    "notebook computer": "laptop", "skillet": "frying pan", "pan": "frying pan", "clothes": "apparel",
    "clothing": "apparel", "footwear": "shoes", "jewellery": "jewelry", "gray": "grey", "navy blue": "navy",
    "violet": "purple", "crimson": "red", "scarlet": "red", "tan": "beige", "handbag": "bags", "handbags": "bags",
    "purse": "bags", "purses": "bags", "sweatpants": "trousers", "denims": "jeans", "shades": "sunglasses",
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
_FUZZY_SLOTS = frozenset({"brand", "category", "product_type", "colour"})
FUZZY_MIN_CHARS = 5
FUZZY_MIN_SCORE = 85.0
_SIZE_VALUE = r"(?:x{0,3}[sl]|m|xxs|\d{1,2}(?:\.5)?|(?:extra[- ])?(?:small|large)|medium)"
_SIZES = rf"({_SIZE_VALUE}(?:\s*(?:,|or|and|/)\s*{_SIZE_VALUE})*)\b(?!\s*(?:year|yr|pack|piece|set|person|star))"
_SIZE = re.compile(rf"\b(?:in\s+)?(?:sizes?\s*:?\s*|waist\s*:?\s*){_SIZES}|\b(\d{{2}})\s*(?:inch\s+)?waist\b|"
                   rf"\bw(\d{{2}})\b")
_A_SIZE = re.compile(rf"\b(?:a|an|in)\s+{_SIZES}")  # "a medium", "in small": a size only for sized products
_SIZE_WORDS = {"small": "S", "medium": "M", "large": "L", "extra small": "XS", "extra-small": "XS",
               "extra large": "XL", "extra-large": "XL"}
COLOUR_WORDS = frozenset("""red orange yellow green blue purple pink brown black white grey beige navy teal
turquoise maroon burgundy olive khaki cream ivory charcoal lilac lavender mint coral""".split())
"""Everyday colour names: one the catalog lacks is still a colour the shopper asked for (metals such as gold and
silver are left out: shops file them under other colours or materials)."""
_NEGATABLE = frozenset({"colour", "material", "brand", "product_type"})
_LEAD_WORDS = frozenset({"it", "them", "in", "any", "anything", "a", "an", "the", "made", "of", "from", "by", "too"})
_IN_STOCK = re.compile(r"\b(?:in stock|available now|ships now)\b")


@dataclass(frozen=True)
class Lexicon:
    """Phrases a shopper may use, each mapped to (slot, catalog value); build it with :meth:`from_products`."""

    terms: Mapping[str, tuple[str, str]]
    max_words: int = 1
    known_words: frozenset[str] = frozenset()
    dictionary: frozenset[str] = frozenset()  # English words: never read as typos of a catalog name
    sized: frozenset[str] = frozenset()  # product types and categories that come in sizes
    _fuzzy: Mapping[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_letter: dict[str, list[str]] = {}
        for phrase, (slot, _) in self.terms.items():
            if slot in _FUZZY_SLOTS and " " not in phrase and len(phrase) >= FUZZY_MIN_CHARS - 1:
                by_letter.setdefault(phrase[0], []).append(phrase)
        object.__setattr__(self, "_fuzzy", {letter: tuple(sorted(words)) for letter, words in by_letter.items()})

    @classmethod
    def from_products(cls, products: Iterable[Product], synonyms: Mapping[str, str] = SYNONYMS) -> Lexicon:
        products = list(products)
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
        sized = frozenset(v.lower() for p in products if p.sizes for v in (p.product_type, p.category) if v)
        return cls(terms, max((len(phrase.split()) for phrase in terms), default=1), _catalog_words(products),
                   english_words(), sized)

    def lookup(self, phrase: str) -> tuple[str, str] | None:
        """The (slot, value) a lower-case phrase stands for, or None."""
        return self.terms.get(phrase)

    def correct(self, word: str) -> str | None:
        """The brand, category or type phrase a misspelt ``word`` most likely means, or None if unsure."""
        if len(word) < FUZZY_MIN_CHARS or not word.isalpha() or word in self.terms or word in self.known_words:
            return None
        candidates = self._fuzzy.get(word[0], ())
        best = process.extract(word, candidates, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE, limit=None)
        if not best and not self._is_english(word):  # one edit away ("jeens", "hoddie"): only for non-words
            edits = 2 if len(word) >= 8 else 1
            best = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=edits, limit=None)
            best = sorted(best, key=lambda hit: hit[1])
            top = [phrase for phrase, score, _ in best if score == best[0][1]] if best else []
            return top[0] if top and len({self.terms[phrase] for phrase in top}) == 1 else None
        if not best:
            return None
        top = [phrase for phrase, score, _ in best if score == best[0][1]]
        return top[0] if len({self.terms[phrase] for phrase in top}) == 1 else None

    def correct_colour_stub(self, word: str) -> str | None:
        """The colour a short clipped word stands for ("blu" -> "blue"), or None; use it only right before a
        product word, where a colour is expected."""
        if not 3 <= len(word) <= 5 or word in self.terms or word in self.known_words or word in STOP_WORDS:
            return None
        colours = [phrase for phrase, (slot, _) in self.terms.items() if slot == "colour" and " " not in phrase]
        clipped = [c for c in colours if c[:-1] == word]
        if not clipped and not self._is_english(word):  # "olve": one letter off, and no English word
            clipped = [c for c in colours if c[0] == word[0] and OSA.distance(word, c) == 1]
        return clipped[0] if len(clipped) == 1 else None

    def _is_english(self, word: str) -> bool:
        return word in self.dictionary or (word.endswith("s") and word[:-1] in self.dictionary)

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
    request: dict[str, object] = field(default_factory=dict)  # recipient, age_group, sort, occasion, ...

    @property
    def search_text(self) -> str:
        """What to embed: colour, brand, leftover words and product type; the original text if nothing matched."""
        parts = [self.matched.get(slot, "") for slot in ("colour", "brand")]
        parts += [self.text, self.matched.get("product_type") or self.matched.get("category", "")]
        words = " ".join(part for part in parts if part)
        return words or self.original


def parse_query(text: str, lexicon: Lexicon) -> ParsedQuery:
    """Pull prices, sizes, stock, request words (recipient, negations, sort, ...), genders, types, categories,
    colours, brands and materials out of ``text``."""
    lowered = text.lower().replace("\u2019", "'").replace("\u2013", "-").replace("\u2014", "-")
    price, lowered = extract_price(lowered)
    sizes = _sizes(lowered, _SIZE)
    lowered = _SIZE.sub(" ", lowered)
    loose_sizes = _sizes(lowered, _A_SIZE)
    in_stock = bool(_IN_STOCK.search(lowered))
    lowered = _IN_STOCK.sub(" ", lowered)
    said, lowered = read_request_words(lowered)
    corrections: dict[str, str] = {}
    excluded, returned = _negated(said.negated, lexicon, corrections)
    unclaimed: list[str] = []
    found, leftover = _match_terms(_TOKEN.findall(lowered) + returned, lexicon, corrections, unclaimed)
    kinds = set(found.get("product_type", ())) | set(found.get("category", ()))
    if loose_sizes and (not kinds or kinds & lexicon.sized):
        sizes |= loose_sizes
    if said.age_group == "kids" and "kids" in lexicon.values("gender"):
        found["gender"] = ["kids"]  # the catalog files children's products under the gender 'kids'
    elif said.gender and not found.get("gender"):
        found["gender"] = [said.gender]
    matched = {key: _format_price(value) for key, value in price.items()}
    matched.update({slot: ", ".join(values) for slot, values in found.items()})
    if sizes:
        matched["size"] = ", ".join(sorted(sizes))
    wanted = ProductFilter(
        min_price=price.get("min_price"), max_price=price.get("max_price"),
        colours=found.get("colour", ()), categories=found.get("category", ()),
        product_types=found.get("product_type", ()), brands=found.get("brand", ()),
        genders=found.get("gender", ()), sizes=sizes, in_stock_only=in_stock,
        materials=_widened(found.get("material", ()), lexicon),
        exclude_colours=excluded.get("colour", ()), exclude_materials=_widened(excluded.get("material", ()), lexicon),
        exclude_brands=excluded.get("brand", ()), exclude_types=excluded.get("product_type", ()),
    )
    request = _request(said, " ".join(unclaimed))
    return ParsedQuery(" ".join(leftover), wanted, matched, text, corrections, request)


def _request(said, leftover: str) -> dict[str, object]:
    values = {"recipient": said.recipient, "age_group": said.age_group, "interest": said.interest,
              "occasion": find_occasion(leftover), "sort": said.sort, "price_level": said.price_level,
              "include_out_of_stock": said.include_out_of_stock}
    return {name: value for name, value in values.items() if value}


def _sizes(text: str, pattern: re.Pattern[str]) -> frozenset[str]:
    """'size 7', 'sizes 7 or 8', 'a medium', 'waist 32', '32 waist', 'w32' -> {'7'}, {'7', '8'}, {'m'}, {'32'}."""
    found = set()
    for match in pattern.finditer(text):
        spans = [group for group in match.groups() if group]
        for part in re.split(r"\s*(?:,|\bor\b|\band\b|/)\s*", spans[0]):
            if part:
                found.add(_SIZE_WORDS.get(part, part).lower())
    return frozenset(found)


def _negated(phrases: list[str], lexicon: Lexicon,
             corrections: dict[str, str]) -> tuple[dict[str, list[str]], list[str]]:
    """The catalog values each negated phrase rules out ('black', 'leather', 'Nimbus'), and the words that
    followed them, which go back to the positive request ('not red or pink dresses' still wants dresses)."""
    excluded: dict[str, list[str]] = {}
    returned: list[str] = []
    for phrase in phrases:
        tokens = _TOKEN.findall(phrase)
        while tokens and tokens[0] in _LEAD_WORDS:
            tokens = tokens[1:]
        found, _ = _match_terms(tokens[:lexicon.max_words], lexicon, corrections)
        hit = next(((slot, values[0]) for slot, values in found.items() if slot in _NEGATABLE), None)
        if hit is None:
            continue
        slot, value = hit
        excluded.setdefault(slot, []).append(value)
        width = next((w for w in range(min(lexicon.max_words, len(tokens)), 0, -1)
                      if lexicon.lookup(" ".join(tokens[:w])) or lexicon.correct(" ".join(tokens[:w]))), 1)
        returned += tokens[width:]
    return excluded, returned


def _widened(materials: Iterable[str], lexicon: Lexicon) -> frozenset[str]:
    """Every catalog material that contains the word: 'cotton' also means 'organic cotton'."""
    known = lexicon.values("material")
    wanted = set(materials)
    return frozenset(value for value in known if any(re.search(rf"\b{re.escape(w)}\b", value) for w in wanted)) \
        | frozenset(wanted)


def _match_terms(tokens: list[str], lexicon: Lexicon, corrections: dict[str, str],
                 unclaimed: list[str] | None = None) -> tuple[dict[str, list[str]], list[str]]:
    """Greedy longest-phrase matching, then typo correction of single words; materials also stay in the
    leftover words (they help the semantic search). ``unclaimed`` receives every word no term took,
    stop words included (where "for the gym" is still readable)."""
    unclaimed = [] if unclaimed is None else unclaimed
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
            fixed = lexicon.correct(word) or _colour_before_product(tokens, position, lexicon)
            if fixed is None and word in COLOUR_WORDS:  # a colour this shop does not stock: asked for all the
                found.setdefault("colour", []).append(word)  # same, so the reply can say there is none
                position += 1
                continue
            if fixed is not None:
                slot, value = lexicon.terms[fixed]
                corrections[word] = fixed
                if value not in found.setdefault(slot, []):
                    found[slot].append(value)
            else:
                unclaimed.append(word)
                if word not in STOP_WORDS:
                    leftover.append(word)
            position += 1
    return found, leftover


def _colour_before_product(tokens: list[str], position: int, lexicon: Lexicon) -> str | None:
    """'blu' right before a product word ('blu jeens') is blue; elsewhere a short word is left alone."""
    stub = lexicon.correct_colour_stub(tokens[position])
    if stub is None or position + 1 >= len(tokens):
        return None
    after = tokens[position + 1]
    hit = lexicon.lookup(after) or (lexicon.terms[lexicon.correct(after)] if lexicon.correct(after) else None)
    return stub if hit and hit[0] in ("product_type", "category") else None


def _format_price(amount: float) -> str:
    return f"{amount:.0f}" if amount == int(amount) else f"{amount:.2f}"
