"""The recommendation service: events in, profiles and explained recommendations out.

    recommender = Recommender(catalog_items(index), EventStore.open("var/events.db"), RecommendSettings())
    recommender.record([parse_event({...})])
    picks = recommender.recommend("webchat:abc")                       # "recommended for you"
    looks = recommender.recommend("webchat:abc", anchor="sku-00042")   # "what goes with this?"
    [(r.product.title, r.reason.text) for r in picks.items]
    recommender.erase("webchat:abc")

Shop-wide models (popularity, co-occurrence) are refitted from the stored events in a background
thread when events changed and `refresh_seconds` passed; the shopper's own history is read fresh
on every request, so what they just did counts at once.
"""
from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path


from knowledge.filters import ProductFilter
from knowledge.product import Product
from skills.recommend import picks
from skills.recommend.blas import single_threaded_blas
from skills.recommend.blend import Weights
from skills.recommend.blend_fit import BlendFit
from skills.recommend.events import AddResult, Event, EventStore
from skills.recommend.explain import Reason
from skills.recommend.items import ItemTable
from skills.recommend.models import Models, fit_models
from skills.recommend.profile import UserProfile, build_profile
from skills.recommend.sasrec import load_checkpoint
from skills.recommend.sequential import SequentialScorer

log = logging.getLogger(__name__)
MODES = ("for_you", "goes_with", "similar", "popular")
DAY = 86_400.0
SHOWN_WINDOW = 50  # impressions read per request, apart from the shopper's own actions


@dataclass(frozen=True)
class RecommendSettings:
    results: int = 6
    half_life_days: float = 14.0  # popularity halves in this many days
    history_days: float = 180.0  # events older than this do not feed the shop-wide models
    refresh_seconds: float = 60.0  # shop-wide models are refitted at most this often
    relevance_share: float = 0.7  # MMR: 1 ranks by relevance only, lower values favour variety
    per_type: int = 2  # at most this many products of one kind in a list
    model_path: Path | None = None  # the trained sequential model; None or missing: blend without it
    weights: Weights | None = None  # set by hand; None: the model's fitted weights, else the defaults


@dataclass(frozen=True, slots=True)
class Recommendation:
    product: Product
    score: float
    reason: Reason


@dataclass(frozen=True)
class Recommendations:
    user: str
    mode: str
    items: list[Recommendation]
    profile: UserProfile
    anchor: Product | None = None
    sources: tuple[str, ...] = ()

    @property
    def products(self) -> tuple[Product, ...]:
        return tuple(r.product for r in self.items)


def catalog_items(index) -> Callable[[], ItemTable]:
    """The items of a `CatalogIndex`, rebuilt only when its version changes."""
    cache: dict[str, ItemTable] = {}

    def current() -> ItemTable:
        table = cache.get("table")
        if table is None or table.version != getattr(index, "version", None):
            table = cache["table"] = ItemTable.from_catalog(index)
        return table

    return current


SeedEvents = Callable[[ItemTable], list[Event]]
"""Events that are not stored but always count (the demo shop's invented shoppers)."""


