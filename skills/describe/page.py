"""A product page from the product's facts: lead, benefit-led bullets, a paragraph, SEO title and meta.

    page = PageComposer().compose(product, Style(tone="premium", length="medium"))
    page.lead, page.bullets, page.paragraph, page.seo_title, page.meta_description
    page.text          # lead, bullets and paragraph as one text, as a shop would publish it

Every fact on the page comes from `extract_facts` (and so traces to a field of the shop's data);
the words around the facts come from the product's family (`families`) and the tone, and state
nothing. Which pattern a product gets is fixed by a hash of its id, so a catalog reads varied
while a product's page never changes between runs. The length decides how many facts are stated:
`short` three bullets and few details, `medium` every fact up to a dozen, `long` all of them
with sizes, stock and a closing line.
"""
from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.product import Product
from skills.describe.facts import Fact, extract_facts
from skills.describe.families import Family, family_of
from skills.describe.page_words import (
    AUDIENCE, BENEFITS, FACT_ORDER, OPENERS, PRICE, PROSE_FACTS, benefit, fact_phrase, join_and, sentence_case, tidy,
)
from skills.describe.style import Style

SEO_TITLE_MAX = 60
META_MAX = 155
BULLETS = {"short": 3, "medium": 4, "long": 5}
DETAILS = {"short": 3, "medium": 12, "long": 40}  # facts stated beyond the bullets


@dataclass(frozen=True, slots=True)
class Page:
    """A product page's parts; `stated` are the facts it states, each with its source field."""

    lead: str
    bullets: tuple[str, ...]
    paragraph: str
    seo_title: str
    meta_description: str
    stated: tuple[Fact, ...] = ()

    @property
    def text(self) -> str:
        bullets = "\n".join(f"- {b}" for b in self.bullets)
        return "\n\n".join(part for part in (self.lead, bullets, self.paragraph) if part)

    def to_dict(self) -> dict:
        return {"lead": self.lead, "bullets": list(self.bullets), "paragraph": self.paragraph,
                "seo_title": self.seo_title, "meta_description": self.meta_description,
                "facts": [f.to_dict() for f in self.stated]}


@dataclass(frozen=True, slots=True)
class Subject:
    """What a page is about: the product, its name as a page says it, its family, its facts in order."""

    product: Product
    name: str
    brand: str
    family: Family
    facts: tuple[Fact, ...]
    price: str

    def pick(self, options: Sequence[str], slot: str) -> str:
        return options[zlib.crc32(f"{self.product.id}|{slot}".encode()) % len(options)]

    @property
    def named(self) -> str:
        """"the Trail Runner from Stride", without the brand twice."""
        brand = f" from {self.brand}" if self.brand and self.brand.lower() not in self.name.lower() else ""
        return f"the {self.name}{brand}"


class PageComposer:
    """Writes a product page from the facts, in a tone and a length."""

    def compose(self, product: Product, style: Style = Style(), facts: Sequence[Fact] | None = None,
                name: str = "", price: str = "", keywords: Sequence[str] = ()) -> Page:
        subject = subject_of(product, facts, name, price)
        named = [f for f in subject.facts if f.stated_in(subject.name)]  # the name says them already
        unsaid = [f for f in subject.facts if f not in named]
        bulleted = _bullet_facts(unsaid + named, BULLETS[style.length])  # the name's facts lead bullets too
        rest = [f for f in unsaid if f not in bulleted][:DETAILS[style.length]]
        bullets = tuple(tidy(_bullet(f, subject.family)) for f in bulleted) + _fallback_bullets(subject, len(bulleted))
        paragraph = tidy(" ".join(s for s in _paragraph(subject, rest, style, keywords) if s))
        lead = tidy(_lead(subject, style.tone))
        stated = tuple(dict.fromkeys([*named, *bulleted, *rest]))
        return Page(lead, bullets, paragraph, seo_title(subject), meta_description(subject), stated)


def subject_of(product: Product, facts: Sequence[Fact] | None, name: str, price: str) -> Subject:
    facts = extract_facts(product) if facts is None else facts
    ordered = sorted((f for f in facts if f.descriptive), key=_rank)
    return Subject(product, name or product.title, product.brand.strip(), family_of(product), tuple(ordered),
                   price or f"{product.price:,.2f} {product.currency}")


def _rank(fact: Fact) -> int:
    return FACT_ORDER.index(fact.name) if fact.name in FACT_ORDER else len(FACT_ORDER)


