"""Inner-product search over unit vectors with FAISS, with filtering done inside the search.

Callers address vectors by *row* (0..n-1, the catalog's product order). Underneath, every vector
has a stable FAISS id, so an update can add and remove vectors without renumbering the rest.
The index kind follows the catalog size: exact ``flat`` up to ``IndexSpec.flat_max`` vectors,
``hnsw`` (approximate, graph-based) above::

    index = VectorIndex.build(vectors, IndexSpec())         # (n, dim) float32; row i gets id i
    hits = index.search(query_vector, k=5, allowed=np.array([3, 8, 13]))
    index.save("var/index/vectors.faiss")
    same = VectorIndex.load("var/index/vectors.faiss").with_rows(index.row_ids)

``allowed`` restricts a search to some rows, so a filter can never leave an empty top-k while
matching rows exist. HNSW cannot delete in place: a removed vector stays in the graph, is excluded
from every search, and disappears at the next compaction (:meth:`changed` rebuilds when a quarter
of the stored vectors are dead).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.errors import CatalogError

INDEX_KINDS = ("auto", "flat", "hnsw")
COMPACT_DEAD_SHARE = 0.25


def _faiss() -> Any:
    import faiss

    return faiss


@dataclass(frozen=True)
class IndexSpec:
    """Which FAISS index to build: ``kind`` auto picks flat up to ``flat_max`` vectors, hnsw above."""

    kind: str = "auto"
    flat_max: int = 100_000
    hnsw_m: int = 32
    hnsw_ef_search: int = 128
    hnsw_ef_construction: int = 80

    def __post_init__(self) -> None:
        if self.kind not in INDEX_KINDS:
            raise ValueError(f"index kind {self.kind!r} is not one of {', '.join(INDEX_KINDS)}")
        for name in ("flat_max", "hnsw_m", "hnsw_ef_search", "hnsw_ef_construction"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")

    def kind_for(self, count: int) -> str:
        """The index kind to use for ``count`` vectors."""
        if self.kind != "auto":
            return self.kind
        return "flat" if count <= self.flat_max else "hnsw"


class VectorIndex:
    """A FAISS ``IndexIDMap2`` (over Flat or HNSWFlat) plus the map from rows to FAISS ids."""

    def __init__(self, index: Any, row_ids: np.ndarray, spec: IndexSpec) -> None:
        self._index = index
        self._spec = spec
        self._row_ids = np.ascontiguousarray(row_ids, dtype=np.int64)
        self._stored_ids = _faiss().vector_to_array(index.id_map).astype(np.int64)
        self._order = np.argsort(self._stored_ids, kind="stable")
        self._check_rows()
        top = int(self._stored_ids.max()) + 1 if len(self._stored_ids) else 0
        self._row_of_id = np.full(top, -1, dtype=np.int64)
        self._row_of_id[self._row_ids] = np.arange(len(self._row_ids))
        self._dead = np.setdiff1d(self._stored_ids, self._row_ids)
        self._live_selector = _not_selector(self._dead) if len(self._dead) else None

    @classmethod
    def build(cls, vectors: np.ndarray, spec: IndexSpec = IndexSpec(), ids: np.ndarray | None = None) -> VectorIndex:
        """An index over the rows of ``vectors`` (n, dim); row i gets id ``ids[i]`` (default i)."""
        matrix = _as_matrix(vectors, "vectors")
        ids = np.arange(len(matrix), dtype=np.int64) if ids is None else np.asarray(ids, dtype=np.int64)
        index = _new_index(matrix.shape[1], spec.kind_for(len(matrix)), spec)
        if len(matrix):
            index.add_with_ids(matrix, ids)
        return cls(index, ids, spec)

    @classmethod
    def load(cls, path: str | Path, spec: IndexSpec = IndexSpec()) -> VectorIndex:
        """Read an index written by :meth:`save`, every stored vector a row in FAISS's order.

        Raises CatalogError if the file is missing or unreadable; :meth:`with_rows` restores the row map.
        """
        path = Path(path)
        if not path.is_file():
            raise CatalogError(f"vector index file not found: {path}")
        faiss = _faiss()
        try:
            index = faiss.read_index(str(path))
        except RuntimeError as exc:
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[-1]
            raise CatalogError(
                f"vector index file {path} is unreadable (corrupted or not a FAISS index): {reason}"
            ) from exc
        if not isinstance(index, faiss.IndexIDMap2) or _kind_of(index) is None:
            raise CatalogError(f"vector index file {path} does not hold an id-mapped flat or HNSW index")
        if index.metric_type != faiss.METRIC_INNER_PRODUCT:
            raise CatalogError(f"vector index file {path} does not hold an inner-product index")
        return cls(index, faiss.vector_to_array(index.id_map).astype(np.int64), spec)

    def with_rows(self, row_ids: np.ndarray) -> VectorIndex:
        """The same stored vectors, with row i now meaning FAISS id ``row_ids[i]``; raises ValueError if one is unknown."""
        return VectorIndex(self._index, row_ids, self._spec)

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

    @property
    def kind(self) -> str:
        return _kind_of(self._index) or "flat"

    @property
    def row_ids(self) -> np.ndarray:
        """The FAISS id of each row (a copy)."""
        return self._row_ids.copy()

    @property
    def stored(self) -> int:
        """Vectors held in the FAISS index, removed-but-not-yet-compacted ones included."""
        return len(self._stored_ids)

    @property
    def next_id(self) -> int:
        return len(self._row_of_id)

    def __len__(self) -> int:
        return len(self._row_ids)

    def vectors_of_ids(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors with these FAISS ids, one row each (a copy)."""
        ids = np.asarray(ids, dtype=np.int64)
        slots = self._order[np.searchsorted(self._stored_ids, ids, sorter=self._order)] if len(ids) else ids
        return _stored_matrix(self._index)[slots].copy()

    def changed(self, row_ids: np.ndarray, add_ids: np.ndarray, add_vectors: np.ndarray) -> VectorIndex:
        """A new index whose rows are ``row_ids``: vectors with ids no row uses are removed, ``add_*`` added.

        The old index stays untouched, so searches running on it are never disturbed. A full rebuild
        happens when the index kind no longer fits the size or too many HNSW vectors are dead.
        """
        row_ids = np.asarray(row_ids, dtype=np.int64)
        add_vectors = _as_matrix(np.reshape(add_vectors, (-1, self.dim)), "add_vectors")
        drop = np.setdiff1d(self._stored_ids, row_ids)
        kind = self._spec.kind_for(len(row_ids))
        dead_after = len(drop) if kind == "hnsw" else 0
        if kind != self.kind or dead_after > COMPACT_DEAD_SHARE * max(len(row_ids), 1):
            return self._rebuilt(row_ids, np.asarray(add_ids, dtype=np.int64), add_vectors)
        index = _faiss().clone_index(self._index)
        if kind == "flat" and len(drop):
            index.remove_ids(drop)
        if len(add_vectors):
            index.add_with_ids(add_vectors, np.asarray(add_ids, dtype=np.int64))
        return VectorIndex(index, row_ids, self._spec)

    def _rebuilt(self, row_ids: np.ndarray, add_ids: np.ndarray, add_vectors: np.ndarray) -> VectorIndex:
        """A fresh index over exactly these rows, renumbered 0..n-1; no vector is embedded again."""
        is_new = np.isin(row_ids, add_ids)
        vectors = np.empty((len(row_ids), self.dim), dtype=np.float32)
        vectors[~is_new] = self.vectors_of_ids(row_ids[~is_new])
        position = {int(vector_id): n for n, vector_id in enumerate(add_ids)}
        vectors[is_new] = add_vectors[[position[int(vector_id)] for vector_id in row_ids[is_new]]]
        return VectorIndex.build(vectors, self._spec)

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The best ``k`` (row, score) pairs for one query vector, best first; only ``allowed`` rows if given."""
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        vector = _as_matrix(np.reshape(query, (1, -1)), "query")
        if vector.shape[1] != self.dim:
            raise ValueError(f"query has dimension {vector.shape[1]}, the index has {self.dim}")
        if allowed is None:
            if not len(self):
                return []
            return self._faiss_search(vector, min(k, len(self)), self._live_selector)
        rows = np.unique(np.asarray(allowed, dtype=np.int64))
        if len(rows) and (rows[0] < 0 or rows[-1] >= len(self)):
            raise ValueError(f"allowed rows must lie in 0..{len(self) - 1}, got {rows[0]}..{rows[-1]}")
        if not len(rows):
            return []
        if self.kind == "hnsw" and len(rows) <= self._spec.flat_max:
            return self._exact_search(vector[0], min(k, len(rows)), rows)
        return self._faiss_search(vector, min(k, len(rows)), _faiss().IDSelectorBatch(self._row_ids[rows]))

    def _faiss_search(self, vector: np.ndarray, k: int, selector: Any) -> list[tuple[int, float]]:
        faiss = _faiss()
        if self.kind == "hnsw":
            params = faiss.SearchParametersHNSW(efSearch=max(self._spec.hnsw_ef_search, k))
        else:
            params = faiss.SearchParameters()
        if selector is not None:
            params.sel = selector
        scores, ids = self._index.search(vector, k, params=params)
        return [(int(self._row_of_id[i]), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def _exact_search(self, vector: np.ndarray, k: int, rows: np.ndarray) -> list[tuple[int, float]]:
        """Few rows allowed: rank them exactly, as a graph search would miss some of them."""
        scores = self.vectors_of_ids(self._row_ids[rows]) @ vector
        best = np.argpartition(-scores, k - 1)[:k] if k < len(rows) else np.arange(len(rows))
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(int(rows[i]), float(scores[i])) for i in best]

    def _check_rows(self) -> None:
        if len(np.unique(self._row_ids)) != len(self._row_ids):
            raise ValueError("two rows share one vector id")
        known = np.isin(self._row_ids, self._stored_ids)
        if not known.all():
            raise ValueError(f"{int((~known).sum())} rows name vector ids the index does not hold")


def _new_index(dim: int, kind: str, spec: IndexSpec) -> Any:
    faiss = _faiss()
    if kind == "hnsw":
        inner = faiss.IndexHNSWFlat(dim, spec.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        inner.hnsw.efConstruction = spec.hnsw_ef_construction
        inner.hnsw.efSearch = spec.hnsw_ef_search
    else:
        inner = faiss.IndexFlatIP(dim)
    return faiss.IndexIDMap2(inner)


def _kind_of(index: Any) -> str | None:
    faiss = _faiss()
    inner = faiss.downcast_index(index.index)
    if isinstance(inner, faiss.IndexHNSWFlat):
        return "hnsw"
    return "flat" if isinstance(inner, faiss.IndexFlat) else None


def _stored_matrix(index: Any) -> np.ndarray:
    """A read-only view of every stored vector, in FAISS's internal order."""
    faiss = _faiss()
    inner = faiss.downcast_index(index.index)
    flat = faiss.downcast_index(inner.storage) if isinstance(inner, faiss.IndexHNSWFlat) else inner
    if flat.ntotal == 0:
        return np.zeros((0, index.d), dtype=np.float32)
    return faiss.rev_swig_ptr(flat.get_xb(), flat.ntotal * index.d).reshape(flat.ntotal, index.d)


def _not_selector(dead: np.ndarray) -> Any:
    faiss = _faiss()
    batch = faiss.IDSelectorBatch(dead)
    selector = faiss.IDSelectorNot(batch)
    selector.referenced_batch = batch
    return selector


def _as_matrix(vectors: np.ndarray, what: str) -> np.ndarray:
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    if matrix.ndim != 2 or matrix.shape[1] == 0:
        raise ValueError(f"{what} must be a 2-D array (n, dim), got shape {np.shape(vectors)}")
    return matrix
