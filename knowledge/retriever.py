"""Semantic product search under hard filters: the filter picks the rows, FAISS ranks only those.

    retriever = Retriever(CatalogIndex.open(catalog, index_dir, SentenceTransformerEmbedder()))
    hits = retriever.search("comfortable shoes for walking",
                            ProductFilter(colours={"red"}, max_price=80), k=6)
    for hit in hits:
        print(hit.product.title, round(hit.score, 3))

Every returned product satisfies the filter; if fewer than ``k`` products do, fewer come back.
An empty query with a filter ranks by the filter's own description ("red sneakers under $80").
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from knowledge.catalog_index import CatalogIndex
from knowledge.columns import ProductColumns
from knowledge.filters import ProductFilter
from knowledge.product import Product


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: the product and its cosine similarity to the query."""

    product: Product
    score: float


class Retriever:
    """Filtered nearest-neighbour search over a :class:`CatalogIndex`."""

    def __init__(self, index: CatalogIndex) -> None:
        self.index = index
        self._columns = ProductColumns.from_products(index.products)

    def allowed_rows(self, wanted: ProductFilter | None) -> np.ndarray | None:
        """Rows that satisfy ``wanted``; None means every row."""
        if wanted is None or wanted.is_empty:
            return None
        return np.flatnonzero(self._columns.mask(wanted)).astype(np.int64)

    def count(self, wanted: ProductFilter | None = None) -> int:
        """How many products satisfy ``wanted``."""
        rows = self.allowed_rows(wanted)
        return len(self.index.products) if rows is None else len(rows)

    def search(self, query: str, filter: ProductFilter | None = None, k: int = 6) -> list[Hit]:
        """The ``k`` products most similar to ``query`` among those that satisfy ``filter``, best first."""
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        allowed = self.allowed_rows(filter)
        if (allowed is not None and len(allowed) == 0) or not self.index.products:
            return []
        text = query.strip() or (filter.describe() if filter is not None and not filter.is_empty else "")
        if not text:
            raise ValueError("query is empty and there is no filter to search by")
        vector = self.index.embedder.embed([text])[0]
        ranked = self.index.vectors.search(vector, k, allowed)
        return [Hit(self.index.products[row], score) for row, score in ranked]
