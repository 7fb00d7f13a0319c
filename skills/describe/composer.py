"""The template composer: a product page from the product's facts, and the product views ads share.

    composer = TemplateComposer()
    composed = composer.compose(Product(id="p1", title="Trail Runner", brand="Stride", colour="red",
                                        product_type="sneakers", price=79.0), Style(tone="plain", length="short"))
    composed.page.seo_title, composed.text
    # -> ('Stride Trail Runner | red', 'The Trail Runner from Stride is a pair to step out in. ...')

The page itself is written by `skills.describe.page` from `skills.describe.facts`; this module
adds the name a page uses, the price as a shop writes it, and keeps a colour the title contradicts
unsaid. Nothing is said that the facts do not hold: no invented materials, features or claims.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.product import Product
from skills.describe.facts import Fact, extract_facts
from skills.describe.page import Page, PageComposer
from skills.describe.style import Style
from skills.describe.vocab import COLOURS, GENDER_WORDS

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "INR": "₹"}
_FEATURE_KEYS = ("feature", "features")
_AUDIENCE = {"women": "women", "men": "men", "boys": "boys", "girls": "girls", "kids": "kids",
             "unisex kids": "kids"}
_POSSESSIVE = {"women": "women's", "men": "men's", "kids": "kids'", "boys": "boys'", "girls": "girls'"}
_AUDIENCE_WORDS = frozenset(GENDER_WORDS) | {"kid", "baby"}
_ASIDE = re.compile(r"\s+-\s+|\s*\(|\s*,\s*(?=for\b)", re.I)


@dataclass(frozen=True, slots=True)
class Composition:
    """The composed text (the page's lead, bullets and paragraph), its SEO keywords and the page itself."""

    text: str
    keywords: tuple[str, ...]
    page: Page | None = None


class TemplateComposer:
    """Writes a product page from the product's facts in the requested tone and length."""

    def __init__(self) -> None:
        self.pages = PageComposer()

    def compose(self, product: Product, style: Style = Style(), facts: Sequence[Fact] | None = None) -> Composition:
        view = ProductView.of(product)
        keywords = _unique(view.keywords() + [k.lower() for k in style.keywords])
        facts = extract_facts(product) if facts is None else facts
        if product.colour and not view.colour:  # the title names other colours: do not state this one
            facts = [f for f in facts if f.source != "colour"]
        page = self.pages.compose(product, style, facts, page_name(product), view.price, keywords)
        return Composition(page.text, tuple(keywords), page)


def page_name(product: Product) -> str:
    """The name a page calls the product: the title without brand, audience words or a trailing aside
    ("Sale Funda SF694 Analog Watch - For Boys, Men" -> "SF694 Analog Watch")."""
    name = short_name(product)
    head = _ASIDE.split(name)[0].strip()
    return head if len(head.split()) >= 2 else name


@dataclass(frozen=True, slots=True)
class ProductView:
    """The attributes as the templates need them: the name without brand and audience, the price written out."""

    product: Product
    name: str
    kind: str
    brand: str
    colour: str
    material: str
    audience: str
    features: tuple[str, ...]
    price: str
    sizes: tuple[str, ...]

    @classmethod
    def of(cls, product: Product) -> ProductView:
        name = short_name(product)
        kind = (product.product_type or _last_word(name)).lower()
        gender = product.gender.lower()
        audience = "unisex" if gender == "unisex" else _AUDIENCE.get(gender, "")
        features = tuple(str(product.attributes[k]).strip() for k in _FEATURE_KEYS
                         if str(product.attributes.get(k, "")).strip())[:2]
        return cls(product, name, kind, product.brand.strip(), honest_colour(product), product.material.lower(),
                   audience, features, format_price(product.price, product.currency), product.sizes)

    @property
    def plural(self) -> bool:
        return self.kind.endswith("s") and not self.kind.endswith(("ss", "us", "is"))

    @property
    def they(self) -> str:
        return "they" if self.plural else "it"

    def verb(self, verb: str) -> str:
        singular = {"are": "is", "have": "has"}.get(verb, verb + "s")
        return verb if self.plural else singular

    def keywords(self) -> list[str]:
        kind = self.kind
        if not kind:
            return []
        audience = _POSSESSIVE.get(self.audience, "")
        pairs = [self.colour, self.brand.lower(), audience, self.material]
        return [f"{word} {kind}" for word in pairs if word] + [kind]

    def sizes_text(self) -> str:
        if len(self.sizes) > 2 and all(s.isdigit() for s in self.sizes):
            return f"{self.sizes[0]} to {self.sizes[-1]}"
        return _and(list(self.sizes))

    def stock_line(self) -> str:
        return "In stock and ready to order." if self.product.stock > 0 else ""


def short_name(product: Product) -> str:
    """The title without a leading brand and audience word ("SPYKAR Women Pink Jeans" -> "Pink Jeans")."""
    words = product.title.split()
    brand = product.brand.split()
    if brand and [w.lower() for w in words[:len(brand)]] == [w.lower() for w in brand]:
        words = words[len(brand):]
    while len(words) > 1 and words[0].lower().removesuffix("'s") in _AUDIENCE_WORDS:
        words = words[1:]
    return " ".join(words) or product.title


def honest_colour(product: Product) -> str:
    """The colour attribute, unless the title names other colours and not this one (a data conflict)."""
    colour = product.colour.strip().lower()
    title_words = set(re.findall(r"[a-z]+", product.title.lower()))
    named = title_words & COLOURS
    if colour and named and not set(colour.split()) & title_words:
        return ""
    return colour


def format_price(price: float, currency: str) -> str:
    amount = f"{price:,.0f}" if float(price).is_integer() else f"{price:,.2f}"
    symbol = _SYMBOLS.get(currency.upper())
    return f"{symbol}{amount}" if symbol else f"{currency.upper()} {amount}"


def _last_word(name: str) -> str:
    # whole words only: "T-shirt", not "shirt"; "Bra", not the "IVORY" of a code like "CB-126IVORY"
    words = [w for w in re.findall(r"[\w-]+", name) if re.fullmatch(r"[A-Za-z]+(?:-[A-Za-z]+)*", w)]
    return words[-1] if words else ""


def _and(items: list[str] | tuple[str, ...], word: str = "and") -> str:
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))
