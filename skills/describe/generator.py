"""Descriptions that pass the grounding check, whoever writes them.

    generator = DescriptionGenerator(GroundingChecker(brands), writer=my_llm_writer)
    description = generator.describe(product, Style(tone="premium"))
    description.source, description.text
    # -> ('llm', '...')

A writer is any callable `writer(product, prompt) -> str` (an LLM behind it, usually). Its draft
is checked; a draft that states something the attributes do not back is rejected, and the writer
is asked again with the violations named. When it runs out of attempts, or when there is no
writer at all, the template composer writes the text. A rejected draft is never returned: it
only appears in `Description.rejected`, for the rejection report.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from knowledge.errors import AisleError
from knowledge.product import Product
from skills.describe.composer import Composition, TemplateComposer, format_price
from skills.describe.facts import Fact, extract_facts
from skills.describe.grounding import Facts, GroundingChecker, Violation
from skills.describe.style import LENGTH_WORDS, Style

log = logging.getLogger(__name__)


class Writer(Protocol):
    """Writes a draft for `product` following `prompt`; an LLM backend implements this.

    It raises `WriterFailed` when it cannot write (its LLM is down or too slow): the template
    composer then writes the text, and the failure is listed with the rejections.
    """

    def __call__(self, product: Product, prompt: str) -> str: ...


class WriterFailed(AisleError):
    """The writer could not produce a draft; the message says why."""


@dataclass(frozen=True, slots=True)
class Rejection:
    """A draft that was not shown, and why."""

    product_id: str
    source: str
    attempt: int
    text: str
    violations: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"product_id": self.product_id, "source": self.source, "attempt": self.attempt,
                "text": self.text, "violations": list(self.violations)}


@dataclass(frozen=True, slots=True)
class Description:
    """A grounded text for one product; `source` says who wrote it ("llm", "template" or "minimal")."""

    product_id: str
    text: str
    source: str
    keywords: tuple[str, ...] = ()
    rejected: tuple[Rejection, ...] = ()
    dropped_keywords: tuple[str, ...] = field(default=())
    seo_title: str = ""
    meta_description: str = ""
    facts: tuple[Fact, ...] = ()  # every fact the text could draw on, each with its source field

    def to_dict(self) -> dict:
        return {"id": self.product_id, "description": self.text, "source": self.source,
                "seo_title": self.seo_title, "meta_description": self.meta_description,
                "keywords": list(self.keywords), "dropped_keywords": list(self.dropped_keywords),
                "facts": [f.to_dict() for f in self.facts], "rejected": [r.to_dict() for r in self.rejected]}


class DescriptionGenerator:
    """An optional writer, checked; the template composer as the honest fallback."""

    def __init__(self, checker: GroundingChecker, writer: Writer | None = None,
                 composer: TemplateComposer | None = None, max_attempts: int = 3) -> None:
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {max_attempts}")
        self.checker = checker
        self.writer = writer
        self.composer = composer or TemplateComposer()
        self.max_attempts = max_attempts

    def describe(self, product: Product, style: Style = Style()) -> Description:
        extracted = extract_facts(product)
        facts = Facts.of(product, extracted)
        keywords, dropped = self._grounded_keywords(product, style.keywords, facts)
        style = Style(style.tone, style.length, keywords)
        rejected: list[Rejection] = []
        composed = self.composer.compose(product, style, extracted)
        page = composed.page
        seo = {"seo_title": page.seo_title, "meta_description": page.meta_description} if page else {}
        if self.writer is not None:
            text = self._from_writer(product, style, facts, extracted, rejected)
            if text is not None:
                return Description(product.id, text, "llm", keywords, tuple(rejected), dropped, facts=extracted, **seo)
        return self._from_template(product, composed, facts, rejected, dropped, extracted)

    def _from_writer(self, product: Product, style: Style, facts: Facts, extracted: Sequence[Fact],
                     rejected: list[Rejection]) -> str | None:
        prompt = build_prompt(product, style, extracted)
        for attempt in range(1, self.max_attempts + 1):
            try:
                draft = self.writer(product, prompt).strip()  # type: ignore[misc]
            except WriterFailed as exc:
                log.warning("the description writer failed for %s: %s", product.id, exc)
                rejected.append(Rejection(product.id, "llm", attempt, "", (f"writer failed: {exc}",)))
                return None
            violations = self.checker.check(draft, product, facts) + _off_topic(draft, product)
            if not violations:
                return draft
            rejected.append(Rejection(product.id, "llm", attempt, draft, tuple(v.message for v in violations)))
            prompt = retry_prompt(prompt, violations)
        return None

    def _from_template(self, product: Product, composed: Composition, facts: Facts, rejected: list[Rejection],
                       dropped: tuple[str, ...], extracted: tuple[Fact, ...]) -> Description:
        violations = self.checker.check(composed.text, product, facts)
        if not violations:
            page = composed.page
            return Description(product.id, composed.text, "template", composed.keywords, tuple(rejected), dropped,
                               page.seo_title if page else "", page.meta_description if page else "", extracted)
        log.warning("template text for %s failed the grounding check: %s", product.id,
                    "; ".join(v.message for v in violations))
        rejected.append(Rejection(product.id, "template", 1, composed.text, tuple(v.message for v in violations)))
        return Description(product.id, minimal_text(product), "minimal", (), tuple(rejected), dropped, facts=extracted)

    def _grounded_keywords(self, product: Product, keywords: Sequence[str],
                           facts: Facts) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Requested SEO keywords are facts too: one the product does not back is dropped."""
        kept = tuple(k for k in keywords if k.strip() and not self.checker.check(k, product, facts))
        return kept, tuple(k for k in keywords if k.strip() and k not in kept)


def _off_topic(draft: str, product: Product) -> list[Violation]:
    """A draft must at least name the product (a word of its title, its brand or its kind): a text that
    states nothing states nothing false, but it is no description either."""
    names = {w for w in re.findall(r"[a-z]{3,}", product.title.lower())} | {product.brand.lower(),
                                                                           product.product_type.lower()}
    words = set(re.findall(r"[a-z]{3,}", draft.lower()))
    if (names - {""}) & words or any(" " in n and n in draft.lower() for n in names):
        return []
    return [Violation("off-topic", "the draft does not name the product (a word of its title, its brand or kind)")]


def minimal_text(product: Product) -> str:
    """The last resort: title and price, which every product backs."""
    return f"{product.title}. Price: {format_price(product.price, product.currency)}."


def build_prompt(product: Product, style: Style, facts: Sequence[Fact] | None = None) -> str:
    """The instruction an LLM writer gets: the extracted facts as its only source, the page's shape, the style."""
    facts = extract_facts(product) if facts is None else facts
    lines = [f"- {fact.name}: {fact.value}" for fact in facts]
    lines.insert(1, f"- price: {format_price(product.price, product.currency)}")
    keywords = f"Work in these search keywords: {', '.join(style.keywords)}.\n" if style.keywords else ""
    return (
        f"Write a {style.tone} product description of about {LENGTH_WORDS[style.length]} words: one short lead "
        "sentence, then 3 to 5 bullet points (each starting with what it does for the shopper), then one paragraph.\n"
        f"{keywords}Use only these facts; do not state any colour, material, size, number, brand, "
        "or claim (waterproof, organic, handmade, best, health benefits, ...) that is not listed.\n"
        + "\n".join(lines)
    )


def retry_prompt(prompt: str, violations: Sequence[Violation]) -> str:
    named = "; ".join(v.message for v in violations)
    return f"{prompt}\n\nYour previous draft was rejected: {named}. Write it again without these."
