"""A catalog made from items' attribute ids alone, for sequence data with no titles or prices.

Sequence files such as S3-Rec's `Beauty.txt` name items by id, with brand and category ids beside
them (`Beauty_item2attributes.json`). Each item becomes a product: the attribute most items share is
its category, its rarest one its brand (for the taste signal), and its content vector is its
attributes' one-hot row weighted by inverse frequency, reduced to 64 dimensions by a truncated SVD,
standing in for the text embeddings a real catalog's search index provides::

    items = items_from_attributes(["1", "2"], [("7", "12"), ("7",)])
    items.products[0].category, items.content_scores([0])
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from knowledge.product import Product
from skills.recommend.items import ItemTable

CONTENT_DIMENSIONS = 64  # like a small text embedding: cheap to score every product against


def items_from_attributes(item_ids: Sequence[str], attributes: Sequence[Sequence[str]] | None) -> ItemTable:
    """Products (id, category and brand from the attributes, in stock) with attribute content vectors."""
    attributes = attributes or [()] * len(item_ids)
    frequency = Counter(a for attrs in attributes for a in set(attrs))
    products = []
    for item, attrs in zip(item_ids, attributes):
        ranked = sorted(set(attrs), key=lambda a: (-frequency[a], a))
        products.append(Product(id=item, title=f"item {item}", category=f"attribute {ranked[0]}" if ranked else "",
                                brand=f"attribute {ranked[-1]}" if len(ranked) > 1 else "", stock=1))
    return ItemTable(tuple(products), _attribute_vectors(attributes, frequency, len(item_ids)))


def _attribute_vectors(attributes: Sequence[Sequence[str]], frequency: Counter, n: int) -> np.ndarray | None:
    if not frequency:
        return None
    column = {a: i for i, a in enumerate(sorted(frequency))}
    vectors = np.zeros((n, len(column)), dtype=np.float32)
    for row, attrs in enumerate(attributes):
        for a in set(attrs):
            vectors[row, column[a]] = np.log(n / frequency[a])
    if vectors.shape[1] > CONTENT_DIMENSIONS:  # the top right singular vectors, from the small Gram matrix
        sparse_rows = sparse.csr_matrix(vectors)
        _, basis = np.linalg.eigh((sparse_rows.T @ sparse_rows).toarray())
        vectors = np.asarray(sparse_rows @ basis[:, -CONTENT_DIMENSIONS:])
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)
