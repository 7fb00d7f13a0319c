"""Fitting the blend to the shop: the weights under which shoppers' held-out next products rank best.

The signals are exactly those a "for you" list blends (`picks.personal_signals`), read from a
recommender whose events stop before each shopper's held-out product. The sequential signal keeps
weight 1; every other weight is chosen from `GRID` by NDCG@10 of the held-out products (HR@10 breaks
ties). A signal that said nothing in any case keeps its default weight. Per case only the top
`depth` products of each signal are kept: a product outside all of them reaches no top 10 under any
weights of the grid. The price band and the diversification are left out: they are rules on top::

    store.add(events_before_held_out(users, histories, item_ids, now=time.time()))
    fit = fit_weights(Recommender(lambda: items, store, settings), [("u1", 17), ("u2", 4)])
    fit.weights, fit.valid["ndcg10"], fit.default["ndcg10"]
"""
from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

from skills.recommend import picks
from skills.recommend.blend import SIGNALS, Weights
from skills.recommend.events import Event

ANCHOR = SIGNALS[0]  # "sequential": the one weight held at 1, the others are relative to it
GRID: dict[str, tuple[float, ...]] = {  # every other signal, in `SIGNALS` order
    "co_occurrence": (0.0, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.5, 2.0, 3.0),
    "content": (0.0, 0.05, 0.1, 0.25, 0.5, 0.75),
    "affinity": (0.0, 0.05, 0.1, 0.2, 0.4),
    "popularity": (0.0, 0.02, 0.05, 0.1, 0.25, 0.5),
}
STEP_SECONDS = 3600.0  # one hour between a shopper's items


@dataclass(frozen=True)
class BlendFit:
    weights: Weights
    valid: dict[str, float]  # HR@10 and NDCG@10 of the held-out products under `weights`
    default: dict[str, float]  # the same under the default weights, for comparison
    cases: int

    def to_dict(self) -> dict[str, Any]:
        return {"weights": asdict(self.weights), "valid": self.valid, "default": self.default, "cases": self.cases}

    @staticmethod
    def weights_from(record: dict[str, Any] | None) -> Weights | None:
        """The weights a stored fit chose, or None when there is no usable record."""
        stored = (record or {}).get("weights")
        if not isinstance(stored, dict):
            return None
        known = {f.name for f in fields(Weights)}
        try:
            return Weights(**{name: float(value) for name, value in stored.items() if name in known})
        except (TypeError, ValueError):
            return None


@dataclass(frozen=True)
class _Case:
    target: np.ndarray | None  # (signals,) the held-out product's scores; None: it may not be shown
    others: np.ndarray  # (signals, candidates) the scores of what it competes with


def events_before_held_out(users: Sequence[str], histories: Sequence[Sequence[int]], item_ids: Sequence[str],
                           now: float, event_type: str = "view") -> list[Event]:
    """Each user's items (1-based numbers into `item_ids`) as events an hour apart, ending before `now`."""
    events = []
    for user, history in zip(users, histories):
        start = now - STEP_SECONDS * (len(history) + 1)
        events += [Event(id=f"{user}-{n}", user=user, type=event_type, item=item_ids[item - 1],
                         ts=start + n * STEP_SECONDS) for n, item in enumerate(history)]
    return events


def fit_weights(recommender: Any, cases: Sequence[tuple[str, int]], k: int = 10, depth: int = 100) -> BlendFit:
    """Weights for `recommender` (a `service.Recommender`) from (user, held-out catalog row) cases."""
    models = recommender.models()
    if models.sequential is None:
        raise ValueError("fitting the blend needs the sequential model: it is the weight the others are set against")
    collected = [case for user, row in cases if (case := _case(recommender, models, user, row, k, depth))]
    if not collected:
        raise ValueError("no held-out case has a history to recommend from")
    spoke = np.zeros(len(SIGNALS), dtype=bool)
    for case in collected:
        spoke |= (case.others != 0).any(axis=1)
    default = Weights()
    grid = _grid(default, spoke)
    hr, ndcg = _rank_metrics(collected, grid, k)
    best = int(np.lexsort((-hr, -ndcg))[0])
    base_hr, base_ndcg = _rank_metrics(collected, np.array([[default.of(n) for n in SIGNALS]]), k)
    chosen = Weights(**dict(zip(SIGNALS, map(float, grid[best]))))
    return BlendFit(chosen, {f"hr{k}": float(hr[best]), f"ndcg{k}": float(ndcg[best])},
                    {f"hr{k}": float(base_hr[0]), f"ndcg{k}": float(base_ndcg[0])}, len(collected))


def _case(recommender: Any, models: Any, user: str, row: int, k: int, depth: int) -> _Case | None:
    profile = recommender.profile(user)
    history = list(profile.recent)
    if not history:
        return None
    request = picks.Request(models, profile, recommender.settings, k)
    signals = picks.personal_signals(request, history)
    mask = picks.for_you_mask(request, history)
    matrix = np.zeros((len(SIGNALS), len(models.items)), dtype=np.float32)
    for i, name in enumerate(SIGNALS):
        if name in signals:
            matrix[i] = signals[name]
    allowed_rows = np.flatnonzero(mask)
    keep: set[int] = set()
    for values in matrix:
        scores = values[allowed_rows]
        top = min(depth, len(scores))
        if top:
            keep.update(allowed_rows[np.argpartition(-scores, top - 1)[:top]].tolist())
    keep.discard(row)
    others = matrix[:, sorted(keep)]
    return _Case(matrix[:, row].copy() if mask[row] else None, others)


def _grid(default: Weights, spoke: np.ndarray) -> np.ndarray:
    """(combinations, signals): the anchor at 1, each other signal over its grid, or its default if silent."""
    axes = [(1.0,)] + [GRID[name] if spoke[i + 1] else (default.of(name),) for i, name in enumerate(SIGNALS[1:])]
    return np.array(list(itertools.product(*axes)), dtype=np.float64)


def _rank_metrics(cases: Sequence[_Case], grid: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """HR@k and NDCG@k of each weight row over the cases; ties count against the held-out product."""
    hits, gains = np.zeros(len(grid)), np.zeros(len(grid))
    for case in cases:
        if case.target is None:
            continue
        target = grid @ case.target
        rank = ((grid @ case.others) >= target[:, None]).sum(axis=1)
        found = rank < k
        hits += found
        gains += found / np.log2(rank + 2)
    return hits / len(cases), gains / len(cases)
