"""Fusing dense (embedding) and lexical (BM25) rankings into one, and the hook for a re-ranker.

Each retriever proposes its best ``depth`` rows; the union is scored by both retrievers, and the
two scores are fused. ``linear`` blends per-query normalised scores (the default: it beat
reciprocal-rank fusion on the search benchmarks, see ``bench/search.py``); ``rrf`` adds
1 / (rrf_k + rank) over the lists a row appears in::

    candidates = Candidates.gather(dense_hits, lexical_hits, lexical_scores, dense_lookup)
    ranked = fuse(candidates, HybridConfig(fusion="linear", dense_weight=0.4))  # [(row, score), ...]
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from knowledge.product import Product

FUSIONS = ("linear", "rrf")
NORMALISATIONS = ("minmax", "zscore")
Ranking = Sequence[tuple[int, float]]


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: the product and its fused relevance score (higher is better)."""

    product: Product
    score: float


@runtime_checkable
class Reranker(Protocol):
    """Re-orders the fused hits for a query, e.g. with a cross-encoder; may drop hits, never adds any."""

    def __call__(self, query: str, hits: Sequence[Hit]) -> list[Hit]: ...


@dataclass(frozen=True)
class HybridConfig:
    """How dense and lexical results are fused.

    ``dense_weight`` is the share of the dense score in the ``linear`` blend (1 - it goes to BM25);
    ``rrf_k`` is the rank offset of ``rrf``; ``depth`` is how many rows each retriever proposes.
    A catalog's index chooses its own ``fusion`` and ``dense_weight`` when it is built
    (:mod:`knowledge.search_tuning`); these defaults serve where it could not (under 50 products)
    and come from the Home Depot search benchmark, where min-max at 0.3 was within 0.003 nDCG@10 of
    the best cell.
    """

    fusion: str = "linear"
    dense_weight: float = 0.3
    normalisation: str = "minmax"
    rrf_k: int = 60
    depth: int = 100

    def __post_init__(self) -> None:
        if self.fusion not in FUSIONS:
            raise ValueError(f"fusion {self.fusion!r} is not known; choose one of {', '.join(FUSIONS)}")
        if self.normalisation not in NORMALISATIONS:
            raise ValueError(f"normalisation {self.normalisation!r} is not known; "
                             f"choose one of {', '.join(NORMALISATIONS)}")
        if not 0 <= self.dense_weight <= 1:
            raise ValueError(f"dense_weight must lie in 0..1, got {self.dense_weight!r}")
        if self.rrf_k < 0:
            raise ValueError(f"rrf_k must be 0 or more, got {self.rrf_k!r}")
        if self.depth < 1:
            raise ValueError(f"depth must be at least 1, got {self.depth!r}")


@dataclass(frozen=True)
class Candidates:
    """The rows either retriever proposed, each with both retrievers' scores and ranks.

    A rank is 0-based within that retriever's proposals; a row it did not propose has rank -1.
    """

    rows: np.ndarray
    dense: np.ndarray
    lexical: np.ndarray
    dense_rank: np.ndarray
    lexical_rank: np.ndarray

    @classmethod
    def gather(cls, dense: Ranking, lexical: Ranking, lexical_scores: np.ndarray,
               dense_lookup: Callable[[np.ndarray], np.ndarray]) -> Candidates:
        """The union of both proposals; ``lexical_scores`` holds every row's BM25 score and
        ``dense_lookup(rows)`` returns the dense scores of rows the dense retriever did not propose."""
        dense_rows = np.array([row for row, _ in dense], dtype=np.int64)
        lexical_rows = np.array([row for row, _ in lexical], dtype=np.int64)
        extra = np.setdiff1d(lexical_rows, dense_rows)
        rows = np.concatenate([dense_rows, extra])
        dense_scores = np.array([score for _, score in dense], dtype=np.float32)
        if len(extra):
            dense_scores = np.concatenate([dense_scores, np.asarray(dense_lookup(extra), dtype=np.float32)])
        return cls(rows, dense_scores, np.asarray(lexical_scores[rows], dtype=np.float32),
                   _ranks(rows, dense_rows), _ranks(rows, lexical_rows))

    def __len__(self) -> int:
        return len(self.rows)


def fuse(candidates: Candidates, config: HybridConfig) -> list[tuple[int, float]]:
    """Every candidate row with its fused score, best first (ties: lower row first)."""
    if not len(candidates):
        return []
    if config.fusion == "rrf":
        scores = reciprocal_rank_scores((candidates.dense_rank, candidates.lexical_rank), config.rrf_k)
    else:
        scores = linear_scores(candidates.dense, candidates.lexical, config.dense_weight, config.normalisation)
    order = np.lexsort((candidates.rows, -scores))
    return [(int(candidates.rows[i]), float(scores[i])) for i in order]


def reciprocal_rank_scores(ranks: Sequence[np.ndarray], k: int = 60) -> np.ndarray:
    """Sum over the rankings of 1 / (k + rank), rank counted from 1; absent (rank -1) adds nothing."""
    total = np.zeros(len(ranks[0]), dtype=np.float64)
    for rank in ranks:
        present = rank >= 0
        total[present] += 1.0 / (k + rank[present] + 1)
    return total


def linear_scores(dense: np.ndarray, lexical: np.ndarray, dense_weight: float,
                  normalisation: str = "minmax") -> np.ndarray:
    """``dense_weight`` x normalised dense + (1 - ``dense_weight``) x normalised lexical, per candidate."""
    normalise = _minmax if normalisation == "minmax" else _zscore
    return dense_weight * normalise(dense) + (1 - dense_weight) * normalise(lexical)


def _minmax(scores: np.ndarray) -> np.ndarray:
    scores = np.asarray(scores, dtype=np.float64)
    low, spread = scores.min(), np.ptp(scores)
    return (scores - low) / spread if spread > 0 else np.zeros_like(scores)


def _zscore(scores: np.ndarray) -> np.ndarray:
    scores = np.asarray(scores, dtype=np.float64)
    spread = scores.std()
    return (scores - scores.mean()) / spread if spread > 0 else np.zeros_like(scores)


def _ranks(rows: np.ndarray, ranked: np.ndarray) -> np.ndarray:
    position = {int(row): rank for rank, row in enumerate(ranked)}
    return np.array([position.get(int(row), -1) for row in rows], dtype=np.int64)
