"""Full-ranking evaluation of next-item recommenders: HR@k and NDCG@k against ALL items.

Each case ranks every item for one user's history; the items already in that history are masked
(they can never count as a hit), and the rank of the held-out target decides the metrics. A score
that is not a number ranks below everything: a NaN target is a miss, never a hit::

    metrics = rank_all(lambda histories: model_scores(histories), histories, targets, n_items)
    metrics["hr10"], metrics["ndcg10"]
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import torch

Scorer = Callable[[Sequence[Sequence[int]]], torch.Tensor]
"""Scores (batch, n_items + 1) for a batch of histories; column 0 (padding) is ignored."""


def rank_all(scorer: Scorer, histories: Sequence[Sequence[int]], targets: Sequence[int], n_items: int,
             k: int = 10, batch_size: int = 1024) -> dict[str, float]:
    """HR@k and NDCG@k over every (history, target) case; ties count against the target."""
    hits = ndcg = 0.0
    for start in range(0, len(targets), batch_size):
        chunk = histories[start:start + batch_size]
        wanted = torch.as_tensor(targets[start:start + batch_size], dtype=torch.long)
        scores = torch.as_tensor(scorer(chunk), dtype=torch.float32).clone()
        if scores.shape != (len(chunk), n_items + 1):
            raise ValueError(f"the scorer returned shape {tuple(scores.shape)}, expected {(len(chunk), n_items + 1)}")
        scores = torch.nan_to_num(scores, nan=float("-inf"))
        rows, cols = _history_cells(chunk)
        scores[rows, cols] = float("-inf")  # a target the user already had is masked too: a miss
        scores[:, 0] = float("-inf")
        target_scores = scores[torch.arange(len(chunk)), wanted]
        rank = (scores > target_scores[:, None]).sum(1) + (scores == target_scores[:, None]).sum(1) - 1
        found = (rank < k) & (target_scores > float("-inf"))  # an unscored or masked target is a miss
        hits += found.sum().item()
        ndcg += (found / torch.log2(rank.float() + 2)).sum().item()
    total = max(len(targets), 1)
    return {f"hr{k}": hits / total, f"ndcg{k}": ndcg / total}


def rank_lists(lists: Sequence[Sequence[int]], targets: Sequence[int], k: int = 10) -> dict[str, float]:
    """HR@k and NDCG@k of ranked lists (best first), as a served recommender returns them."""
    hits = ndcg = 0.0
    for picked, target in zip(lists, targets):
        top = list(picked[:k])
        if target in top:
            hits += 1
            ndcg += 1 / math.log2(top.index(target) + 2)
    total = max(len(targets), 1)
    return {f"hr{k}": hits / total, f"ndcg{k}": ndcg / total}


def _history_cells(histories: Sequence[Sequence[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    lengths = [len(h) for h in histories]
    rows = np.repeat(np.arange(len(histories)), lengths)
    cols = np.fromiter((item for h in histories for item in h), dtype=np.int64, count=sum(lengths))
    return torch.from_numpy(rows), torch.from_numpy(cols)
