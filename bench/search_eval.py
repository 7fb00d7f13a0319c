"""Quality of BM25, dense, RRF and linear fusion, side by side, from one pass of candidate gathering.

For every query the retriever's own :meth:`Retriever.candidates` gives both rankings and both
scores of the union; every fusion is then evaluated on the same candidates, so the methods
differ only in how they combine them. Fusion settings are chosen on a tuning split of the
queries and reported on the held-out rest.
"""
from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from bench.beir import BeirData
from bench.search_metrics import ndcg_at, recall_at
from knowledge.hybrid import Candidates, HybridConfig, fuse
from knowledge.retriever import Retriever

CUTOFF = 100
WEIGHTS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
Ranker = Callable[[Candidates], list[int]]


@dataclass(frozen=True)
class Split:
    """Query ids to tune on and query ids to report on (disjoint)."""

    tune: tuple[str, ...]
    report: tuple[str, ...]


def split_queries(query_ids: Sequence[str], tune_share: float, seed: int = 0) -> Split:
    """A seeded random ``tune_share`` of the queries for tuning, the rest for reporting."""
    if not 0 < tune_share < 1:
        raise ValueError(f"tune_share must lie strictly between 0 and 1, got {tune_share!r}")
    shuffled = list(query_ids)
    random.Random(seed).shuffle(shuffled)
    cut = round(len(shuffled) * tune_share)
    keep = set(shuffled[:cut])
    return Split(tuple(q for q in query_ids if q in keep), tuple(q for q in query_ids if q not in keep))


def gather(retriever: Retriever, data: BeirData, query_ids: Sequence[str],
           vectors: np.ndarray, depth: int) -> dict[str, Candidates]:
    """Each query's candidates, using precomputed query embeddings (row i is ``query_ids[i]``)."""
    return {qid: retriever.candidates(data.queries[qid], depth=depth, vector=vectors[i])
            for i, qid in enumerate(query_ids)}


def dense_ranker(candidates: Candidates) -> list[int]:
    return _by_rank(candidates.rows, candidates.dense_rank)


def lexical_ranker(candidates: Candidates) -> list[int]:
    return _by_rank(candidates.rows, candidates.lexical_rank)


def fusion_ranker(config: HybridConfig) -> Ranker:
    return lambda candidates: [row for row, _ in fuse(candidates, config)[:CUTOFF]]


def evaluate(ranker: Ranker, found: dict[str, Candidates], query_ids: Sequence[str], data: BeirData,
             doc_ids: Sequence[str]) -> dict[str, float]:
    """Mean nDCG@10 and Recall@100 of ``ranker`` over ``query_ids``."""
    ndcg = recall = 0.0
    for qid in query_ids:
        ranked = [doc_ids[row] for row in ranker(found[qid])[:CUTOFF]]
        ndcg += ndcg_at(ranked, data.qrels[qid], 10)
        recall += recall_at(ranked, data.qrels[qid], CUTOFF)
    count = max(len(query_ids), 1)
    return {"ndcg10": round(ndcg / count, 4), "recall100": round(recall / count, 4)}


def tune_linear(found: dict[str, Candidates], query_ids: Sequence[str], data: BeirData,
                doc_ids: Sequence[str], base: HybridConfig) -> tuple[HybridConfig, list[dict]]:
    """The linear blend (weight, normalisation) with the best nDCG@10 on ``query_ids``, and the whole grid."""
    grid = []
    for normalisation in ("minmax", "zscore"):
        for weight in WEIGHTS:
            config = replace(base, fusion="linear", dense_weight=weight, normalisation=normalisation)
            scores = evaluate(fusion_ranker(config), found, query_ids, data, doc_ids)
            grid.append({"normalisation": normalisation, "dense_weight": weight, **scores})
    best = max(grid, key=lambda row: (row["ndcg10"], row["recall100"]))
    return replace(base, fusion="linear", dense_weight=best["dense_weight"],
                   normalisation=best["normalisation"]), grid


def compare(found: dict[str, Candidates], query_ids: Sequence[str], data: BeirData, doc_ids: Sequence[str],
            default: HybridConfig, tuned: HybridConfig) -> dict[str, dict[str, float]]:
    """Every method's figures on ``query_ids``: method name -> {ndcg10, recall100}."""
    rankers = {
        "bm25": lexical_ranker,
        "dense": dense_ranker,
        "rrf": fusion_ranker(replace(default, fusion="rrf", rrf_k=60)),
        "hybrid": fusion_ranker(default),
        "hybrid_tuned_in_run": fusion_ranker(tuned),
    }
    return {name: evaluate(ranker, found, query_ids, data, doc_ids) for name, ranker in rankers.items()}


def _by_rank(rows: np.ndarray, rank: np.ndarray) -> list[int]:
    present = np.flatnonzero(rank >= 0)
    return [int(rows[i]) for i in present[np.argsort(rank[present])]]
