"""The three kinds of list: for you, what goes with a product, and products like it.

Each picker returns (row, score, reason) triples, best first, and the names of the signals it used.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from skills.recommend import explain
from skills.recommend.blend import (
    allowed, blend, diversify, normalised, price_band_factor, softmax_normalised, top_candidates,
)
from skills.recommend.complements import complements_of, look_arrays
from skills.recommend.explain import Reason
from skills.recommend.models import Models
from skills.recommend.profile import UserProfile, searched_terms

Picked = tuple[list[tuple[int, float, Reason]], tuple[str, ...]]
RECENT_FOR_CONTENT = 10
MEANINGFUL_SIMILARITY = 0.5  # below this cosine, "similar to" would not be an honest reason


@dataclass(frozen=True)
class Request:
    models: Models
    profile: UserProfile
    settings: Any  # RecommendSettings
    k: int
    allowed_rows: np.ndarray | None = None
    anchor: int | None = None

    @property
    def items(self):
        return self.models.items

    def depth(self) -> int:
        return max(60, 8 * self.k)


def for_you(r: Request) -> Picked:
    history = list(r.profile.recent)
    signals = personal_signals(r, history)
    mask = for_you_mask(r, history)
    if not signals:
        return _from_range(r, mask), ()
    total, parts = blend(signals, r.settings.weights)
    total = total * price_band_factor(r.items, r.profile.price_band)
    rows = _diverse(r, total, mask, r.settings.per_type)
    explainer = _Explainer(r, rows, parts, history)
    return [(row, float(total[row]), explainer.reason(row)) for row in rows], tuple(signals)


def for_you_mask(r: Request, history: list[int]) -> np.ndarray:
    """Rows a "for you" list may show: allowed, and neither had before nor another listing of it."""
    exclude = set(r.profile.purchased) | set(r.profile.disliked) | set(history)
    mask = allowed(r.items, sorted(exclude), r.allowed_rows)
    if history:  # another listing of a product already seen is not a discovery
        mask &= ~np.isin(r.items.title_codes, r.items.title_codes[history])
    return mask


def personal_signals(r: Request, history: list[int]) -> dict[str, np.ndarray]:
    """Each signal's scores over every product, scaled to [0, 1]; signals with nothing to say are left out."""
    signals: dict[str, np.ndarray | None] = {}
    if history:
        if r.models.sequential is not None:
            signals["sequential"] = softmax_normalised(r.models.sequential.scores(history))
        signals["co_occurrence"] = normalised(r.models.co_occurrence.scores([history])[0])
        recent = history[-RECENT_FOR_CONTENT:]
        recency = [0.8 ** age for age in range(len(recent))][::-1]
        signals["content"] = normalised(r.items.content_scores(recent, recency))
    taste = r.profile.categories or r.profile.kinds or r.profile.colours
    signals["affinity"] = normalised(r.profile.affinity(r.items)) if taste else None
    signals["popularity"] = normalised(r.models.popularity)
    return {name: values for name, values in signals.items() if values is not None}


