"""Is an LLM-worded reply grounded in what the skill returned? Checked, not hoped.

    result = SkillResult("Here are 2 red sneakers I found:", products=(runner, court))   # $79.00, $64.50
    [u.message for u in ungrounded("The Trail Runner is $59 and only 3 are left!", result)]
    # -> ["price '$59' is not one the skill returned", "number '3' is not one the skill returned"]

A reply may state only:
- numbers the skill returned (prices, stock counts, sizes, numbers in titles, the skill's own text
  and data), positions in the list, the count of products, or numbers the shopper said;
- as a stock figure ("only 2 left", "five in stock"), only a returned product's stock;
- products the skill returned: a catalog title or brand that is not among them is a violation;
- stock states the products back: "out of stock" when every returned product has stock, "in stock"
  when none has.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from knowledge.product import Product
from skills.base import SkillResult
from skills.describe.vocab import NUMBER_WORDS

_NUMBER = re.compile(r"(?P<currency>[$€£₹]\s?)?(?<![\w.])(?P<value>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?")
_WORDS = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.I)
_OUT = re.compile(r"\bout of stock\b|\bsold out\b|\bunavailable\b|\bno longer available\b", re.I)
_STOCK_FIGURE = re.compile(r"\b(\d+|" + "|".join(NUMBER_WORDS) + r")\s+(?:[\w-]+\s+){0,3}?"
                           r"(?:left|remaining|remain|in stock|available)\b", re.I)
_IN = re.compile(r"\bin stock\b|\bavailable now\b|\bready to ship\b|\b(?:only|just) (?:\d+|\w+) left\b", re.I)


@dataclass(frozen=True, slots=True)
class Ungrounded:
    """One thing a reply states that the skill did not return."""

    kind: str  # price, number, product, stock
    value: str

    @property
    def message(self) -> str:
        return f"{self.kind} '{self.value}' is not one the skill returned"


def ungrounded(reply: str, result: SkillResult, user_text: str = "", catalog_titles: Iterable[str] = (),
               brands: Iterable[str] = ()) -> list[Ungrounded]:
    """Everything `reply` states that `result` (or the shopper's own message) does not back."""
    allowed = _allowed_numbers(result, user_text)
    problems = [_number_problem(m) for m in _NUMBER.finditer(reply) if _value(m) not in allowed]
    problems += [Ungrounded("number", w.group(1)) for w in _WORDS.finditer(reply)
                 if float(NUMBER_WORDS[w.group(1).lower()]) not in allowed]
    problems += [Ungrounded("stock", m.group(0)) for m in _STOCK_FIGURE.finditer(reply)
                 if _figure(m.group(1)) not in {float(p.stock) for p in result.products}]
    problems += _product_problems(reply, result, user_text, catalog_titles, brands)
    problems += _stock_problems(reply, result)
    return problems


def _figure(word: str) -> float:
    return float(word) if word.isdigit() else float(NUMBER_WORDS[word.lower()])


def _number_problem(match: re.Match) -> Ungrounded:
    return Ungrounded("price" if match.group("currency") else "number", match.group(0).strip())


def _value(match: re.Match) -> float:
    return round(float(match.group("value").replace(",", "") + (match.group("fraction") or "")), 2)


def _allowed_numbers(result: SkillResult, user_text: str) -> set[float]:
    texts = [result.text, user_text, *result.quick_replies]
    allowed = {float(n) for n in range(1, len(result.products) + 1)}
    for product in result.products:
        allowed |= {round(float(product.price), 2), float(product.stock)}
        texts += [product.title, " ".join(product.sizes), *product.attributes.values()]
    allowed |= set(_numbers_in(result.data))
    for text in texts:
        allowed |= {_value(m) for m in _NUMBER.finditer(str(text))}
        allowed |= {float(NUMBER_WORDS[w.group(1).lower()]) for w in _WORDS.finditer(str(text))}
    return allowed


def _numbers_in(data: Any) -> Iterable[float]:
    if isinstance(data, bool):
        return
    if isinstance(data, (int, float)):
        yield round(float(data), 2)
    elif isinstance(data, str):
        yield from (_value(m) for m in _NUMBER.finditer(data))
    elif isinstance(data, Mapping):
        for value in data.values():
            yield from _numbers_in(value)
    elif isinstance(data, (list, tuple, set)):
        for value in data:
            yield from _numbers_in(value)


def _product_problems(reply: str, result: SkillResult, user_text: str, titles: Iterable[str],
                      brands: Iterable[str]) -> list[Ungrounded]:
    said = f"{result.text} {user_text}".lower()
    returned_titles = {p.title.lower() for p in result.products}
    returned_brands = {p.brand.lower() for p in result.products if p.brand}
    lowered = reply.lower()
    problems = [Ungrounded("product", t) for t in set(titles)
                if len(t) > 3 and t.lower() not in returned_titles and t.lower() not in said
                and _mentions(lowered, t.lower())]
    problems += [Ungrounded("product", b) for b in set(brands)
                 if b and b.lower() not in returned_brands and b.lower() not in said and _mentions(lowered, b.lower())]
    return problems


def _mentions(text: str, name: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text) is not None


def _stock_problems(reply: str, result: SkillResult) -> list[Ungrounded]:
    if not result.products:
        return [Ungrounded("stock", m.group(0)) for m in (_OUT.search(reply), _IN.search(reply)) if m]
    problems = []
    if (out := _OUT.search(reply)) and all(p.stock > 0 for p in result.products) and not _OUT.search(result.text):
        problems.append(Ungrounded("stock", out.group(0)))
    if (stocked := _IN.search(reply)) and all(p.stock <= 0 for p in result.products):
        problems.append(Ungrounded("stock", stocked.group(0)))
    return problems


def facts_of(result: SkillResult, products: Iterable[Product] | None = None) -> dict[str, Any]:
    """What the LLM may use to word a reply: the skill's text and the returned products' facts."""
    shown = list(products if products is not None else result.products)
    return {"reply": result.text, "products": [
        {"position": n, "title": p.title, "brand": p.brand, "colour": p.colour, "price": p.price,
         "currency": p.currency, "in_stock": p.stock > 0} for n, p in enumerate(shown, 1)]}