class Recommender:
    """`store` may be a zero-argument callable: the event store then opens on first use."""

    def __init__(self, items: Callable[[], ItemTable], store: EventStore | Callable[[], EventStore],
                 settings: RecommendSettings, seed: SeedEvents | None = None) -> None:
        self._items = items
        self._store = store
        self.settings = settings
        self._seed = seed
        self._seeded: dict[str, list[Event]] | None = None
        self._checkpoint = _read_checkpoint(settings.model_path)
        fitted = BlendFit.weights_from(self._checkpoint[2].get("blend")) if self._checkpoint else None
        self.settings = replace(settings, weights=settings.weights or fitted or Weights())
        self._models: Models | None = None
        self._refit_lock = threading.Lock()
        self._open_lock = threading.Lock()

    @property
    def store(self) -> EventStore:
        if not isinstance(self._store, EventStore):
            with self._open_lock:
                if not isinstance(self._store, EventStore):
                    self._store = self._store()
        return self._store

    def close(self) -> None:
        if isinstance(self._store, EventStore):
            self._store.close()

    # -- events and profiles ------------------------------------------------------------------

    def record(self, events: Iterable[Event]) -> AddResult:
        return self.store.add(events)

    def profile(self, user: str) -> UserProfile:
        items = self.models().items
        return build_profile(user, self.events_of(user, items), items)

    def events_of(self, user: str, items: ItemTable) -> list[Event]:
        """The user's recent events, oldest first (the demo's invented shoppers included).

        What they did and what they were merely shown are read apart, each with its own window.
        """
        stored = sorted(self.store.for_user(user, impressions=False) +
                        self.store.for_user(user, limit=SHOWN_WINDOW, impressions=True), key=lambda e: e.ts)
        seeded = self._seed_events(items).get(user)
        return sorted(seeded + stored, key=lambda e: e.ts) if seeded else stored

    def shop_events(self, since: float = 0.0) -> Iterator[Event]:
        """Every shopper's events at or after `since` (the demo's invented shoppers first), for audience segments."""
        seeded = self._seed_events(self.models().items)
        yield from (event for events in seeded.values() for event in events if event.ts >= since)
        yield from self.store.all_events(since)

    def erase(self, user: str) -> int:
        """Forget the shopper: their events (and so their profile); shop-wide models refit next."""
        removed = self.store.erase(user)
        self.refresh(wait=True)
        return removed

    # -- recommending -------------------------------------------------------------------------

    def recommend(self, user: str, anchor: str | None = None, mode: str = "", k: int | None = None,
                  wanted: ProductFilter | None = None) -> Recommendations:
        """`mode`: for_you (default without anchor), goes_with (default with one), similar or popular."""
        models = self.models()
        profile = build_profile(user, self.events_of(user, models.items), models.items)
        anchor_row = models.items.row(anchor) if anchor else None
        mode = mode or ("goes_with" if anchor_row is not None else "for_you")
        if mode not in MODES:
            raise ValueError(f"mode {mode!r} is not one of {', '.join(MODES)}")
        if mode in ("goes_with", "similar") and anchor_row is None:
            mode = "for_you"
        request = picks.Request(models, profile, self.settings, k or self.settings.results,
                                models.items.matching(wanted), anchor_row)
        with single_threaded_blas():
            chosen, sources = picks.PICKERS[mode](request)
        items = [Recommendation(models.items.products[row], score, reason) for row, score, reason in chosen]
        shown_anchor = models.items.products[anchor_row] if anchor_row is not None else None
        return Recommendations(user, mode, items, profile, shown_anchor, sources)

    # -- the shop-wide models -----------------------------------------------------------------

    def models(self) -> Models:
        """The current models; refitted at once when the catalog changed, in the background when events did."""
        models = self._models
        items = self._items()
        if models is None or models.items is not items:
            return self.refresh(wait=True)
        if time.time() - models.fitted_at >= self.settings.refresh_seconds and \
                self.store.version() != models.events_version and not self._refit_lock.locked():
            threading.Thread(target=self.refresh, name="recommend-refit", daemon=True).start()
        return models

    def refresh(self, wait: bool = True) -> Models:
        """Refit popularity and co-occurrence from the stored events (and map the sequential model)."""
        with self._refit_lock:
            items = self._items()
            version = self.store.version()
            since = time.time() - self.settings.history_days * DAY
            sequential = self._sequential_for(items)
            seeded = [event for events in self._seed_events(items).values() for event in events]
            models = fit_models(items, itertools.chain(seeded, self.store.all_events(since)),
                                self.settings.half_life_days, sequential, version)
            self._models = models
            log.debug("recommendation models fitted on %d events over %d products", models.events, len(items))
            return models

    def _seed_events(self, items: ItemTable) -> dict[str, list[Event]]:
        """Generated once, from the catalog as it first was: later catalog changes do not rewrite history."""
        if self._seed is None:
            return {}
        if self._seeded is None:
            by_user: dict[str, list[Event]] = {}
            for event in self._seed(items):
                by_user.setdefault(event.user, []).append(event)
            self._seeded = by_user
        return self._seeded

    def _sequential_for(self, items: ItemTable) -> SequentialScorer | None:
        current = self._models.sequential if self._models is not None else None
        if current is not None and self._models.items is items:
            return current
        if self._checkpoint is None:
            return None
        model, model_items, checkpoint = self._checkpoint
        return SequentialScorer(model, model_items, items, checkpoint.get("metrics"))


def _read_checkpoint(path: Path | None):
    if path is None or not Path(path).is_file():
        return None
    try:
        return load_checkpoint(path)
    except (OSError, RuntimeError, KeyError, ValueError) as exc:
        log.warning("the sequential model %s could not be loaded (%s); recommending without it", path, exc)
        return None
