"""The template composer: honest product text from the structured attributes alone.

    composer = TemplateComposer()
    composer.compose(Product(id="p1", title="Trail Runner", brand="Stride", colour="red",
                             product_type="sneakers", price=79.0), Style(tone="plain", length="short")).text
    # -> 'The Trail Runner is from Stride, in red. Priced at $79.'

Each sentence slot has several patterns per tone; which one a product gets is fixed by a hash of
its id, so a catalog reads varied while a product's text never changes between runs. Nothing is
said that the attributes do not hold: no invented materials, features or claims.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from knowledge.product import Product
from skills.describe.style import Style
from skills.describe.vocab import COLOURS, GENDER_WORDS

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "INR": "₹"}
_FEATURE_KEYS = ("feature", "features")
_AUDIENCE = {"women": "women", "men": "men", "boys": "boys", "girls": "girls", "kids": "kids",
             "unisex kids": "kids"}
_POSSESSIVE = {"women": "women's", "men": "men's", "kids": "kids'", "boys": "boys'", "girls": "girls'"}
_AUDIENCE_WORDS = frozenset(GENDER_WORDS) | {"kid", "baby"}

OPENERS = {
    "friendly": ("Meet the {name}{brand}{colour}.", "Say hello to the {name}{brand}{colour}.",
                 "Here is the {name}{brand}{colour}, ready for your everyday."),
    "premium": ("Discover the {name}{brand}{colour}.", "Presenting the {name}{brand}{colour}.",
                "The {name}{brand}{colour} brings a refined note to any collection."),
    "playful": ("Ready for something new? Meet the {name}{brand}{colour}.",
                "Here comes the {name}{brand}{colour}, with plenty of personality.",
                "Psst: the {name}{brand}{colour} just landed."),
    "plain": ("Introducing the {name}{brand}{colour}.", "{Name}{brand}{colour}."),
}
DETAILS = {
    "friendly": ("{They} {come} in {material}{features}.", "Made with {material}{features}, {they} {are} easy to love."),
    "premium": ("Fashioned in {material}{features}.", "{They} {are} realised in {material}{features}."),
    "playful": ("{They} {come} in {material}{features}, because details matter.", "{Material} all the way{features}."),
    "plain": ("Material: {material}{features}.", "{They} {are} {material}{features}."),
}
FIT = ("Designed for {audience}{sizes}.", "A style for {audience}{sizes}.", "Cut for {audience}{sizes}.")
PRICE = {
    "friendly": ("Yours for {price}.", "All this for {price}.", "The price: {price}."),
    "premium": ("Available for {price}.", "Offered at {price}."),
    "playful": ("The damage? Just {price}.", "Grab it for {price}."),
    "plain": ("Priced at {price}.", "Price: {price}."),
}
CLOSERS = {
    "friendly": ("Add it to your cart and make it yours.", "A lovely pick for every day."),
    "premium": ("A considered choice for your collection.", "Quietly confident, made to be noticed."),
    "playful": ("Go on, you know you want to.", "Your new favourite is one click away."),
    "plain": ("Order online today.", "See the product page for more."),
}


@dataclass(frozen=True, slots=True)
class Composition:
    text: str
    keywords: tuple[str, ...]


class TemplateComposer:
    """Writes a description from the attributes in the requested tone and length."""

    def compose(self, product: Product, style: Style = Style()) -> Composition:
        view = ProductView.of(product)
        keywords = _unique(view.keywords() + [k.lower() for k in style.keywords])
        sentences = [self._opener(view, style.tone)]
        if style.length != "short":
            sentences += [self._details(view, style.tone), self._fit(view, style.length == "long")]
        sentences.append(_pick(PRICE[style.tone], view, "price").format(price=view.price))
        if style.length == "long":
            sentences += [view.stock_line(), _keyword_line(view, keywords), _pick(CLOSERS[style.tone], view, "close")]
        return Composition(" ".join(s for s in sentences if s), tuple(keywords))

    def _opener(self, view: ProductView, tone: str) -> str:
        pattern = _pick(OPENERS[tone], view, "open")
        brand = f" from {view.brand}" if view.brand else ""
        in_name = re.search(rf"\b{re.escape(view.colour)}\b", view.name.lower()) is not None
        colour = f", in {view.colour}" if view.colour and not in_name else ""
        return pattern.format(name=view.name, Name=view.name, brand=brand, colour=colour)

    def _details(self, view: ProductView, tone: str) -> str:
        if not view.material and not view.features:
            return ""
        if not view.material:
            return f"{view.they.capitalize()} {view.verb('have')} {_and(view.features)}."
        features = f", with {_and(view.features)}" if view.features else ""
        pattern = _pick(DETAILS[tone], view, "detail")
        return pattern.format(material=view.material, Material=view.material.capitalize(), features=features,
                              They=view.they.capitalize(), they=view.they, come=view.verb("come"),
                              are=view.verb("are"))

    def _fit(self, view: ProductView, with_sizes: bool) -> str:
        sizes = f", in sizes {view.sizes_text()}" if with_sizes and view.sizes else ""
        if view.audience == "unisex":
            return f"A unisex design{sizes}."
        if not view.audience:
            return f"Available in sizes {view.sizes_text()}." if sizes else ""
        return _pick(FIT, view, "fit").format(audience=view.audience, sizes=sizes)


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


def _keyword_line(view: ProductView, keywords: list[str]) -> str:
    shown = [k for k in keywords if " " in k][:2]
    if not shown:
        return ""
    return f"Search tags: {', '.join(shown)}."


def _pick(patterns: tuple[str, ...], view: ProductView, slot: str) -> str:
    return patterns[zlib.crc32(f"{view.product.id}|{slot}".encode()) % len(patterns)]


def _last_word(name: str) -> str:
    # whole words only: "T-shirt", not "shirt"; "Bra", not the "IVORY" of a code like "CB-126IVORY"
    words = [w for w in re.findall(r"[\w-]+", name) if re.fullmatch(r"[A-Za-z]+(?:-[A-Za-z]+)*", w)]
    return words[-1] if words else ""


def _and(items: list[str] | tuple[str, ...], word: str = "and") -> str:
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))
