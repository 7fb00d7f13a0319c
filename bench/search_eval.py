"""Quality of BM25, dense, RRF and linear fusion, side by side, from one pass of candidate gathering.

For every query the candidates hold both rankings and both scores of the union, as
:meth:`Retriever.candidates` gathers them (checked on a sample of queries); every fusion is then evaluated on the same candidates, so the methods
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
from knowledge.lexical import top_rows
from knowledge.retriever import Retriever

CUTOFF = 100
BATCH = 256
WEIGHTS = tuple(round(0.1 * i, 1) for i in range(11))
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
    """Each query's candidates, from precomputed query embeddings (row i is ``query_ids[i]``).

    The dense rankings are computed for many queries at once, exactly (one matrix product per
    batch, as the flat index does one query at a time); BM25 and the union are the retriever's own.
    """
    lexical = retriever.lexical
    index = retriever.index.vectors
    matrix = index.vectors_of_ids(index.row_ids)
    found = {}
    for start in range(0, len(query_ids), BATCH):
        batch = vectors[start:start + BATCH]
        for offset, dense in enumerate(_exact_top(batch @ matrix.T, depth)):
            qid, vector = query_ids[start + offset], batch[offset]
            scores = lexical.scores(data.queries[qid])
            found[qid] = Candidates.gather(dense, top_rows(scores, depth), scores, lambda rows: matrix[rows] @ vector)
    return found


def agreement(retriever: Retriever, data: BeirData, found: dict[str, Candidates], query_ids: Sequence[str],
              vectors: np.ndarray, config: HybridConfig) -> float:
    """The share of queries whose top 10 from :meth:`Retriever.candidates` equals the batched one."""
    same = 0
    for i, qid in enumerate(query_ids):
        live = retriever.candidates(data.queries[qid], depth=config.depth, vector=vectors[i])
        same += fusion_ranker(config)(live)[:10] == fusion_ranker(config)(found[qid])[:10]
    return same / max(len(query_ids), 1)


def _exact_top(scores: np.ndarray, depth: int) -> list[list[tuple[int, float]]]:
    depth = min(depth, scores.shape[1])
    best = np.argpartition(-scores, depth - 1, axis=1)[:, :depth]
    rankings = []
    for row, rows in enumerate(best):
        rows = rows[np.lexsort((rows, -scores[row, rows]))]
        rankings.append([(int(r), float(scores[row, r])) for r in rows])
    return rankings


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
    """Every method's figures on ``query_ids``: method name -> {ndcg10, recall100}.

    ``hybrid`` is ``default`` (the settings the index chose); ``hybrid_tuned_in_run`` is fitted with
    labels; ``linear_0.3_fixed`` is the one weight that was shipped for every catalog before."""
    rankers = {
        "bm25": lexical_ranker,
        "dense": dense_ranker,
        "rrf": fusion_ranker(replace(default, fusion="rrf", rrf_k=60)),
        "hybrid": fusion_ranker(default),
        "hybrid_tuned_in_run": fusion_ranker(tuned),
        "linear_0.3_fixed": fusion_ranker(replace(default, fusion="linear", dense_weight=0.3,
                                                  normalisation="minmax")),
    }
    return {name: evaluate(ranker, found, query_ids, data, doc_ids) for name, ranker in rankers.items()}


def _by_rank(rows: np.ndarray, rank: np.ndarray) -> list[int]:
    present = np.flatnonzero(rank >= 0)
    return [int(rows[i]) for i in present[np.argsort(rank[present])]]
