"""The catalog as arrays the recommenders score over: row i is ``products[i]``.

    items = ItemTable.from_catalog(catalog_index)     # reuses the search index's vectors
    items.row("sku-00042"), items.prices[items.row("sku-00042")]
    items.content_scores([3, 17])                     # cosine of every product to those two
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from knowledge.columns import ProductColumns
from knowledge.filters import ProductFilter
from knowledge.product import Product

ATTRIBUTES = ("category", "product_type", "brand", "colour", "gender")


@dataclass(frozen=True)
class ItemTable:
    """Products with their unit vectors (None: no content similarity) and a few columns as arrays."""

    products: tuple[Product, ...]
    vectors: np.ndarray | None = None
    version: Any = None
    rows: dict[str, int] = field(init=False, repr=False)
    prices: np.ndarray = field(init=False, repr=False)
    in_stock: np.ndarray = field(init=False, repr=False)
    categories: np.ndarray = field(init=False, repr=False)
    titles: np.ndarray = field(init=False, repr=False)
    title_codes: np.ndarray = field(init=False, repr=False)  # the same number for the same (lower-case) title
    codes: dict[str, np.ndarray] = field(init=False, repr=False)
    vocab: dict[str, dict[str, int]] = field(init=False, repr=False)
    names: dict[str, dict[str, str]] = field(init=False, repr=False)  # lower-case value -> as the catalog spells it
    type_median_price: dict[str, float] = field(init=False, repr=False)
    columns: ProductColumns = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.vectors is not None and len(self.vectors) != len(self.products):
            raise ValueError(f"{len(self.vectors)} vectors for {len(self.products)} products")
        set_ = object.__setattr__
        set_(self, "rows", {product.id: row for row, product in enumerate(self.products)})
        set_(self, "prices", np.array([p.price for p in self.products], dtype=np.float64))
        set_(self, "in_stock", np.array([p.in_stock for p in self.products], dtype=bool))
        set_(self, "categories", np.array([p.category or "" for p in self.products], dtype=object))
        set_(self, "titles", np.array([p.title.lower() for p in self.products], dtype=object))
        numbered: dict[str, int] = {}
        set_(self, "title_codes", np.array([numbered.setdefault(t, len(numbered)) for t in self.titles], dtype=np.int64))
        vocab = {name: {} for name in ATTRIBUTES}
        codes = {name: np.array([vocab[name].setdefault(_attr(p, name), len(vocab[name])) for p in self.products],
                                dtype=np.int64) for name in ATTRIBUTES}
        names: dict[str, dict[str, str]] = {name: {} for name in ATTRIBUTES}
        for product in self.products:
            for name in ATTRIBUTES:
                names[name].setdefault(_attr(product, name), str(getattr(product, name) or ""))
        set_(self, "names", names)
        set_(self, "codes", codes)
        set_(self, "vocab", vocab)
        set_(self, "type_median_price", _median_prices(self.products))
        set_(self, "columns", ProductColumns.from_products(self.products))

    @classmethod
    def from_catalog(cls, index: Any) -> ItemTable:
        """From a `knowledge.catalog_index.CatalogIndex`: its products and the vectors search uses."""
        vectors = index.vectors
        matrix = vectors.vectors_of_ids(vectors.row_ids).astype(np.float32)
        return cls(tuple(index.products), _unit(matrix), getattr(index, "version", None))

    def __len__(self) -> int:
        return len(self.products)

    def row(self, product_id: str) -> int | None:
        return self.rows.get(product_id)

    def matching(self, wanted: ProductFilter | None) -> np.ndarray | None:
        """Rows that satisfy `wanted`; None when there is nothing to filter by."""
        if wanted is None or wanted.is_empty:
            return None
        return np.flatnonzero(self.columns.mask(wanted))

    def content_scores(self, rows: Sequence[int], weights: Sequence[float] | None = None) -> np.ndarray:
        """Cosine similarity of every product to the (weighted) mean of `rows`; zeros without vectors."""
        if self.vectors is None or not len(rows):
            return np.zeros(len(self.products), dtype=np.float32)
        w = np.ones(len(rows), dtype=np.float32) if weights is None else np.asarray(weights, dtype=np.float32)
        centre = (self.vectors[list(rows)] * w[:, None]).sum(0)
        norm = float(np.linalg.norm(centre))
        return self.vectors @ (centre / norm) if norm > 0 else np.zeros(len(self.products), dtype=np.float32)

    def similarities(self, rows: np.ndarray) -> np.ndarray:
        """(len(rows), len(rows)) pairwise cosine; without vectors, 1 for the same kind of product."""
        if self.vectors is None:
            kinds = self.codes["product_type"][rows]
            return (kinds[:, None] == kinds[None, :]).astype(np.float64)
        chosen = self.vectors[rows]
        return chosen @ chosen.T

    def similarity(self, a: int, b: int) -> float:
        if self.vectors is None:
            return 1.0 if self.products[a].product_type == self.products[b].product_type else 0.0
        return float(self.vectors[a] @ self.vectors[b])


def _attr(product: Product, name: str) -> str:
    return str(getattr(product, name) or "").lower()


def _median_prices(products: Sequence[Product]) -> dict[str, float]:
    by_type: dict[str, list[float]] = {}
    for product in products:
        by_type.setdefault(product.product_type.lower(), []).append(product.price)
    return {kind: float(np.median(prices)) for kind, prices in by_type.items()}


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)
