"""Questions about the products just shown, answered from the catalog: "which of those is the cheapest?",
"are any of them leather?", "which ones are in stock?", "which one is the lightest?".

    about_shown("which of those is the cheapest?"), about_shown("cheapest headphones")
    # -> ('set', '')
    answer_about_shown("are any of them leather?", shown_products, vocabulary).text
    # -> '2 of the 6 are leather: the Nimbus Blue Leather Sneakers ($56.99) and ...'

A question is either a ranking ("the cheapest", "the lightest") or a condition ("leather", "in size 9",
"in stock", "under $50", "waterproof"). Rankings use the product's fields (price, stock) or a numeric
attribute the catalog holds (weight, rating); conditions use the fields, or what the description and
attributes say. What the catalog does not hold is answered as such, never guessed.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from knowledge.inflect import plural
from knowledge.price_phrases import extract_price
from knowledge.product import Product
from skills.base import SkillResult
from skills.handoff.skill import OFFER
from skills.shopping.common import content_words, mentions, money, stock_note

# "any of them", "which ones", "are there any": the question is about every product shown
_SET = re.compile(
    r"\b(?:any|all|none|each|either|neither|both|which|some|many|how many|one)\s+of\s+"
    r"(?:them|these|those|the (?:ones|products|results|items|options))\b"
    r"|\bwhich\s+(?:ones?|is|are|has|have|do|does|comes?|costs?|of)\b|\bwhich\s+\w+\s+(?:is|are|has|have)\b"
    r"|\b(?:are|is)\s+there\s+(?:any|one|a)\b|\bany\s+(?:in|with|under|over|below|above|for|by|made|that)\b"
    r"|\b(?:all|none)\s+(?:of\s+)?(?:them|these|those)\b|\b(?:are|do|did|will|would)\s+(?:they|these|those)\s+all\b",
    re.IGNORECASE)
# "are they leather?", "do these come in green?": the shown set, unless one product is in focus
_PLURAL = re.compile(r"\b(?:are|do|did|will|would|were|have|can)\s+(?:they|these|those)\b", re.IGNORECASE)
# "does it come in green?", "is this available in size 9?": the product in focus, or else the ones shown
_IT = re.compile(r"^\s*(?:does|do|is|are|can|will)\s+(?:it|this|that)(?:\s+one)?\b|"
                 r"\bdo you have (?:it|this|that|this one|that one|them|these|those) in\b|"
                 r"\b(?:it|this|that|this one|that one)\s+(?:also\s+)?(?:comes?|available)\s+in\b", re.IGNORECASE)
_QUESTION = re.compile(r"^\s*(?:which|what|whats|what's|is|are|does|do|any|anything)\b|\?\s*$|\b(?:one|ones)\b",
                       re.IGNORECASE)
_RANKINGS = (  # (pattern, measure, lowest first)
    (r"cheapest|least expensive|lowest[- ]pric\w*|most affordable|best (?:price|deal|value)|lowest cost|"
     r"cheaper one|costs? (?:the )?least|least (?:money|pricey)", "price", True),
    (r"most expensive|priciest|dearest|highest[- ]pric\w*|most premium|costliest|most costly|costs? (?:the )?most",
     "price", False),
    (r"lightest|least heavy|lightest weight", "weight", True),
    (r"heaviest", "weight", False),
    (r"best[- ]rated|highest[- ]rated|top[- ]rated|best[- ]reviewed|most popular|best[- ]selling|bestseller|"
     r"the best\b|best one", "rating", False),
    (r"worst[- ]rated|lowest[- ]rated|least popular", "rating", True),
    (r"most (?:in )?stock|most available|most left", "stock", False),
)
_MEASURE_KEYS = {"weight": ("weight", "mass"), "rating": ("rating", "stars", "score", "review")}
_MEASURE_NOUNS = {"weight": "a weight", "rating": "ratings or reviews"}
_OTHER_SUPERLATIVE = re.compile(r"\bthe\s+(?:most|least)\s+([a-z-]{3,})|\bthe\s+([a-z]{3,}est)\b"
                                r"|\b([a-z]{3,}est)\s+ones?\b", re.IGNORECASE)
_NOT_SUPERLATIVE = frozenset("interest honest forest chest guest request contest harvest modest protest invest "
                             "digest suggest vest nest rest test west quest manifest".split())
_UNITS = {"kg": 1000.0, "g": 1.0, "gram": 1.0, "grams": 1.0, "lb": 453.6, "lbs": 453.6, "oz": 28.35}
_PRICES_ASKED = re.compile(r"\bhow much\b|\bprices?\b|\bcosts?\b", re.IGNORECASE)
_STOCK_OUT = re.compile(r"\bsold out\b|\bout of stock\b|\bunavailable\b", re.IGNORECASE)
_STOCK_IN = re.compile(r"\bin stock\b|\bavailab|\bin store\b|\bcan i (?:buy|order)\b", re.IGNORECASE)
_SIZE = re.compile(r"\bsize\s+([a-z0-9.]{1,4})\b|\bin (?:an? )?(xxs|xs|s|m|l|xl|xxl|\d{1,2}(?:\.5)?)\s*\??$",
                   re.IGNORECASE)
_GENDERS = {"women": r"women'?s?|woman|ladies|lady|her|female|girls?", "men": r"men'?s?|man|gents?|him|male|boys?",
            "kids": r"kids?'?|children|child|toddlers?|babies|baby"}
_FIELD_SLOTS = ("colour", "material", "brand", "product_type")
Vocabulary = Callable[[str], frozenset[str]]


@dataclass(frozen=True)
class Condition:
    """What a shown product must be for the question's "yes": a test, its words, and (for fields) the field."""

    label: str
    test: Callable[[Product], bool | None]  # None: the catalog doesn't say
    slot: str = ""


