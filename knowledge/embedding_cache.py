"""Vectors reused by content hash: a product whose embedding text did not change is never embedded again.

The hash covers the embedder's name and :meth:`Product.text_for_embedding`, so a price or stock
change reuses the stored vector, a new title gets a new one, and a new embedder re-embeds all.
The stored vectors live in the FAISS index itself (flat and HNSW keep them exactly), so the cache
costs no second copy on disk::

    hashes = content_hashes(products, embedder)
    vectors, embedded = sync_vectors(products, hashes, embedder, spec, previous=old_vectors,
                                     previous_hashes=old_hashes)
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from knowledge.embedders import Embedder
from knowledge.product import Product
from knowledge.vector_index import IndexSpec, VectorIndex


def content_hash(text: str, embedder_name: str) -> str:
    """128 bits of sha256 over the embedder's name and the text."""
    return hashlib.sha256(f"{embedder_name}\x1f{text}".encode("utf-8")).hexdigest()[:32]


def content_hashes(products: Sequence[Product], embedder: Embedder) -> tuple[str, ...]:
    name = embedder.name
    return tuple(content_hash(product.text_for_embedding(), name) for product in products)


def sync_vectors(products: Sequence[Product], hashes: Sequence[str], embedder: Embedder, spec: IndexSpec,
                 previous: VectorIndex | None = None, previous_hashes: Sequence[str] = (),
                 progress: bool = False) -> tuple[VectorIndex, int]:
    """An index whose row i holds the vector of ``products[i]``, and how many texts had to be embedded.

    With ``previous`` (and the hash of each of its rows), vectors whose hash is known are reused;
    the previous index is left untouched.
    """
    if previous is None:
        vectors, embedded = _embed_unique(products, hashes, range(len(products)), embedder, progress)
        return VectorIndex.build(vectors.reshape(len(products), embedder.dim), spec), embedded
    free: dict[str, list[int]] = {}
    for vector_id, digest in zip(previous.row_ids.tolist(), previous_hashes):
        free.setdefault(digest, []).append(vector_id)
    known = {digest: ids[0] for digest, ids in free.items()}
    row_ids = np.empty(len(products), dtype=np.int64)
    missing: list[int] = []
    for row, digest in enumerate(hashes):
        pool = free.get(digest)
        if pool:
            row_ids[row] = pool.pop()
        else:
            missing.append(row)
    new_ids = np.arange(previous.next_id, previous.next_id + len(missing), dtype=np.int64)
    row_ids[missing] = new_ids
    copied = [row for row in missing if hashes[row] in known]
    fresh = [row for row in missing if hashes[row] not in known]
    add = np.empty((len(missing), previous.dim), dtype=np.float32)
    position = {row: n for n, row in enumerate(missing)}
    if copied:
        add[[position[row] for row in copied]] = previous.vectors_of_ids(np.array([known[hashes[r]] for r in copied]))
    embedded = 0
    if fresh:
        add[[position[row] for row in fresh]], embedded = _embed_unique(products, hashes, fresh, embedder, progress)
    return previous.changed(row_ids, new_ids, add), embedded


def _embed_unique(products: Sequence[Product], hashes: Sequence[str], rows: Sequence[int] | range,
                  embedder: Embedder, progress: bool) -> tuple[np.ndarray, int]:
    """Vectors for ``rows``, embedding each distinct text once."""
    first_of: dict[str, int] = {}
    for row in rows:
        first_of.setdefault(hashes[row], len(first_of))
    texts = [""] * len(first_of)
    for row in rows:
        texts[first_of[hashes[row]]] = products[row].text_for_embedding()
    unique = embedder.embed(texts, progress=progress) if texts else np.zeros((0, embedder.dim), np.float32)
    picked = unique[[first_of[hashes[row]] for row in rows]] if len(rows) else unique
    return np.asarray(picked, dtype=np.float32), len(texts)
