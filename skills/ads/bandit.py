"""Thompson sampling over Beta-Bernoulli click-through rates, and the posterior figures a report needs.

>>> sampler = ThompsonSampler(seed=0)
>>> sampler.choose({"a": (1000, 20), "b": (1000, 60)})   # {variant: (impressions, clicks)}
'b'

Each variant's click-through rate has a Beta(1 + clicks, 1 + impressions - clicks) posterior; a
new visitor gets the variant whose sampled rate is highest, so traffic shifts to the better
variant as evidence builds up, while a variant with little data still gets tried.
"""
from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy.stats import beta

PRIOR = (1.0, 1.0)


class ThompsonSampler:
    def __init__(self, seed: int | None = None) -> None:
        self._rng = np.random.default_rng(seed)
        self._lock = threading.Lock()

    def choose(self, counts: Mapping[str, tuple[int, int]]) -> str:
        if not counts:
            raise ValueError("no variants to choose from")
        names = list(counts)
        a, b = _posterior_params(counts, names)
        with self._lock:
            draws = self._rng.beta(a, b)
        return names[int(np.argmax(draws))]


@dataclass(frozen=True, slots=True)
class Posterior:
    ctr: float
    mean: float
    low: float
    high: float


def posterior(impressions: int, clicks: int, level: float = 0.95) -> Posterior:
    """Observed CTR, and the posterior mean and central credible interval of the true CTR."""
    a, b = PRIOR[0] + clicks, PRIOR[1] + max(impressions - clicks, 0)
    tail = (1 - level) / 2
    ctr = clicks / impressions if impressions else 0.0
    return Posterior(ctr, a / (a + b), float(beta.ppf(tail, a, b)), float(beta.ppf(1 - tail, a, b)))


def probability_best(counts: Mapping[str, tuple[int, int]], draws: int = 20_000, seed: int = 0) -> dict[str, float]:
    """The posterior probability that each variant has the highest CTR (Monte Carlo)."""
    names = list(counts)
    a, b = _posterior_params(counts, names)
    samples = np.random.default_rng(seed).beta(a, b, size=(draws, len(names)))
    wins = np.bincount(samples.argmax(axis=1), minlength=len(names))
    return {name: float(wins[i] / draws) for i, name in enumerate(names)}


def _posterior_params(counts: Mapping[str, tuple[int, int]], names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    shown = np.array([counts[n][0] for n in names], dtype=float)
    clicked = np.array([counts[n][1] for n in names], dtype=float)
    return PRIOR[0] + clicked, PRIOR[1] + np.maximum(shown - clicked, 0)
