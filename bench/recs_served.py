"""Scoring the served recommendation path on a sequence data set, as a shop would run it.

Every evaluated user's history (everything before the held-out item) is stored as events in a real
SQLite event store; the recommender the `recommend` skill uses (`skills.recommend.Recommender`) is
built over a catalog made from the data's items, with the trained model, and asked for each
user's top `k` "for you" list: the blend of sequential, co-occurrence, content, taste and
popularity signals, the business rules and the diversification, exactly as served. The list's
position of the held-out item gives HR@k and NDCG@k; the time of each request gives the latency.

The data has no titles or prices, so a product is its id and its attributes
(`skills.recommend.attribute_items`), as the training's blend fitting sees it::

    served = evaluate_served(data, split.test_history, split.test_target, model_path, settings)
    served["metrics"]["hr10"], served["latency_ms"]["p50"]
"""
from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from skills.recommend.attribute_items import items_from_attributes
from skills.recommend.blend_fit import events_before_held_out
from skills.recommend.events import EventStore
from skills.recommend.service import Recommender, RecommendSettings
from training.recs_data import Sequences
from training.recs_eval import rank_lists

EVENT_TYPE = "purchase"  # the S3-Rec files are review histories: each item was bought and reviewed


def evaluate_served(data: Sequences, histories: Sequence[Sequence[int]], targets: Sequence[int],
                    model_path: Path | None, settings: RecommendSettings, k: int = 10,
                    users: Sequence[int] | None = None) -> dict[str, Any]:
    """HR@k / NDCG@k of the served "for you" lists, and the latency of each whole request.

    `users` picks which cases are asked (default every one); every case's history feeds the shop-wide
    models either way, as the shop's stored events would.
    """
    items = items_from_attributes(data.item_ids, data.attributes)
    asked = list(range(len(targets))) if users is None else list(users)
    with tempfile.TemporaryDirectory(prefix="aisle-recs-served-") as folder:
        store = EventStore.open(Path(folder) / "events.db")
        try:
            names = [f"u{case}" for case in range(len(histories))]
            store.add(events_before_held_out(names, histories, data.item_ids, time.time(), EVENT_TYPE))
            settings = replace(settings, model_path=model_path, refresh_seconds=1e9)
            recommender = Recommender(lambda: items, store, settings)
            recommender.refresh()
            lists, times = [], []
            for case in asked:
                started = time.perf_counter()
                picks = recommender.recommend(f"u{case}", k=k)
                times.append((time.perf_counter() - started) * 1000)
                lists.append([items.row(p.id) + 1 for p in picks.products])
        finally:
            store.close()
    metrics = rank_lists(lists, [targets[case] for case in asked], k)
    return {"metrics": metrics, "latency_ms": _latency(times), "users": len(asked)}


def _latency(times: list[float]) -> dict[str, float]:
    warm = times[50:] if len(times) > 100 else times  # the first requests warm caches up
    if not warm:
        return {"p50": 0.0, "p99": 0.0, "n": 0}
    return {"p50": round(float(np.percentile(warm, 50)), 2), "p99": round(float(np.percentile(warm, 99)), 2),
            "n": len(warm)}