def about_shown(text: str) -> str:
    """'set' when a question is about every product shown, 'plural' for "are they ...?", 'it' for "does it ...?"
    (the product in focus, else every one shown), else ''."""
    if _SET.search(text) or (ranking_in(text) and _QUESTION.search(text)):
        return "set"
    if _PLURAL.search(text):
        return "plural"
    return "it" if _IT.search(text) else ""


def ranking_in(text: str) -> tuple[str, bool, str] | None:
    """(measure, lowest first, the words) of a superlative: ("price", True, "cheapest"); None without one."""
    lowered = text.lower()
    for pattern, measure, lowest in _RANKINGS:
        found = re.search(rf"\b(?:{pattern})", lowered)
        if found:
            return measure, lowest, found.group(0).removeprefix("the ")
    for match in _OTHER_SUPERLATIVE.finditer(lowered):
        word = next(g for g in match.groups() if g)
        if word not in _NOT_SUPERLATIVE:
            return f"other:{word}", True, match.group(0).removeprefix("the ").strip()
    return None


def answer_about_shown(question: str, products: Sequence[Product], vocabulary: Vocabulary) -> SkillResult | None:
    """The answer over ``products``; None when the question names nothing to rank or test them by."""
    ranking = ranking_in(question)
    if ranking is not None:
        return _ranked(products, *ranking)
    condition = condition_in(question, vocabulary)
    if condition is None and _PRICES_ASKED.search(question):  # "how much are they?"
        return SkillResult(f"Their prices: {_listing(products, products, with_stock=True)}.", products=tuple(products))
    return None if condition is None else _filtered(products, condition)


# -- rankings ---------------------------------------------------------------------------------------


def _ranked(products: Sequence[Product], measure: str, lowest: bool, words: str) -> SkillResult:
    values = {p.id: _measure(p, measure) for p in products}
    known = [p for p in products if values[p.id] is not None]
    if not known:
        return _unknown_ranking(products, measure, words)
    best = (min if lowest else max)(known, key=lambda p: values[p.id])
    of = f"of the {len(products)}"
    if len(known) < len(products):
        of = f"of the {len(known)} the catalog gives {measure} for"
    detail = {"price": "", "stock": f" ({best.stock} in stock)"}.get(
        measure, f" ({measure}: {_shown_value(best, measure)})")
    note = stock_note(best)
    text = (f"The {words.replace('-', ' ')} {of} is {_named(best, products)}, at {money(best.price, best.currency)}"
            f"{detail}{'; ' + note if note else ''}.")
    return SkillResult(text, products=(best,), slots={"selected": best.id})


def _measure(product: Product, measure: str) -> float | None:
    if measure == "price":
        return float(product.price)
    if measure == "stock":
        return float(product.stock)
    for key, value in product.attributes.items():
        if any(name in key.lower() for name in _MEASURE_KEYS.get(measure, ())):
            return _number(value, measure)
    return None


