"""Scoring the served recommendation path on a sequence data set, as a shop would run it.

Every evaluated user's history (everything before the held-out item) is stored as events in a real
SQLite event store; the recommender the `recommend` skill uses (`skills.recommend.Recommender`) is
built over a catalog made from the data's items, with the trained model, and asked for each
user's top `k` "for you" list: the blend of sequential, co-occurrence, content, taste and
popularity signals, the business rules and the diversification, exactly as served. The list's
position of the held-out item gives HR@k and NDCG@k; the time of each request gives the latency.

The data has no titles or prices, so a product is its id and its attributes: the attribute most
items share becomes its category, its rarest one its brand (for the taste signal), and its content
vector is its attributes' one-hot row weighted by inverse frequency, reduced to 64 dimensions by a
truncated SVD (for the content signal and the diversification), standing in for the text embeddings
a real catalog's search index provides::

    served = evaluate_served(data, split.test_history, split.test_target, model_path, settings)
    served["metrics"]["hr10"], served["latency_ms"]["p50"]
"""
from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from knowledge.product import Product
from skills.recommend.events import Event, EventStore
from skills.recommend.items import ItemTable
from skills.recommend.service import Recommender, RecommendSettings
from training.recs_data import Sequences
from training.recs_eval import rank_lists

EVENT_TYPE = "purchase"  # the S3-Rec files are review histories: each item was bought and reviewed
CONTENT_DIMENSIONS = 64  # like a small text embedding: cheap to score every product against
STEP_SECONDS = 3600.0  # one hour between a user's items, all within the last few weeks


def catalog(data: Sequences) -> ItemTable:
    """Products (id, category, brand from the attributes, in stock) with attribute content vectors."""
    attributes = data.attributes or [()] * data.n_items
    frequency = Counter(a for attrs in attributes for a in set(attrs))
    products = []
    for item, attrs in zip(data.item_ids, attributes):
        ranked = sorted(set(attrs), key=lambda a: (-frequency[a], a))
        products.append(Product(id=item, title=f"item {item}", category=f"attribute {ranked[0]}" if ranked else "",
                                brand=f"attribute {ranked[-1]}" if len(ranked) > 1 else "", stock=1))
    return ItemTable(tuple(products), _attribute_vectors(attributes, frequency, len(data.item_ids)))


def _attribute_vectors(attributes: Sequence[Sequence[str]], frequency: Counter, n: int) -> np.ndarray | None:
    if not frequency:
        return None
    column = {a: i for i, a in enumerate(sorted(frequency))}
    vectors = np.zeros((n, len(column)), dtype=np.float32)
    for row, attrs in enumerate(attributes):
        for a in set(attrs):
            vectors[row, column[a]] = np.log(n / frequency[a])
    if vectors.shape[1] > CONTENT_DIMENSIONS:  # the top right singular vectors, from the small Gram matrix
        sparse_rows = sparse.csr_matrix(vectors)
        _, basis = np.linalg.eigh((sparse_rows.T @ sparse_rows).toarray())
        vectors = np.asarray(sparse_rows @ basis[:, -CONTENT_DIMENSIONS:])
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


def evaluate_served(data: Sequences, histories: Sequence[Sequence[int]], targets: Sequence[int],
                    model_path: Path | None, settings: RecommendSettings, k: int = 10,
                    users: Sequence[int] | None = None) -> dict[str, Any]:
    """HR@k / NDCG@k of the served "for you" lists, and the latency of each whole request.

    `users` picks which cases are asked (default every one); every case's history feeds the shop-wide
    models either way, as the shop's stored events would.
    """
    items = catalog(data)
    asked = list(range(len(targets))) if users is None else list(users)
    with tempfile.TemporaryDirectory(prefix="aisle-recs-served-") as folder:
        store = EventStore.open(Path(folder) / "events.db")
        try:
            store.add(_events(data, histories, now=time.time()))
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


def _events(data: Sequences, histories: Sequence[Sequence[int]], now: float) -> list[Event]:
    events = []
    for case, history in enumerate(histories):
        start = now - STEP_SECONDS * (len(history) + 1)
        events += [Event(id=f"{case}-{n}", user=f"u{case}", type=EVENT_TYPE, item=data.item_ids[item - 1],
                         ts=start + n * STEP_SECONDS) for n, item in enumerate(history)]
    return events


def _latency(times: list[float]) -> dict[str, float]:
    warm = times[50:] if len(times) > 100 else times  # the first requests warm caches up
    if not warm:
        return {"p50": 0.0, "p99": 0.0, "n": 0}
    return {"p50": round(float(np.percentile(warm, 50)), 2), "p99": round(float(np.percentile(warm, 99)), 2),
            "n": len(warm)}
