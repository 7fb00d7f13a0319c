"""Fixtures for the recommendation tests: the shared small demo catalog, indexed once with MiniLM."""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge.catalog_index import CatalogIndex
from skills.recommend.demo_events import demo_events
from skills.recommend.events import Event, EventStore
from skills.recommend.service import Recommender, RecommendSettings, catalog_items

NOW = time.time()


@pytest.fixture(scope="session")
def recs_index(demo_catalog_path: Path, minilm, tmp_path_factory: pytest.TempPathFactory) -> CatalogIndex:
    return CatalogIndex.open(demo_catalog_path, tmp_path_factory.mktemp("recs-index"), minilm, progress=False)


def crowd(items) -> list[Event]:
    """Other shoppers' browsing, so popularity and co-occurrence have something to go on."""
    return demo_events(items.products, shoppers=80, now=NOW)


@pytest.fixture
def make_recommender(tmp_path: Path) -> Callable[..., Recommender]:
    def make(index, seed=crowd, **settings) -> Recommender:
        settings.setdefault("refresh_seconds", 3600.0)
        return Recommender(catalog_items(index), EventStore.open(tmp_path / "events.db"),
                           RecommendSettings(**settings), seed=seed)

    return make


@pytest.fixture
def recommender(recs_index, make_recommender) -> Recommender:
    return make_recommender(recs_index)


def view(user: str, *product_ids: str, kind: str = "view", start: float = NOW - 600) -> list[Event]:
    return [Event(id=f"{user}-{kind}-{n}-{pid}", user=user, type=kind, item=pid, ts=start + n)
            for n, pid in enumerate(product_ids)]


def write_sequences(path: Path, users: int = 120, items: int = 60, seed: int = 0) -> Path:
    """A tiny data set in the Beauty.txt layout (`user item item ...`) with a learnable order."""
    import random

    rng = random.Random(seed)
    lines = []
    for user in range(1, users + 1):
        start = rng.randrange(items)
        seq = [(start + 3 * step + rng.randrange(2)) % items + 1 for step in range(rng.randint(5, 12))]
        lines.append(f"{user} " + " ".join(map(str, seq)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
