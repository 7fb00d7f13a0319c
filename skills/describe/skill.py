"""The `describe` skill: "tell me more about the second one" answered with a grounded description.

    skill = DescribeSkill(DescriptionGenerator(GroundingChecker(brands)), catalog.by_id)
    result = await skill.run(DescribeInput(position=2), ctx)   # ctx.slots["last_results"] from a search
    result.products[0].id == ctx.slots["last_results"][1]
    # -> True
"""
from __future__ import annotations

import asyncio
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from skills.base import SkillContext, SkillResult
from skills.describe.generator import Description, DescriptionGenerator
from skills.describe.resolve import Lookup, ProductRef, resolve_product
from skills.describe.style import LENGTHS, TONES, Style

_TONE_WORDS = {"playful": "playful", "fun": "playful", "premium": "premium", "luxury": "premium",
               "elegant": "premium", "plain": "plain", "factual": "plain", "simple": "plain", "friendly": "friendly"}
_LENGTH_WORDS = {"short": "short", "brief": "short", "quick": "short", "long": "long", "detailed": "long",
                 "full": "long", "everything": "long"}


@dataclass(frozen=True)
class DescribeInput:
    product_id: str | None = field(default=None, metadata={"description": "Catalog id of the product."})
    position: int | None = field(default=None, metadata={
        "description": "1-based position in the products shown last (2 for 'the second one', -1 for the last)."})
    tone: str | None = field(default=None, metadata={"choices": TONES, "description": "How the text should sound."})
    length: str | None = field(default=None, metadata={"choices": LENGTHS, "description": "How long the text is."})
    keywords: str = field(default="", metadata={"description": "Comma-separated search keywords to work in."})


class RejectionLog:
    """Rejected drafts from chat, appended as JSON Lines for the merchant's report."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def add(self, description: Description) -> None:
        if not description.rejected:
            return
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as sink:
                for rejection in description.rejected:
                    sink.write(json.dumps(rejection.to_dict(), ensure_ascii=False) + "\n")


class DescribeSkill:
    name: ClassVar[str] = "describe"
    description: ClassVar[str] = "Describe one product (by id or by its position in the last results), grounded in its attributes."
    Input: ClassVar[type] = DescribeInput

    def __init__(self, generator: DescriptionGenerator, lookup: Lookup, default_style: Style = Style(),
                 rejections: RejectionLog | None = None) -> None:
        self.generator = generator
        self.lookup = lookup
        self.default_style = default_style
        self.rejections = rejections

    async def run(self, args: DescribeInput, ctx: SkillContext) -> SkillResult:
        resolved = resolve_product(self.lookup, ProductRef(args.product_id, args.position), ctx.slots, ctx.text)
        if resolved.product is None:
            return SkillResult(resolved.problem)
        product = resolved.product
        style = self._style(args, ctx.text)
        description = await asyncio.to_thread(self.generator.describe, product, style)
        if self.rejections is not None:
            await asyncio.to_thread(self.rejections.add, description)
        return SkillResult(description.text, products=(product,), slots={"selected": product.id},
                           data={"description": description.to_dict()})

    def _style(self, args: DescribeInput, text: str) -> Style:
        words = set(re.findall(r"[a-z]+", text.lower()))
        tone = args.tone or next((t for w, t in _TONE_WORDS.items() if w in words), self.default_style.tone)
        length = args.length or next((n for w, n in _LENGTH_WORDS.items() if w in words), self.default_style.length)
        keywords = tuple(k.strip() for k in args.keywords.split(",") if k.strip())
        return Style(tone, length, keywords or self.default_style.keywords)
