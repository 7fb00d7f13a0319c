"""Ad-copy variants per placement, in several angles, within each field's hard limit.

    writer = AdWriter(BrandSafety(GroundingChecker(brands)))
    batch = writer.write(product, "search", count=3, segment=segment_from("bargain_hunters"))
    [(v.angle, v.fields["headline"]) for v in batch.variants]
    # -> [('price', 'Trail Runner for $79'), ('benefit', 'Mesh Sneakers'), ('occasion', 'Sneakers for every day')]

Every field's candidates run from the richest to the shortest; the first one that fits the limit
and passes the brand-safety filter is taken. A variant whose fields cannot all be filled is left
out (and said so in `notes`), so no returned variant ever exceeds a limit. Urgency is written only
when the stock backs it: between 1 and `low_stock` units.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from knowledge.product import Product
from skills.ads.placements import PLACEMENTS, Placement
from skills.ads.safety import BrandSafety
from skills.ads.segments import Segment
from skills.describe.composer import ProductView
from skills.describe.facts import Fact, extract_facts
from skills.describe.grounding import Facts
from skills.describe.page_words import readable

ANGLES = ("price", "benefit", "occasion", "urgency")
_SHORT_FIELDS = frozenset({"headline"})
_CTAS = ("Shop now.", "Order today.", "See it in the shop.")
_OCCASIONS = {"shoes": "every day", "apparel": "every day", "accessories": "every day", "bags": "every trip",
              "kitchen": "your kitchen", "home": "your home", "beauty": "your routine", "sports": "your workouts"}
SMS_OPT_OUT = " Reply STOP to opt out."
# Facts that read as a word before the name ("Cotton Lycra Shorts") or after "with" ("Shorts with two zip pockets").
_BEFORE_NAME = ("material", "pattern", "fit", "pack size")
_AFTER_WITH = ("feature", "closure", "neckline", "sleeves", "capacity")


@dataclass(frozen=True, slots=True)
class AdVariant:
    variant_id: str
    placement: str
    angle: str
    fields: dict[str, str]
    segment: str = "everyone"

    def to_dict(self) -> dict:
        return {"variant_id": self.variant_id, "placement": self.placement, "angle": self.angle,
                "segment": self.segment, "fields": dict(self.fields),
                "lengths": {name: len(text) for name, text in self.fields.items()}}


@dataclass(frozen=True, slots=True)
class AdBatch:
    product_id: str
    placement: str
    variants: tuple[AdVariant, ...]
    rejected: tuple[dict, ...] = ()
    notes: tuple[str, ...] = field(default=())


class AdWriter:
    def __init__(self, safety: BrandSafety, low_stock: int = 10) -> None:
        self.safety = safety
        self.low_stock = low_stock

    def write(self, product: Product, placement: str, count: int = 3, segment: Segment = Segment(),
              angles: Sequence[str] | None = None) -> AdBatch:
        spec = _placement(placement)
        extracted = extract_facts(product)
        facts = Facts.of(product, extracted)
        copy = _Copy(ProductView.of(product), segment, extracted)
        notes: list[str] = []
        chosen = self._angles(product, segment, angles, notes)
        variants: list[AdVariant] = []
        rejected: list[dict] = []
        seen: set[tuple] = set()
        for round_ in range(max(count, 1)):
            for angle in chosen:
                if len(variants) >= count:
                    break
                fields = self._fields(spec, copy, angle, round_, product, facts, rejected)
                if fields and tuple(fields.values()) not in seen:
                    seen.add(tuple(fields.values()))
                    variants.append(AdVariant(f"{spec.name}-{angle}-{round_ + 1}", spec.name, angle, fields,
                                              segment.name))
        if len(variants) < count:
            notes.append(f"only {len(variants)} distinct {spec.label} fit the limits and the safety filter")
        return AdBatch(product.id, spec.name, tuple(variants), tuple(rejected), tuple(notes))

    def _angles(self, product: Product, segment: Segment, wanted: Sequence[str] | None, notes: list[str]) -> list[str]:
        angles = list(wanted or ANGLES)
        unknown = [a for a in angles if a not in ANGLES]
        if unknown:
            raise ValueError(f"unknown angle {unknown[0]!r}: choose from {', '.join(ANGLES)}")
        if "urgency" in angles and not 0 < product.stock <= self.low_stock:
            angles.remove("urgency")
            if wanted:
                notes.append(f"no urgency copy: {product.stock} in stock, urgency needs 1 to {self.low_stock}")
        if segment.price_sensitive and "price" in angles:
            angles.remove("price")
            angles.insert(0, "price")
        elif segment.price_level == "premium" and "benefit" in angles:
            angles.remove("benefit")
            angles.insert(0, "benefit")
        if segment.occasion and "occasion" in angles:
            angles.remove("occasion")
            angles.insert(0, "occasion")
        return angles

    def _fields(self, spec: Placement, copy: _Copy, angle: str, round_: int, product: Product, facts: Facts,
                rejected: list[dict]) -> dict[str, str] | None:
        fields = {}
        for name, limit in spec.limits.items():
            candidates = copy.headlines(angle) if name in _SHORT_FIELDS else copy.bodies(angle, round_, spec.name)
            text = self._first_fit(candidates, limit, round_, product, facts, rejected)
            if text is None:
                return None
            fields[name] = text
        return fields

    def _first_fit(self, candidates: list[str], limit: int, skip: int, product: Product, facts: Facts,
                   rejected: list[dict]) -> str | None:
        fitting = []
        for text in dict.fromkeys(candidates):
            if not text or len(text) > limit:
                continue
            problems = self.safety.problems(text, product, facts)
            if problems:
                rejected.append({"text": text, "problems": problems})
                continue
            fitting.append(text)
            if len(fitting) > skip:
                break
        return fitting[min(skip, len(fitting) - 1)] if fitting else None


class _Copy:
    """The phrasings of each angle for one product and segment, richest first."""

    def __init__(self, view: ProductView, segment: Segment, facts: Sequence[Fact] = ()) -> None:
        self.view = view
        self.segment = segment
        self.benefits = benefit_phrases(facts, view)
        kind = view.kind.title() if view.kind else ""
        names = [n for n in (view.name, f"{view.brand} {kind}".strip(), kind, view.brand) if n]
        if segment.likes("colour", view.colour):  # the segment leans to this colour: say it first
            names = [n if view.colour in n.lower() else f"{view.colour.title()} {n}" for n in names[:3]] + names
        self.names = list(dict.fromkeys(names))
        self.occasion = segment.occasion or _OCCASIONS.get(view.product.category.lower(), "every day")
        self.leads = self._segment_leads()

    def headlines(self, angle: str) -> list[str]:
        v, names = self.view, self.names
        best = self._with_benefit(names[1:] or names)  # a benefit in the headline where the limit allows
        if angle == "price":
            return ([f"{n} for {v.price}" for n in best] + [f"{n} for {v.price}" for n in names]
                    + [f"{n}, {v.price}" for n in names] + [f"Only {v.price}"])
        if angle == "benefit":
            audience = self._audience()
            texts = best + [f"{n} with {f}" for n in names for f in v.features]
            texts += [f"{v.material.title()} {n}" for n in names[1:] if v.material]
            texts += [f"{n} for {audience}" for n in names if audience]
            return texts + [f"{v.colour.title()} {n}" for n in names[1:] if v.colour] + names
        if angle == "occasion":
            return ([f"{n} for {self.occasion}" for n in best] + [f"{n} for {self.occasion}" for n in names]
                    + [f"Ready for {self.occasion}"] + names)
        stock = v.product.stock
        return [f"Only {stock} left: {n}" for n in names] + [f"Only {stock} left"]

    def bodies(self, angle: str, round_: int, placement: str) -> list[str]:
        cta = _CTAS[round_ % len(_CTAS)]
        statements = self._statements(angle)
        texts = [f"{lead} {t}" for lead in self.leads for t in statements] + statements
        texts = [f"{t} {cta}" for t in texts]
        if self.segment.returning:
            texts = [f"Welcome back! {t}" for t in texts] + texts
        if placement == "sms":
            texts = [t + SMS_OPT_OUT for t in texts]
        return texts

    def _statements(self, angle: str) -> list[str]:
        v, names, full = self.view, self.names, self._full
        if angle == "price":
            texts = [f"Get the {full(n)} for {v.price}." for n in names] + [f"The {n} for {v.price}." for n in names]
            if self.segment.in_price_band(v.product.price):
                texts = [f"Get the {full(n)} for {v.price}, right in your usual range." for n in names] + texts
            return texts
        if angle == "benefit":
            details = [f for f in (*(p for p, _ in self.benefits[:3]), *v.features, f"{v.material} build" if v.material else "") if f]
            details = list(dict.fromkeys(details))
            lead = [f"The {full(n)}: {', '.join(details)}." for n in names] if details else []
            return lead + [f"The {full(n)}." for n in names] + [f"The {n}." for n in names]
        if angle == "occasion":
            return ([f"Made for {self.occasion}: the {full(n)}." for n in names]
                    + [f"The {n}, for {self.occasion}." for n in names])
        stock = v.product.stock
        return [f"Only {stock} left of the {full(n)}." for n in names] + [f"Only {stock} left."]

    def _with_benefit(self, names: list[str]) -> list[str]:
        """The names with the product's first benefits: "Cotton Lycra Cycling Shorts", "Bag with two zip pockets"."""
        texts: list[str] = []
        if self.segment.likes("colour", self.view.colour):
            return texts  # the colour the segment likes leads instead
        for phrase, before in self.benefits[:2]:
            texts += [_prefixed(phrase, n) if before else f"{n} with {phrase}" for n in names]
        return texts

    def _segment_leads(self) -> list[str]:
        """Openers for what the segment likes about this product: its brand, its kind. Only ever true ones."""
        v, segment = self.view, self.segment
        leads = []
        if segment.likes("brand", v.brand):
            leads.append(f"For {v.brand} fans:")
        if v.kind and (segment.likes("kind", v.kind) or segment.likes("kind", v.product.product_type)):
            leads.append(f"Your next {v.kind}:")
        return leads

    def _full(self, name: str) -> str:
        """The name with the brand and colour, each unless the name already says it."""
        v, lowered = self.view, name.lower()
        brand = f" from {v.brand}" if v.brand and v.brand.lower() not in lowered else ""
        colour = f" in {v.colour}" if v.colour and v.colour not in lowered else ""
        return f"{name}{brand}{colour}"

    def _audience(self) -> str:
        wanted, audience = self.segment.gender, self.view.audience
        if wanted and audience and (wanted == audience or audience == "unisex"):
            return wanted
        return ""


def benefit_phrases(facts: Sequence[Fact], view: ProductView) -> list[tuple[str, bool]]:
    """(phrase, goes before the name) for the facts an ad can lead with, in the page's order of importance."""
    name = view.name.lower()
    phrases = [(readable(f.value), f.name in _BEFORE_NAME) for f in facts
               if f.name in _BEFORE_NAME + _AFTER_WITH and len(f.value) <= 30]
    return [(p, before) for p, before in dict.fromkeys(phrases) if p.lower() not in name]


def _prefixed(phrase: str, name: str) -> str:
    """"cotton lycra" before "Shorts" -> "Cotton Lycra Shorts" (headline case; "of", "and" stay small)."""
    words = [w if w in ("of", "and", "with", "in") else w[:1].upper() + w[1:] for w in phrase.split()]
    return f"{' '.join(words)} {name}"


def _placement(name: str) -> Placement:
    if name not in PLACEMENTS:
        raise ValueError(f"unknown placement {name!r}: choose from {', '.join(PLACEMENTS)}")
    return PLACEMENTS[name]
