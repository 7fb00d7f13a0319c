"""Blending the recommenders' signals, applying the shop's rules, and keeping the list diverse.

Each signal is scaled to [0, 1] over the catalog, weighted and summed; the largest weighted part of
a product's score is the reason it is shown. Business rules remove what must never be shown (out
of stock, already bought, outside the shopper's stated constraints) and soften what is unlikely
(far above the shopper's usual price band). MMR then picks the list: relevance minus similarity
to what is already picked, with at most `per_type` products of one kind::

    total, parts = blend({"popularity": pop, "content": sim}, Weights())
    rows = diversify(candidates, total, items, k=6, relevance_share=0.7, per_type=2)
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from skills.recommend.items import ItemTable



SIGNALS = ("sequential", "co_occurrence", "content", "affinity", "popularity")


@dataclass(frozen=True)
class Weights:
    sequential: float = 1.0
    co_occurrence: float = 0.8
    content: float = 0.5
    affinity: float = 0.4
    popularity: float = 0.25

    def of(self, signal: str) -> float:
        return getattr(self, signal)


def normalised(values: np.ndarray | None) -> np.ndarray | None:
    """Scaled to [0, 1] by the maximum; NaN and negatives become 0; None or all-zero stays None."""
    if values is None:
        return None
    clean = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0, neginf=0.0, posinf=0.0)
    clean = np.maximum(clean, 0.0)
    top = clean.max() if clean.size else 0.0
    return clean / top if top > 0 else None


def softmax_normalised(logits: np.ndarray | None) -> np.ndarray | None:
    """Next-item logits as probabilities over the items the model knows, then scaled to [0, 1]."""
    if logits is None or np.isnan(logits).all():
        return None
    known = ~np.isnan(logits)
    probs = np.zeros(len(logits), dtype=np.float64)
    shifted = np.exp(logits[known] - logits[known].max())
    probs[known] = shifted / shifted.sum()
    return normalised(probs)


def blend(signals: Mapping[str, np.ndarray | None], weights: Weights) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The weighted sum and each signal's weighted part; absent signals contribute nothing."""
    parts = {name: weights.of(name) * values for name, values in signals.items() if values is not None}
    if not parts:
        raise ValueError("no signal to blend")
    return sum(parts.values()), parts


def allowed(items: ItemTable, exclude: Sequence[int], allowed_rows: np.ndarray | None = None) -> np.ndarray:
    """Rows that may be shown: in stock, not excluded, and within `allowed_rows` when given."""
    mask = items.in_stock.copy()
    if allowed_rows is not None:
        keep = np.zeros(len(items), dtype=bool)
        keep[allowed_rows] = True
        mask &= keep
    if len(exclude):
        mask[list(exclude)] = False
    return mask


def price_band_factor(items: ItemTable, band: tuple[float, float] | None, stretch: float = 1.5) -> np.ndarray:
    """1 inside the shopper's usual band (stretched), falling off the further a price is above it."""
    if band is None:
        return np.ones(len(items))
    ceiling = max(band[1], 1.0) * stretch
    over = np.maximum(items.prices / ceiling, 1.0)
    return 1.0 / over


def diversify(candidates: np.ndarray, scores: np.ndarray, items: ItemTable, k: int,
              relevance_share: float = 0.7, per_type: int = 2) -> list[int]:
    """Maximal marginal relevance over `candidates` (rows, best first), at most `per_type` per kind.

    Products with no kind in the catalog are not one kind: the cap does not apply to them.
    """
    pool = np.asarray(candidates, dtype=np.int64)
    if not len(pool):
        return []
    top = float(scores[pool].max()) or 1.0
    relevance = relevance_share * scores[pool] / top
    similar = items.similarities(pool)
    kinds = items.codes["product_type"][pool]
    unknown = items.vocab["product_type"].get("")
    redundancy = np.zeros(len(pool))
    open_ = np.ones(len(pool), dtype=bool)
    taken: dict[int, int] = {}
    picked: list[int] = []
    while len(picked) < k and open_.any():
        value = np.where(open_, relevance - (1 - relevance_share) * redundancy, -np.inf)
        best = int(np.argmax(value))
        picked.append(int(pool[best]))
        open_[best] = False
        kind = int(kinds[best])
        taken[kind] = taken.get(kind, 0) + 1
        if taken[kind] >= per_type and kind != unknown:
            open_ &= kinds != kind
        redundancy = np.maximum(redundancy, similar[best])
    return picked


def top_candidates(scores: np.ndarray, mask: np.ndarray, depth: int) -> np.ndarray:
    """The `depth` best allowed rows, best first."""
    rows = np.flatnonzero(mask)
    if len(rows) > depth:
        rows = rows[np.argpartition(-scores[rows], depth - 1)[:depth]]
    return rows[np.argsort(-scores[rows], kind="stable")]