def goes_with(r: Request) -> Picked:
    """Complete the look around the anchor: complementary kinds, matching colours and gender."""
    items, anchor = r.items, r.items.products[r.anchor]
    kinds = complements_of(anchor.product_type)
    kind_bonus = np.zeros(len(items))
    for rank, kind in enumerate(kinds):
        code = items.vocab["product_type"].get(kind)
        if code is not None:
            kind_bonus[items.codes["product_type"] == code] = 1.0 - rank / (len(kinds) + 1)
    related = normalised(r.models.co_occurrence.related(r.anchor))
    pool = kind_bonus > 0 if kinds else (items.codes["product_type"] != items.codes["product_type"][r.anchor])
    if related is not None and not kinds:
        pool &= related > 0
    colours, fits = look_arrays(anchor.colour, anchor.gender, items.columns.colour, items.columns.gender)
    signals = {"look": 0.35 * colours + 0.25 * kind_bonus, "co_occurrence": related,
               "affinity": normalised(r.profile.affinity(r.items)), "popularity": normalised(r.models.popularity)}
    total = _weighted_sum(signals, {"look": 1.0, "co_occurrence": 0.4, "affinity": 0.2, "popularity": 0.2})
    exclude = set(r.profile.purchased) | set(r.profile.disliked) | {r.anchor}
    mask = allowed(items, sorted(exclude), r.allowed_rows) & pool & fits
    rows = _diverse(r, total, mask, per_type=max(1, -(-r.k // max(len(kinds), 1))))
    reasons = [explain.completes(anchor, items.products[row]) for row in rows]
    return [(row, float(total[row]), reason) for row, reason in zip(rows, reasons)], tuple(signals)


def similar(r: Request) -> Picked:
    """Products like the anchor: the same kind, close in content, looked at together."""
    items, anchor = r.items, r.items.products[r.anchor]
    content = normalised(items.content_scores([r.anchor]))
    related = normalised(r.models.co_occurrence.related(r.anchor))
    same_kind = items.codes["product_type"] == items.codes["product_type"][r.anchor]
    total = _weighted_sum({"content": content, "co_occurrence": related,
                           "popularity": normalised(r.models.popularity)},
                          {"content": 1.0, "co_occurrence": 0.5, "popularity": 0.15})
    exclude = set(r.profile.purchased) | {r.anchor}
    mask = allowed(items, sorted(exclude), r.allowed_rows) & same_kind
    rows = _diverse(r, total, mask, per_type=r.k)
    reason = explain.similar_to(anchor, "")
    return [(row, float(total[row]), reason) for row in rows], ("content", "co_occurrence", "popularity")


def popular(r: Request) -> Picked:
    """What the shop's shoppers are most interested in lately, across kinds."""
    scores = normalised(r.models.popularity)
    mask = allowed(r.items, sorted(set(r.profile.purchased) | set(r.profile.disliked)), r.allowed_rows)
    if scores is None:
        return _from_range(r, mask), ()
    rows = _diverse(r, scores, mask, r.settings.per_type)
    return [(row, float(scores[row]), _popular_reason(r, row, [])) for row in rows], ("popularity",)


def _weighted_sum(signals: dict[str, np.ndarray | None], weights: dict[str, float]) -> np.ndarray:
    size = next(len(v) for v in signals.values() if v is not None)
    return sum((weights[name] * values for name, values in signals.items() if values is not None),
               np.zeros(size))


def _diverse(r: Request, total: np.ndarray, mask: np.ndarray, per_type: int) -> list[int]:
    candidates = top_candidates(total, mask, r.depth())
    return diversify(candidates, total, r.items, r.k, r.settings.relevance_share, per_type)


def _from_range(r: Request, mask: np.ndarray) -> list[tuple[int, float, Reason]]:
    """Nothing is known yet (no events anywhere): a varied selection from what is in stock."""
    flat = np.ones(len(r.items))
    rows = _diverse(r, flat, mask, per_type=1)
    return [(row, 0.0, explain.from_range(r.items.products[row].category)) for row in rows]


class _Explainer:
    """Reasons for a batch of picked rows; co-occurrence anchors are looked up for the batch at once."""

    def __init__(self, r: Request, rows: list[int], parts: dict[str, np.ndarray], history: list[int]) -> None:
        self.r, self.parts, self.history = r, parts, history
        self.together = dict(zip(rows, r.models.co_occurrence.strongest_anchors(history, rows)))
        self.recent = list(dict.fromkeys(history[-RECENT_FOR_CONTENT:]))

    def reason(self, row: int) -> Reason:
        """The signal that contributed most to the row's score, turned into words."""
        for name in sorted(self.parts, key=lambda name: -self.parts[name][row]):
            reason = getattr(self, name)(row)
            if reason is not None:
                return reason
        return explain.from_range(self.r.items.products[row].category)

    def sequential(self, row: int) -> Reason | None:
        model = self.r.models.sequential
        anchor = model.closest_in_history(self.history, row) if model is not None else None
        verb = _verb(self.r, anchor)
        return None if verb is None else explain.because_you(self.r.items.products[anchor], verb)

    def co_occurrence(self, row: int) -> Reason | None:
        anchor = self.together.get(row)
        if anchor is None or _verb(self.r, anchor) is None:
            return None
        return explain.viewed_together(self.r.items.products[anchor])

    def content(self, row: int) -> Reason | None:
        if not self.recent:
            return None
        similarity = [self.r.items.similarity(h, row) for h in self.recent]
        best = int(np.argmax(similarity))
        if similarity[best] < MEANINGFUL_SIMILARITY:
            return None
        anchor = self.recent[best]
        verb = _verb(self.r, anchor)
        return None if verb is None else explain.similar_to(self.r.items.products[anchor], verb)

    def affinity(self, row: int) -> Reason | None:
        product, profile = self.r.items.products[row], self.r.profile
        for query in profile.searches:
            if _answers(product, searched_terms([query], self.r.items)):
                return explain.searched(query)
        tastes = (("brand", profile.brands, product.brand), ("colour", profile.colours, product.colour),
                  ("category", profile.categories, product.category))
        for kind, prefs, value in tastes:
            if value and value in list(prefs)[:3]:
                return explain.taste(kind, value)
        return None

    def popularity(self, row: int) -> Reason | None:
        return _popular_reason(self.r, row, self.history)


def _answers(product, terms: list[tuple[str, str]]) -> bool:
    """Whether a product is what a search named: its kind, else its category, else its colour or brand."""
    named: dict[str, set[str]] = {}
    for name, value in terms:
        named.setdefault(name, set()).add(value)
    for name in ("product_type", "category", "colour", "brand"):
        if name in named:
            return getattr(product, name) in named[name]
    return False


def _popular_reason(r: Request, row: int, history: list[int]) -> Reason | None:
    if r.models.popularity[row] <= 0:
        return None
    product = r.items.products[row]
    return explain.popular_in(product.category, int(r.models.category_rank[row]))


def _verb(r: Request, row: int | None) -> str | None:
    """What the shopper really did with `row` ("viewed", "bought", ...); None if nothing (only shown)."""
    action = r.profile.actions.get(row) if row is not None else None
    return explain.VERBS.get(action, "viewed") if action else None


PICKERS: dict[str, Callable[[Request], Picked]] = {"for_you": for_you, "goes_with": goes_with, "similar": similar,
                                                  "popular": popular}