def _bullet_facts(facts: Sequence[Fact], count: int) -> list[Fact]:
    """The first facts of different kinds with a benefit to lead with (one material, one pattern, ...),
    then more of any kind up to three."""
    chosen, benefits = [], set()
    for fact in facts:
        if fact.name in BENEFITS and BENEFITS[fact.name] not in benefits and len(chosen) < count:
            chosen.append(fact)
            benefits.add(BENEFITS[fact.name])
    return chosen + [f for f in facts if f not in chosen][:max(0, min(count, 3) - len(chosen))]


def _bullet(fact: Fact, family: Family) -> str:
    return f"{benefit(fact.name, family.wearable)}: {fact_phrase(fact.name, fact.value, fact.label)}."


def _fallback_bullets(subject: Subject, have: int) -> tuple[str, ...]:
    """Bullets from what every product has (brand, audience, price) when its facts give fewer than three."""
    product, options = subject.product, []
    if subject.brand:
        options.append(f"From {subject.brand}: {subject.name}.")
    if product.sizes:
        options.append(f"Sizes to choose from: {join_and(list(product.sizes))}.")
    options.append(f"Priced at {subject.price}.")
    return tuple(tidy(o) for o in options[:max(0, 3 - have)])


def _lead(subject: Subject, tone: str) -> str:
    hook = subject.pick(subject.family.hooks, "hook")
    pattern = subject.pick(OPENERS[tone], "open")
    last = subject.name.split()[-1].lower() if subject.name.split() else ""
    plural = last.endswith("s") and not last.endswith(("ss", "us", "is"))
    return pattern.format(x=subject.named, X=sentence_case(subject.named), hook=hook, is_="are" if plural else "is")


def _paragraph(subject: Subject, rest: Sequence[Fact], style: Style, keywords: Sequence[str]) -> list[str]:
    product = subject.product
    prose = [fact_phrase(f.name, f.value, f.label) for f in rest if f.name in PROSE_FACTS]
    listed = [f for f in rest if f.name not in PROSE_FACTS]
    sentences = [f"It has {join_and(prose)}." if prose else ""]
    if listed:
        sentences.append("More details – " + "; ".join(_detail(f) for f in listed) + ".")
    audience = AUDIENCE.get(product.gender.strip().lower())
    if audience and style.length != "short":
        sentences.append(f"Designed for {audience}.")
    sentences.append(subject.pick(PRICE[style.tone], "price").format(price=subject.price))
    if style.length == "medium":
        sentences.append(subject.pick(subject.family.closers, "close"))
    if style.length == "long":
        if product.sizes:
            sentences.append(f"Sizes: {join_and(list(product.sizes))}.")
        if product.stock > 0:
            sentences.append("In stock and ready to order.")
        shown = [k for k in keywords if " " in k][:2]
        if shown:
            sentences.append(f"Find it under {join_and(shown)}.")
        sentences.append(subject.pick(subject.family.closers, "close"))
    return sentences


def _detail(fact: Fact) -> str:
    """A fact in a list of details: with its name where the value alone would not say what it is ("colour: red")."""
    phrase = fact_phrase(fact.name, fact.value, fact.label)
    if ":" in phrase or fact.name in ("detail", "feature", "in the box") or fact.name in phrase.lower():
        return phrase
    return f"{fact.name}: {phrase}"


def seo_title(subject: Subject) -> str:
    """Brand and name, with the first fact where it fits; never over 60 characters, never cut mid-word."""
    base = subject.name if subject.brand.lower() in subject.name.lower() else f"{subject.brand} {subject.name}"
    base = tidy(base.strip())
    top = subject.facts[0] if subject.facts else None
    if top is not None:
        with_fact = f"{base} | {fact_phrase(top.name, top.value, '')}"
        if len(with_fact) <= SEO_TITLE_MAX:
            return with_fact
    return shorten(base, SEO_TITLE_MAX)


def meta_description(subject: Subject) -> str:
    """The name, as many facts as fit and the price, within 155 characters."""
    phrases = [fact_phrase(f.name, f.value, "") for f in subject.facts]
    price = f" {subject.pick(PRICE['plain'], 'meta')}".format(price=subject.price)
    for count in range(min(len(phrases), 4), -1, -1):
        facts = f": {', '.join(phrases[:count])}" if count else ""
        text = tidy(f"{sentence_case(subject.named)}{facts}.{price}")
        if len(text) <= META_MAX:
            return text
    return shorten(tidy(sentence_case(subject.named)), META_MAX)


def shorten(text: str, limit: int) -> str:
    """`text` cut at the last whole word that fits `limit` characters."""
    if len(text) <= limit:
        return text
    cut = text[:limit + 1].rsplit(" ", 1)[0].rstrip(" ,;:-|")
    return cut if cut else text[:limit]
