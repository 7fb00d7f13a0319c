"""Exact inner-product search over unit vectors with FAISS, with filtering done inside FAISS.

Rows are numbered 0..n-1 in the order they were added. ``allowed`` restricts a search to some
rows through an ID selector, so FAISS ranks only those rows and a filter can never leave an
empty top-k while matching rows exist::

    index = VectorIndex.build(vectors)                     # (n, dim) float32
    hits = index.search(query_vector, k=5, allowed=np.array([3, 8, 13]))
    index.save("var/index/vectors.faiss")
    same = VectorIndex.load("var/index/vectors.faiss")
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.errors import CatalogError

INDEX_TYPE = "flat"


def _faiss() -> Any:
    import faiss

    return faiss


class VectorIndex:
    """A flat (exact) inner-product FAISS index; build it with :meth:`build` or :meth:`load`."""

    def __init__(self, index: Any) -> None:
        self._index = index

    @classmethod
    def build(cls, vectors: np.ndarray) -> VectorIndex:
        """An index over the rows of ``vectors`` (n, dim); row i gets id i."""
        matrix = _as_matrix(vectors, "vectors")
        index = _faiss().IndexFlatIP(matrix.shape[1])
        if len(matrix):
            index.add(matrix)
        return cls(index)

    @classmethod
    def load(cls, path: str | Path) -> VectorIndex:
        """Read an index written by :meth:`save`; raises CatalogError if the file is missing or unreadable."""
        path = Path(path)
        if not path.is_file():
            raise CatalogError(f"vector index file not found: {path}")
        try:
            index = _faiss().read_index(str(path))
        except RuntimeError as exc:
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[-1]
            raise CatalogError(
                f"vector index file {path} is unreadable (corrupted or not a FAISS index): {reason}"
            ) from exc
        if index.metric_type != _faiss().METRIC_INNER_PRODUCT:
            raise CatalogError(f"vector index file {path} does not hold an inner-product index")
        return cls(index)

    def save(self, path: str | Path) -> Path:
        """Write the index atomically: a reader never sees a half-written file."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        _faiss().write_index(self._index, str(partial))
        os.replace(partial, path)
        return path

    @property
    def dim(self) -> int:
        return int(self._index.d)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The best ``k`` (row, score) pairs for one query vector, best first; only ``allowed`` rows if given."""
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        vector = _as_matrix(np.reshape(query, (1, -1)), "query")
        if vector.shape[1] != self.dim:
            raise ValueError(f"query has dimension {vector.shape[1]}, the index has {self.dim}")
        params = None
        limit = len(self)
        if allowed is not None:
            rows = np.unique(np.asarray(allowed, dtype=np.int64))
            if len(rows) and (rows[0] < 0 or rows[-1] >= limit):
                raise ValueError(f"allowed rows must lie in 0..{limit - 1}, got {rows[0]}..{rows[-1]}")
            selector = _faiss().IDSelectorBatch(rows)
            params = _faiss().SearchParameters(sel=selector)
            limit = len(rows)
        if limit == 0:
            return []
        scores, ids = self._index.search(vector, min(k, limit), params=params)
        return [(int(row), float(score)) for row, score in zip(ids[0], scores[0]) if row >= 0]


def _as_matrix(vectors: np.ndarray, what: str) -> np.ndarray:
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    if matrix.ndim != 2 or matrix.shape[1] == 0:
        raise ValueError(f"{what} must be a 2-D array (n, dim), got shape {np.shape(vectors)}")
    return matrix