def _number(value: str, measure: str) -> float | None:
    found = re.search(r"(\d+(?:\.\d+)?)\s*([a-z]*)", str(value).lower())
    if not found:
        return None
    scale = _UNITS.get(found.group(2), 1.0) if measure == "weight" else 1.0
    return float(found.group(1)) * scale


def _shown_value(product: Product, measure: str) -> str:
    return next((str(v) for k, v in product.attributes.items()
                 if any(name in k.lower() for name in _MEASURE_KEYS.get(measure, ()))), "")


def _unknown_ranking(products: Sequence[Product], measure: str, words: str) -> SkillResult:
    """The catalog holds nothing to rank by: say so, and quote what it does say that bears on it."""
    adjective = measure.removeprefix("other:")
    missing = (f"give {_MEASURE_NOUNS[measure]} for these products" if measure in _MEASURE_NOUNS
               else f"say how {_base(adjective)} these products are")
    text = f"The catalog doesn't {missing}, so I can't tell you which is the {words.replace('-', ' ')}."
    stem = _base(words.split()[-1])[:5]
    said = {}
    for p in products:
        quote = next((s for s in _sentences(p) if len(stem) >= 4 and mentions(s, stem)), None)
        if quote and len(said) < 3:
            said[p.id] = (p, quote)
    if said:
        quoted = "; ".join(f"the {p.title}: “{s}”" for p, s in said.values())
        text += f" What it does say: {quoted}"
    text += " I can compare them by price, material, sizes and stock."
    return SkillResult(text, products=tuple(p for p, _ in said.values()),
                       quick_replies=("Which is the cheapest?", "Compare the first two"))


def _base(word: str) -> str:
    """"lightest" -> "light", "biggest" -> "big", "comfiest" -> "comfy"; other words unchanged."""
    if word.endswith("iest"):
        return word[:-4] + "y"
    if word.endswith("est") and len(word) > 5:
        stem = word[:-3]
        return stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else stem
    return word


def _sentences(product: Product) -> list[str]:
    sentences = re.split(r"(?<=[.!?])\s+", product.description.strip())
    return [s for s in sentences if s] + [f"{k.capitalize()}: {v}." for k, v in product.attributes.items()]


# -- conditions -------------------------------------------------------------------------------------


def condition_in(question: str, vocabulary: Vocabulary) -> Condition | None:
    """The one thing the question asks the shown products to be, or None."""
    lowered = question.lower()
    if _STOCK_OUT.search(lowered):
        return Condition("out of stock", lambda p: p.stock <= 0, "stock")
    if _STOCK_IN.search(lowered):
        return Condition("in stock", lambda p: p.stock > 0, "stock")
    size = _SIZE.search(question)
    if size:
        wanted = (size.group(1) or size.group(2)).upper()
        return Condition(f"available in size {wanted}", lambda p: wanted in {s.upper() for s in p.sizes}, "size")
    limits, _ = extract_price(lowered)
    if limits:
        return _price_condition(limits)
    return _field_condition(lowered, vocabulary) or _text_condition(question)


def _price_condition(limits: dict[str, float]) -> Condition:
    low, high = limits.get("min_price"), limits.get("max_price")
    parts = ([f"over {money(low)}"] if low is not None else []) + ([f"under {money(high)}"] if high is not None else [])
    return Condition(" and ".join(parts), lambda p: (low is None or p.price >= low) and (high is None or p.price <= high),
                     "price")


def _field_condition(lowered: str, vocabulary: Vocabulary) -> Condition | None:
    for gender, pattern in _GENDERS.items():
        named = re.search(rf"\b(?:{pattern})\b", lowered)
        if named and gender in vocabulary("gender"):
            fits = (gender,) if gender == "kids" else (gender, "unisex")  # unisex is for grown-ups of any gender
            label = f"for {gender}" + (" (or unisex)" if len(fits) > 1 else "")
            return Condition(label, lambda p, f=fits: p.gender.lower() in f if p.gender else None, "gender")
    for slot in _FIELD_SLOTS:
        for value in sorted(vocabulary(slot), key=len, reverse=True):
            if re.search(rf"\b{re.escape(value)}(?:e?s)?\b", lowered):
                label = f"by {value.title()}" if slot == "brand" else value
                return Condition(label, lambda p, s=slot, v=value: getattr(p, s).lower() == v if getattr(p, s) else None,
                                 slot)
    return None


