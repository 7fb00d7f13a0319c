"""Item-to-item co-occurrence: items that shoppers look at close together in their sessions.

Within each shopper's time-ordered items, a pair `distance` steps apart adds 1/distance (the item
that came after counts fully, the one before at `backward`), then counts are damped by popularity
so that a best-seller does not co-occur with everything::

    model = CoOccurrence.fit(sequences, n_items=2400)
    scores = model.scores([[3, 17, 5]])         # (1, n_items), the most recent item weighs most
    model.strongest_anchors([3, 17, 5], [42])    # which history item explains item 42
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse


@dataclass(frozen=True)
class CoOccurrence:
    matrix: sparse.csr_matrix  # (n_items, n_items): row i holds the items that follow or surround i

    @classmethod
    def fit(cls, sequences: Iterable[Sequence[int]], n_items: int, window: int = 3, backward: float = 0.5,
            damping: float = 0.5) -> CoOccurrence:
        rows, cols, values = [], [], []
        for seq in sequences:
            seq = np.asarray(seq, dtype=np.int64)
            for distance in range(1, min(window, len(seq) - 1) + 1):
                before, after = seq[:-distance], seq[distance:]
                keep = before != after
                rows += [before[keep], after[keep]]
                cols += [after[keep], before[keep]]
                weight = 1.0 / distance
                values += [np.full(keep.sum(), weight), np.full(keep.sum(), weight * backward)]
        if not rows:
            return cls(sparse.csr_matrix((n_items, n_items), dtype=np.float32))
        counts = sparse.csr_matrix((np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))),
                                   shape=(n_items, n_items), dtype=np.float64)
        return cls(_damped(counts, damping).astype(np.float32))

    @property
    def n_items(self) -> int:
        return self.matrix.shape[0]

    def scores(self, histories: Sequence[Sequence[int]], decay: float = 0.6) -> np.ndarray:
        """(len(histories), n_items): co-occurrence with each history, the latest item weighted 1, then decay^age."""
        rows, cols, values = [], [], []
        for i, history in enumerate(histories):
            recent = list(history[-20:])[::-1]
            rows += [i] * len(recent)
            cols += recent
            values += [decay ** age for age in range(len(recent))]
        weights = sparse.csr_matrix((values, (rows, cols)), shape=(len(histories), self.n_items), dtype=np.float32)
        return (weights @ self.matrix).toarray()

    def related(self, row: int) -> np.ndarray:
        """(n_items,) how strongly each item goes with item `row`."""
        return np.asarray(self.matrix[row].todense()).ravel()

    def strongest_anchors(self, history: Sequence[int], candidates: Sequence[int]) -> list[int | None]:
        """For each candidate, the history item that co-occurs with it most, or None if none does."""
        rows = list(dict.fromkeys(history))
        if not rows or not len(candidates):
            return [None] * len(candidates)
        block = self.matrix[rows][:, list(candidates)].toarray()  # (history, candidates)
        best = block.argmax(axis=0)
        return [rows[b] if block[b, i] > 0 else None for i, b in enumerate(best)]


def _damped(counts: sparse.csr_matrix, damping: float) -> sparse.csr_matrix:
    """counts[i, j] / (total_i * total_j) ** damping: association beyond sheer popularity."""
    totals = np.asarray(counts.sum(axis=1)).ravel() + 1.0
    scale = totals ** -damping
    return sparse.diags(scale) @ counts @ sparse.diags(scale)
