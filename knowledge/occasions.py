"""What an activity, occasion or interest means in one catalog, decided by the catalog's own content.

There is no list of occasions: the phrase ("camping", "the gym", "cooking") is embedded with the catalog's
embedder and compared with each product type, as named ("tent (outdoor)") and as its products read (the
mean of their vectors in the index). The types that score close to the best one are what the phrase
means here; a phrase that matches nothing well (score under ``min_score``) means no type at all, and
the words are left to the semantic search::

    kinds = CatalogKinds(catalog_index)
    kinds.types_for("camping next weekend")     # ('tent', 'sleeping bag', 'camping chair')
    kinds.types_for("summer")                   # () - too vague for this catalog's types
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from knowledge.catalog_index import CatalogIndex


@dataclass(frozen=True)
class _Types:
    version: int
    names: tuple[str, ...]
    vectors: np.ndarray  # one unit row per type: its name and its products' mean, averaged


class CatalogKinds:
    """Maps a phrase to the catalog's product types by similarity; rebuilt when the catalog changes."""

    def __init__(self, index: CatalogIndex, min_score: float = 0.3, margin: float = 0.1, most: int = 5):
        self.index = index
        self.min_score = min_score
        self.margin = margin
        self.most = most
        self._lock = threading.Lock()
        self._types: _Types | None = None

    def types_for(self, phrase: str) -> tuple[str, ...]:
        """The product types ``phrase`` stands for in this catalog, best first; () when none fits well."""
        if not phrase.strip():
            return ()
        types = self._current()
        if not types.names:
            return ()
        query = self.index.embedder.embed([phrase])[0]
        scores = types.vectors @ (query / (np.linalg.norm(query) or 1.0))
        order = np.argsort(-scores)[:self.most]
        best = float(scores[order[0]])
        if best < self.min_score:
            return ()
        return tuple(types.names[i] for i in order if scores[i] >= max(self.min_score, best - self.margin))

    def _current(self) -> _Types:
        with self._lock:
            version = self.index.version
            if self._types is None or self._types.version != version:
                self._types = self._build(version)
            return self._types

    def _build(self, version: int) -> _Types:
        snapshot = self.index.snapshot()
        rows: dict[str, list[int]] = {}
        for row, product in enumerate(snapshot.products):
            if product.product_type:
                rows.setdefault(product.product_type.lower(), []).append(row)
        names = tuple(sorted(rows))
        if not names:
            return _Types(version, (), np.zeros((0, 1), dtype=np.float32))
        category = {p.product_type.lower(): p.category for p in snapshot.products if p.product_type}
        named = self.index.embedder.embed([f"{name} ({category[name]})" for name in names])
        vectors, ids = snapshot.vectors, snapshot.vectors.row_ids
        means = np.stack([vectors.vectors_of_ids(ids[rows[name]]).mean(axis=0) for name in names])
        combined = _unit(named) + _unit(means)
        return _Types(version, names, _unit(combined).astype(np.float32))


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)
