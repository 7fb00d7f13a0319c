"""Questions about one product ("is it waterproof?"), answered only from what the catalog says about it.

    result = await ProductQuestionSkill(catalog.by_id).run(ProductQuestionInput("is it waterproof?"), ctx)
    result.text
    # -> 'The product description says: “It comes with a waterproof flysheet.”'

Sizes, stock, price, material, colour and brand come from the product's fields; anything else is
looked for in its description and attributes and quoted. When the catalog does not say, the answer
says so and offers a colleague, instead of guessing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import ClassVar

from knowledge.product import Product
from skills.base import SkillContext, SkillResult
from skills.describe.resolve import ProductRef, resolve_product
from skills.handoff import OFFER
from skills.shopping.common import Lookup, has_size, money, size_list, stock_sentence

_SIZE_NAMED = re.compile(r"\bsize\s+([a-z0-9.]{1,4})\b", re.IGNORECASE)
_TOPICS = (
    ("size", re.compile(r"\bsizes?\b|\bfits?\b", re.IGNORECASE)),
    ("stock", re.compile(r"\bin stock\b|\bavailab|\bsold out\b|\bhow many left\b", re.IGNORECASE)),
    ("price", re.compile(r"\bhow much\b|\bprice\b|\bcost\b", re.IGNORECASE)),
    ("material", re.compile(r"\bmade (?:of|from)\b|\bmaterial\b|\bfabric\b", re.IGNORECASE)),
    ("colour", re.compile(r"\bcolou?rs?\b", re.IGNORECASE)),
    ("brand", re.compile(r"\bbrand\b|\bwho makes\b", re.IGNORECASE)),
)
_WORD = re.compile(r"[a-z][a-z-]+")
_QUESTION_WORDS = frozenset("""
is it its it's this that these those they them does do did can could will would should are was were have has the a an
for of in on with to be good suitable ok okay how what which who any really very much many you your me my i one
second first third last product item thing
""".split())


@dataclass(frozen=True)
class ProductQuestionInput:
    question: str = field(metadata={"description": "The shopper's question about the product, in their words."})
    product_id: str | None = field(default=None, metadata={"description": "Catalog id of the product."})
    position: int | None = field(default=None, metadata={
        "description": "1-based position in the products shown last; empty for the product in focus."})


class ProductQuestionSkill:
    name: ClassVar[str] = "product_question"
    description: ClassVar[str] = "Answer a question about one product from its catalog data, or say the data doesn't tell."
    Input: ClassVar[type] = ProductQuestionInput

    def __init__(self, lookup: Lookup):
        self.lookup = lookup

    async def run(self, args: ProductQuestionInput, ctx: SkillContext) -> SkillResult:
        resolved = resolve_product(self.lookup, ProductRef(args.product_id, args.position), ctx.slots, args.question)
        if resolved.product is None:
            return SkillResult(resolved.problem)
        product = resolved.product
        answer = _from_fields(product, args.question) or _from_text(product, args.question)
        if answer:
            return SkillResult(answer, products=(product,), slots={"selected": product.id})
        words = _content_words(args.question)
        about = f" about “{' '.join(words)}”" if words else " about that"
        return SkillResult(f"The details I have for the {product.title} say nothing{about}. Shall I ask a colleague?",
                           products=(product,), quick_replies=OFFER,
                           slots={"selected": product.id, "handoff_offer": "no_answer"}, data={"failed": True})


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
    words = _content_words(question)
    if not words:
        return ""
    sentences = re.split(r"(?<=[.!?])\s+", product.description.strip())
    sentences += [f"{name.capitalize()}: {value}." for name, value in product.attributes.items()]
    hits = [s for s in sentences if any(_mentions(s, w) for w in words)]
    if not hits:
        return ""
    return f"The product description says: “{' '.join(dict.fromkeys(hits))}”"


def _content_words(question: str) -> list[str]:
    return [w for w in _WORD.findall(question.lower()) if w not in _QUESTION_WORDS and len(w) > 2]


def _mentions(sentence: str, word: str) -> bool:
    stem = word[:max(4, len(word) - 3)] if len(word) > 6 else word
    return re.search(rf"\b{re.escape(stem)}", sentence.lower()) is not None
