"""Personal recommendations: shopper events, profiles, models, blending, explanations and the skill.

    recommender = open_recommender(catalog_index, Path("var/events.db"), RecommendSettings(), demo_shoppers=300)
    skill = RecommendSkill(recommender)
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from skills.recommend.demo_events import demo_events
from skills.recommend.events import EventStore
from skills.recommend.service import Recommender, RecommendSettings, catalog_items
from skills.recommend.skill import RecommendInput, RecommendSkill

# What other skills may use: the shoppers' event log and profiles (ad audiences are built from them).
__interface__ = ("events", "items", "profile")
__all__ = ["RecommendInput", "RecommendSkill", "RecommendSettings", "Recommender", "open_recommender"]


def open_recommender(index: Any, events_path: Path, settings: RecommendSettings, demo_shoppers: int = 0) -> Recommender:
    """A recommender over a `CatalogIndex`; the event store opens (and the models fit) on first use.

    With `demo_shoppers`, that many invented shoppers' browsing (generated, never stored) feeds the
    shop-wide models, so a demo shop without any real traffic still has something to recommend from.
    """
    started = time.time()
    seed = None
    if demo_shoppers:
        def seed(items):
            return demo_events(items.products, shoppers=demo_shoppers, now=started)
    return Recommender(catalog_items(index), lambda: EventStore.open(events_path), settings, seed=seed)
