"""Time-decayed popularity: what shoppers are interested in now counts more than what they were.

Each interaction adds its weight times 2^(-age / half_life) to its item::

    scores = decayed_popularity(rows, weights, timestamps, n_items=2400, half_life_days=14, now=time.time())
    top = category_leaders(scores, items.categories, per_category=5)
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

DAY = 86_400.0


def decayed_popularity(rows: Sequence[int], weights: Sequence[float], timestamps: Sequence[float], n_items: int,
                       half_life_days: float = 14.0, now: float | None = None) -> np.ndarray:
    """(n_items,) summed interest; `half_life_days` <= 0 means no decay. Negative totals become 0."""
    rows_ = np.asarray(rows, dtype=np.int64)
    w = np.asarray(weights, dtype=np.float64)
    if half_life_days > 0 and len(rows_):
        ts = np.asarray(timestamps, dtype=np.float64)
        now = float(ts.max()) if now is None else now
        age_days = np.maximum(now - ts, 0.0) / DAY
        w = w * np.exp2(-age_days / half_life_days)
    scores = np.bincount(rows_, weights=w, minlength=n_items)[:n_items] if len(rows_) else np.zeros(n_items)
    return np.maximum(scores, 0.0)


def category_ranks(scores: np.ndarray, categories: np.ndarray) -> np.ndarray:
    """Each item's popularity rank within its own category (0 is the most popular)."""
    ranks = np.empty(len(scores), dtype=np.int64)
    for category in np.unique(categories):
        members = np.flatnonzero(categories == category)
        order = members[np.argsort(-scores[members], kind="stable")]
        ranks[order] = np.arange(len(order))
    return ranks
