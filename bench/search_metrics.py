"""Ranking metrics over graded judgments, as the benchmark protocol defines them.

nDCG@k uses gain 2^grade - 1 and a log2(rank + 1) discount, with the ideal ranking built from the
judged grades; Recall@k counts the judged documents graded above 0. Unjudged documents count as
not relevant.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence


def ndcg_at(ranked: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k of ``ranked`` document ids against ``grades`` (0.0 when nothing is relevant)."""
    ideal = sorted((grade for grade in grades.values() if grade > 0), reverse=True)[:k]
    best = _dcg(ideal)
    if best == 0:
        return 0.0
    return _dcg([grades.get(doc, 0) for doc in ranked[:k]]) / best


def recall_at(ranked: Sequence[str], grades: Mapping[str, int], k: int = 100) -> float:
    """The share of documents graded above 0 that appear in the first ``k`` of ``ranked``."""
    relevant = {doc for doc, grade in grades.items() if grade > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def _dcg(grades: Sequence[int]) -> float:
    return sum((2 ** grade - 1) / math.log2(rank + 2) for rank, grade in enumerate(grades))
