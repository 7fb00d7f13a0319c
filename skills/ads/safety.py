"""The brand-safety filter: nothing banned, no competitor, no claim without evidence.

    safety = BrandSafety(GroundingChecker(brands), competitors=("Acme",))
    safety.problems("The best running shoe, better than Acme", product)
    # -> ["competitor 'Acme' named", "superlative 'best' is not backed by the product's attributes"]

Claims that need evidence (superlatives such as "best" or "#1", health claims, waterproof and
the like) pass only when the product's attributes back them, as in every description; so do
colours, materials, numbers and brands. Banned words and competitor names never pass.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from knowledge.product import Product
from skills.describe.grounding import Facts, GroundingChecker

DEFAULT_BANNED_WORDS = ("miracle", "risk-free", "click here", "act now", "free money", "killer", "insane", "sexy")


class BrandSafety:
    def __init__(self, checker: GroundingChecker, banned_words: Sequence[str] = DEFAULT_BANNED_WORDS,
                 competitors: Sequence[str] = ()) -> None:
        self.checker = checker
        self._banned = _any_of(banned_words)
        self._competitors = _any_of(competitors)

    def problems(self, text: str, product: Product, facts: Facts | None = None) -> list[str]:
        found = [f"banned word '{m.group(0)}'" for m in _finditer(self._banned, text)]
        found += [f"competitor '{m.group(0)}' named" for m in _finditer(self._competitors, text)
                  if m.group(0).lower() != product.brand.lower()]
        found += [v.message for v in self.checker.check(text, product, facts)]
        return list(dict.fromkeys(found))


def _any_of(words: Sequence[str]) -> re.Pattern[str] | None:
    words = sorted({w.strip() for w in words if w.strip()}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, words))})(?!\w)", re.I)


def _finditer(pattern: re.Pattern[str] | None, text: str) -> list[re.Match[str]]:
    return list(pattern.finditer(text)) if pattern else []