def _text_condition(question: str) -> Condition | None:
    words = [w for w in content_words(question) if w not in _SET_WORDS]
    if not words:
        return None

    def said(product: Product) -> bool | None:
        return True if any(mentions(s, w) for s in _sentences(product) for w in words) else None

    return Condition(" ".join(words), said)


_SET_WORDS = frozenset("ones all none each either neither both some many there anything come comes".split())


def _filtered(products: Sequence[Product], condition: Condition) -> SkillResult:
    verdicts = {p.id: condition.test(p) for p in products}
    yes = [p for p in products if verdicts[p.id]]
    unknown = [p for p in products if verdicts[p.id] is None]
    total = len(products)
    if not condition.slot:  # a word from the descriptions: "says", never "is"
        return _said(products, yes, condition)
    if not yes:
        return _none(products, condition, unknown)
    listed = _listing(yes, products, with_stock=condition.slot == "stock")
    if len(yes) == total:
        text = f"Yes, it's {condition.label}: {listed}." if total == 1 else f"All {total} are {condition.label}."
        if condition.slot == "stock" and total > 1:
            text = f"All {total} are in stock: {listed}."
        return SkillResult(text, products=tuple(products))
    text = f"{len(yes)} of the {total} {'is' if len(yes) == 1 else 'are'} {condition.label}: {listed}."
    return SkillResult(text, products=tuple(yes))


def _none(products: Sequence[Product], condition: Condition, unknown: list[Product]) -> SkillResult:
    total = len(products)
    text = f"None of the {total} is {condition.label}"
    values = sorted({str(getattr(p, condition.slot)) for p in products if condition.slot in _FIELD_SLOTS
                     and getattr(p, condition.slot)})
    if values:
        text += f": they're {_and(values)}"
    if unknown and len(unknown) < total:
        text += f" (the catalog doesn't say for {len(unknown)})"
    text += "."
    kind = _common_kind(products)
    if condition.slot in ("colour", "material", "brand", "gender", "price") and kind:
        after = condition.slot in ("brand", "gender", "price")
        phrase = f"{plural(kind)} {condition.label}" if after else f"{condition.label} {plural(kind)}"
        return SkillResult(f"{text} Shall I look for {phrase}?", quick_replies=(phrase[0].upper() + phrase[1:],))
    return SkillResult(text)


def _said(products: Sequence[Product], yes: list[Product], condition: Condition) -> SkillResult:
    if not yes:
        return SkillResult(f"The catalog doesn't say whether any of these is {condition.label}. Shall I ask a colleague?",
                           quick_replies=OFFER, slots={"handoff_offer": "no_answer"}, data={"failed": True})
    words = condition.label.split()
    quoted = [(p, next(s for s in _sentences(p) if any(mentions(s, w) for w in words))) for p in yes[:4]]
    quotes = "; ".join(f"{_named(p, products)}: “{sentence}”" for p, sentence in quoted)
    rest = len(products) - len(yes)
    tail = f" For the other {rest} it doesn't say." if rest else ""
    return SkillResult(f"The catalog mentions {condition.label} for {len(yes)} of the {len(products)}: {quotes}.{tail}",
                       products=tuple(yes))


def _listing(products: Iterable[Product], shown: Sequence[Product], with_stock: bool = False) -> str:
    items = []
    for p in products:
        note = stock_note(p) if with_stock else ""
        at = _position(p, shown)
        details = ([f"number {at}"] if at else []) + [money(p.price, p.currency)] + ([note] if note else [])
        items.append(f"the {p.title} ({', '.join(details)})")
    return _and(items)


def _named(product: Product, shown: Sequence[Product]) -> str:
    """"the Trail Runner (number 3)": the title, and where it was shown, so "the third one" still finds it."""
    at = _position(product, shown)
    return f"the {product.title}" + (f" (number {at})" if at else "")


def _position(product: Product, shown: Sequence[Product]) -> int | None:
    at = next((n for n, p in enumerate(shown, 1) if p.id == product.id), None)
    return at if len(shown) > 1 else None


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _common_kind(products: Sequence[Product]) -> str:
    kinds = {p.product_type for p in products if p.product_type}
    return kinds.pop() if len(kinds) == 1 else ""
