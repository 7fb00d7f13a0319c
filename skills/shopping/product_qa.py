"""Questions about one product ("is it waterproof?"), answered only from what the catalog says about it.

    result = await ProductQuestionSkill(catalog.by_id).run(ProductQuestionInput("is it waterproof?"), ctx)
    result.text
    # -> 'The product description says: “It comes with a waterproof flysheet.”'

Sizes, stock, price, material, colour and brand come from the product's fields; anything else is
looked for in its description and attributes and quoted. When the catalog does not say, the answer
says so and offers a colleague, instead of guessing. "Does it come in green?" looks for the same model
in other colours (`skills.shopping.variants`); a question about all the products shown ("which of
those is the cheapest?", "are any of them leather?") is answered over them (`skills.shopping.shown_qa`).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from knowledge.product import Product
from skills.base import SkillContext, SkillResult
from skills.describe.resolve import ProductRef, resolve_product
from skills.handoff.skill import OFFER
from skills.shopping.common import (Lookup, content_words, has_size, mentions, money, selected, shown, size_list,
                                    stock_sentence)
from skills.shopping.shown_qa import about_shown, answer_about_shown, ranking_in
from skills.shopping.variants import colour_answer, colours_of, in_stock_instead

_SIZE_NAMED = re.compile(r"\bsize\s+([a-z0-9.]{1,4})\b", re.IGNORECASE)
_COLOURS_ASKED = re.compile(r"\b(?:what|which|other|different|more|any other)\s+colou?rs?\b"
                            r"|\bcolou?rs?\b.*\b(?:come|available|have)\b", re.IGNORECASE)
_LEFT = r"\bhow many\b.*\bleft\b|\b(?:any|some|still)\b.*\bleft\b|\bhave left\b|\bhow many\b.*\b(?:have|got)\b"
_STOCK = re.compile(rf"\bin stock\b|\bavailab|\bsold out\b|{_LEFT}|\bcan i (?:buy|order)\b", re.IGNORECASE)
_TOPICS = (
    ("size", re.compile(r"\bsizes?\b|\bfits?\b", re.IGNORECASE)),
    ("stock", re.compile(rf"\bin stock\b|\bavailab|\bsold out\b|{_LEFT}", re.IGNORECASE)),
    ("price", re.compile(r"\bhow much\b|\bprice\b|\bcost\b", re.IGNORECASE)),
    ("material", re.compile(r"\bmade (?:of|from)\b|\bmaterial\b|\bfabric\b", re.IGNORECASE)),
    ("colour", re.compile(r"\bcolou?rs?\b", re.IGNORECASE)),
    ("brand", re.compile(r"\bbrand\b|\bwho makes\b", re.IGNORECASE)),
)


@dataclass(frozen=True)
class ProductQuestionInput:
    question: str = field(metadata={"description": "The shopper's question about the product or the products shown, "
                                                   "in their words."})
    product_id: str | None = field(default=None, metadata={"description": "Catalog id of the product."})
    position: int | None = field(default=None, metadata={
        "description": "1-based position in the products shown last; empty for the product in focus."})


class ProductQuestionSkill:
    name: ClassVar[str] = "product_question"
    description: ClassVar[str] = ("Answer a question about one product, or about all the products shown (\"which is the "
                                  "cheapest?\", \"are any of them leather?\"), from catalog data; or say it doesn't tell.")
    Input: ClassVar[type] = ProductQuestionInput

    def __init__(self, lookup: Lookup, catalog: Callable[[], Sequence[Product]] = tuple):
        self.lookup = lookup
        self.catalog = catalog  # every product, for other colours of a model and alternatives in stock
        self._vocabulary: tuple[int, dict[str, frozenset[str]]] = (0, {})

    async def run(self, args: ProductQuestionInput, ctx: SkillContext) -> SkillResult:
        products = shown(ctx.slots, self.lookup)
        pointed = args.position is not None or args.product_id is not None
        scope = "" if pointed else about_shown(args.question)
        if products and (scope == "set" or (scope == "plural" and selected(ctx.slots, self.lookup) is None)):
            return self._about_shown(args.question, products)
        resolved = resolve_product(self.lookup, ProductRef(args.product_id, args.position), ctx.slots, args.question)
        if resolved.product is None:
            if len(products) > 1 and not pointed:  # "does it come in green?" with nothing picked: ask it of them all
                return self._about_shown(args.question, products, resolved.problem)
            return SkillResult(resolved.problem)
        return self._about_one(resolved.product, args.question)

    def vocabulary(self, slot: str) -> frozenset[str]:
        """Every value the catalog uses for ``slot`` (colour, material, brand, product_type, gender), lower case."""
        products = self.catalog()
        if self._vocabulary[0] != id(products):
            slots = ("colour", "material", "brand", "product_type", "gender")
            self._vocabulary = (id(products), {s: frozenset(str(getattr(p, s)).lower() for p in products
                                                            if getattr(p, s)) for s in slots})
        return self._vocabulary[1].get(slot, frozenset())

    def _about_shown(self, question: str, products: list[Product], otherwise: str = "") -> SkillResult:
        answer = answer_about_shown(question, products, self.vocabulary)
        if answer is None:
            return SkillResult(otherwise or f"What would you like to know about the {len(products)} products I "
                               "showed? For example “which is the cheapest?” or “are any of them leather?”.")
        return answer

    def _about_one(self, product: Product, question: str) -> SkillResult:
        colour = self._named("colour", question)
        if colour and colour != product.colour.lower():
            return colour_answer(product, colour, self.catalog(), self.vocabulary("colour"))
        if _COLOURS_ASKED.search(question):
            return colours_of(product, self.catalog(), self.vocabulary("colour"))
        if ranking_in(question) is None and _STOCK.search(question) and not product.in_stock:
            instead, others = in_stock_instead(product, self.catalog(), self.vocabulary("colour"))
            return SkillResult(stock_sentence(product) + instead, products=(product, *others),
                               slots={"selected": product.id})
        material = self._named("material", question)
        if material and product.material and material != product.material.lower():
            return SkillResult(f"No, the {product.title} is made of {product.material}, not {material}.",
                               products=(product,), slots={"selected": product.id})
        answer = _from_fields(product, question) or _from_text(product, question)
        if answer:
            return SkillResult(answer, products=(product,), slots={"selected": product.id})
        words = content_words(question)
        about = f" about “{' '.join(words)}”" if words else " about that"
        return SkillResult(f"The catalog doesn't say: the details I have for the {product.title} say nothing{about}. "
                           "Shall I ask a colleague?", products=(product,), quick_replies=OFFER,
                           slots={"selected": product.id, "handoff_offer": "no_answer"}, data={"failed": True})

    def _named(self, slot: str, question: str) -> str:
        """The catalog value of ``slot`` the question names ("green", "leather"), or ""."""
        lowered = question.lower()
        return next((v for v in sorted(self.vocabulary(slot), key=len, reverse=True)
                     if re.search(rf"\b{re.escape(v)}\b", lowered)), "")


def _from_fields(product: Product, question: str) -> str:
    topic = next((name for name, pattern in _TOPICS if pattern.search(question)), None)
    if topic == "size":
        named = _SIZE_NAMED.search(question)
        if named and product.sizes:
            size = named.group(1).upper()
            if has_size(product, size):
                return f"Yes, it comes in size {size}."
            return f"No, it doesn't come in size {size}; it comes in {size_list(product)}."
        return f"It comes in {size_list(product)}."
    if topic == "stock":
        if product.stock > 0 and re.search(r"\bhow many\b", question, re.IGNORECASE):
            return f"There are {product.stock} in stock."  # the catalog's own count, asked for
        return stock_sentence(product)
    if topic == "price":
        return f"It costs {money(product.price, product.currency)}."
    if topic == "material" and product.material:
        return f"It's made of {product.material}."
    if topic == "colour" and product.colour:
        return f"It's {product.colour}."
    if topic == "brand" and product.brand:
        return f"It's made by {product.brand}."
    if product.material and re.search(rf"\b{re.escape(product.material.lower())}\b", question.lower()):
        return f"Yes, it's made of {product.material}."
    return ""


def _from_text(product: Product, question: str) -> str:
    """Quote the sentences of the description (or the attributes) that use the question's own words."""
    words = content_words(question)
    if not words:
        return ""
    sentences = re.split(r"(?<=[.!?])\s+", product.description.strip())
    sentences += [f"{name.capitalize()}: {value}." for name, value in product.attributes.items()]
    hits = [s for s in sentences if any(mentions(s, w) for w in words)]
    if not hits:
        return ""
    return f"The product description says: “{' '.join(dict.fromkeys(hits))}”"
