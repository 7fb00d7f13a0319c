"""The shop-wide models, fitted from every stored event: one immutable snapshot, swapped whole.

    models = fit_models(items, store.all_events(since), half_life_days=14, sequential=scorer)
    models.popularity[row], models.co_occurrence.related(row)
"""
from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from skills.recommend.cooccurrence import CoOccurrence
from skills.recommend.events import Event, interest
from skills.recommend.items import ItemTable
from skills.recommend.popularity import category_ranks, decayed_popularity
from skills.recommend.sequential import SequentialScorer


@dataclass(frozen=True)
class Models:
    items: ItemTable
    popularity: np.ndarray  # time-decayed, (len(items),)
    category_rank: np.ndarray  # each product's popularity rank inside its category
    co_occurrence: CoOccurrence
    sequential: SequentialScorer | None
    events_version: tuple = ()
    fitted_at: float = 0.0
    events: int = 0


def fit_models(items: ItemTable, events: Iterable[Event], half_life_days: float,
               sequential: SequentialScorer | None = None, events_version: tuple = (),
               now: float | None = None) -> Models:
    """Popularity and co-occurrence from `events` (time order) over the products in `items`."""
    now = time.time() if now is None else now
    rows, weights, stamps = [], [], []
    sessions: dict[str, list[int]] = {}
    for event in events:
        row = items.row(event.item) if event.item else None
        weight = interest(event) if row is not None else 0.0
        if row is None or weight == 0:
            continue
        rows.append(row)
        weights.append(weight)
        stamps.append(event.ts)
        if weight > 0:
            seq = sessions.setdefault(event.user, [])
            if not seq or seq[-1] != row:
                seq.append(row)
    popularity = decayed_popularity(rows, weights, stamps, len(items), half_life_days, now)
    return Models(
        items=items, popularity=popularity, category_rank=category_ranks(popularity, items.categories),
        co_occurrence=CoOccurrence.fit(sessions.values(), len(items)), sequential=sequential,
        events_version=events_version, fitted_at=now, events=len(rows),
    )
