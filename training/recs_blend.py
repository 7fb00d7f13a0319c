"""Fitting the served blend's weights with a freshly trained sequential model, on validation items.

The recommender the `recommend` skill serves is built over the data's items, with every shopper's
events up to (not including) their validation item, and `skills.recommend.blend_fit` chooses the
weights under which a sample of those validation items rank best. The weights travel in the
checkpoint, and the served recommender uses them unless the shop set weights by hand::

    fit = fit_served_blend(model, data, split, cases=3000)
    fit.weights, fit.valid, fit.default
"""
from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from skills.recommend.attribute_items import items_from_attributes
from skills.recommend.blend_fit import BlendFit, events_before_held_out, fit_weights
from skills.recommend.events import EventStore
from skills.recommend.items import ItemTable
from skills.recommend.sasrec import SASRec, save_checkpoint
from skills.recommend.service import Recommender, RecommendSettings
from training.recs_data import Sequences, Split


def fit_served_blend(model: SASRec, data: Sequences, split: Split, cases: int, items: ItemTable | None = None,
                     seed: int = 0) -> BlendFit:
    """Weights fitted on up to `cases` validation items; `items` is the catalog (default: from attributes)."""
    items = items if items is not None else items_from_attributes(data.item_ids, data.attributes)
    evaluable = [user for user, seq in enumerate(data.seqs) if len(seq) >= 3]
    picked = sorted(random.Random(seed).sample(range(len(evaluable)), min(cases, len(evaluable))))
    held_out = [(data.users[evaluable[case]], items.row(data.item_ids[split.valid_target[case] - 1]))
                for case in picked]
    with tempfile.TemporaryDirectory(prefix="aisle-blend-") as folder:
        model_path = Path(folder) / "model.pt"
        save_checkpoint(model_path, model, data.item_ids, {}, {})
        store = EventStore.open(Path(folder) / "events.db")
        try:
            store.add(events_before_held_out(data.users, split.train, data.item_ids, now=time.time()))
            settings = RecommendSettings(model_path=model_path, refresh_seconds=1e9)
            recommender = Recommender(lambda: items, store, settings)
            return fit_weights(recommender, [(user, row) for user, row in held_out if row is not None])
        finally:
            store.close()
