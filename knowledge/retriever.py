"""Hybrid product search under hard filters: the filter picks the rows, then FAISS and BM25 rank only those.

    retriever = Retriever(CatalogIndex.open(catalog, index_dir, SentenceTransformerEmbedder()))
    hits = retriever.search("comfortable shoes for walking",
                            ProductFilter(colours={"red"}, max_price=80), k=6)
    for hit in hits:
        print(hit.product.title, round(hit.score, 3))

Every returned product satisfies the filter; if fewer than ``k`` products do, fewer come back.
An empty query with a filter ranks by the filter's own description ("red sneakers under $80").
The dense and lexical rankings are fused as :class:`HybridConfig` says; a :class:`Reranker`, when
given, re-orders the best fused hits. Unless given, the fusion and BM25 settings are the ones the
index chose for this catalog when it was built (:mod:`knowledge.search_tuning`). The keyword
index and the filter columns follow the catalog: when ``index.version`` changes they are rebuilt
on the next search.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from knowledge.catalog_index import CatalogIndex, CatalogSnapshot
from knowledge.columns import ProductColumns
from knowledge.filters import ProductFilter
from knowledge.hybrid import Candidates, Hit, HybridConfig, Reranker, fuse
from knowledge.lexical import LexicalConfig, LexicalIndex, top_rows
from knowledge.search_tuning import settings_from_manifest

__all__ = ["Hit", "Retriever"]


@dataclass(frozen=True)
class _Derived:
    """One catalog snapshot with the filter columns and keyword index built from it."""

    catalog: CatalogSnapshot
    columns: ProductColumns
    lexical: LexicalIndex


class Retriever:
    """Filtered hybrid (dense + BM25) search over a :class:`CatalogIndex`."""

    def __init__(self, index: CatalogIndex, config: HybridConfig | None = None,
                 lexical: LexicalConfig | None = None, reranker: Reranker | None = None,
                 rerank_depth: int = 20) -> None:
        """``config`` and ``lexical`` default to what the index's tuning chose for this catalog
        (``manifest["search_tuning"]``), or the built-in defaults where it chose nothing."""
        if rerank_depth < 1:
            raise ValueError(f"rerank_depth must be at least 1, got {rerank_depth!r}")
        tuned_hybrid, tuned_lexical = settings_from_manifest(index.manifest)
        self.index = index
        self.config = config or tuned_hybrid
        self.lexical_config = lexical or tuned_lexical
        self.reranker = reranker
        self.rerank_depth = rerank_depth
        self._lock = threading.Lock()
        self._derived: _Derived | None = None

    @property
    def lexical(self) -> LexicalIndex:
        """The keyword index of the catalog's current version."""
        return self._current().lexical

    def allowed_rows(self, wanted: ProductFilter | None) -> np.ndarray | None:
        """Rows that satisfy ``wanted``; None means every row."""
        return self._allowed(self._current(), wanted)

    def count(self, wanted: ProductFilter | None = None) -> int:
        """How many products satisfy ``wanted``."""
        derived = self._current()
        rows = self._allowed(derived, wanted)
        return len(derived.catalog.products) if rows is None else len(rows)

    def search(self, query: str, filter: ProductFilter | None = None, k: int = 6) -> list[Hit]:
        """The ``k`` products that best match ``query`` among those that satisfy ``filter``, best first."""
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        wanted = max(k, self.rerank_depth) if self.reranker is not None else k
        derived = self._current()
        found = self._candidates(derived, query, filter, max(wanted, self.config.depth), None)
        if found is None:
            return []
        products = derived.catalog.products
        hits = [Hit(products[row], score) for row, score in fuse(found, self.config)[:wanted]]
        if self.reranker is not None:
            hits = list(self.reranker(self.search_text(query, filter), hits))
        return hits[:k]

    def candidates(self, query: str, filter: ProductFilter | None = None, depth: int | None = None,
                   vector: np.ndarray | None = None) -> Candidates | None:
        """What each retriever proposes for ``query`` among the rows ``filter`` allows (``depth`` rows each,
        the config's by default), before fusion; None when no product satisfies ``filter``.
        ``vector`` is the query's embedding when the caller already has it."""
        return self._candidates(self._current(), query, filter, depth or self.config.depth, vector)

    def _candidates(self, derived: _Derived, query: str, filter: ProductFilter | None, depth: int,
                    vector: np.ndarray | None) -> Candidates | None:
        allowed = self._allowed(derived, filter)
        if (allowed is not None and len(allowed) == 0) or not derived.catalog.products:
            return None
        text = self.search_text(query, filter)
        if vector is None:
            vector = self.index.embedder.embed([text])[0]
        vectors = derived.catalog.vectors
        dense = vectors.search(vector, depth, allowed)
        lexical_scores = derived.lexical.scores(text)
        lexical = top_rows(lexical_scores, depth, allowed)
        return Candidates.gather(dense, lexical, lexical_scores,
                                 lambda rows: vectors.vectors_of_ids(vectors.row_ids[rows]) @ vector)

    @staticmethod
    def search_text(query: str, filter: ProductFilter | None) -> str:
        """The text both retrievers rank by: the query, or the filter's description when the query is empty."""
        text = query.strip() or (filter.describe() if filter is not None and not filter.is_empty else "")
        if not text:
            raise ValueError("query is empty and there is no filter to search by")
        return text

    @staticmethod
    def _allowed(derived: _Derived, wanted: ProductFilter | None) -> np.ndarray | None:
        if wanted is None or wanted.is_empty:
            return None
        return np.flatnonzero(derived.columns.mask(wanted)).astype(np.int64)

    def _current(self) -> _Derived:
        catalog = self.index.snapshot()
        derived = self._derived
        if derived is not None and derived.catalog.version == catalog.version:
            return derived
        with self._lock:
            if self._derived is None or self._derived.catalog.version != catalog.version:
                products = catalog.products
                self._derived = _Derived(
                    catalog, ProductColumns.from_products(products),
                    LexicalIndex.build([p.text_for_embedding() for p in products], self.lexical_config))
            return self._derived
