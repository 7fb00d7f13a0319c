"""Corpus embeddings cached on disk under a hash of the model and the exact texts.

Embedding a full benchmark corpus takes minutes on a laptop CPU; a rerun over the same texts with
the same model loads the stored array instead::

    vectors = cached_embeddings(embedder, texts, Path("var/bench-cache"))
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from knowledge.embedders import Embedder


def content_key(embedder: Embedder, texts: Sequence[str]) -> str:
    """A sha256 over the embedder's name and dimension and every text in order."""
    digest = hashlib.sha256(f"{embedder.name}\x1e{embedder.dim}\x1e{len(texts)}".encode())
    for text in texts:
        digest.update(b"\x1f")
        digest.update(text.encode("utf-8"))
    return digest.hexdigest()


def cached_embeddings(embedder: Embedder, texts: Sequence[str], cache_dir: Path,
                      progress: bool = False) -> np.ndarray:
    """The embeddings of ``texts``, read from ``cache_dir`` when present, otherwise computed and stored."""
    path = cache_dir / f"{content_key(embedder, texts)}.npy"
    if path.is_file():
        vectors = np.load(path)
        if vectors.shape == (len(texts), embedder.dim):
            return vectors
    vectors = embedder.embed(list(texts), progress=progress)
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial.npy")
    np.save(partial, vectors)
    os.replace(partial, path)
    return vectors
