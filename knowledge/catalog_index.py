"""A catalog with its vectors: built once, stored beside the catalog, reused while nothing changed.

``index_dir`` holds ``vectors.faiss`` and ``manifest.json``. The manifest records what the vectors
were built from (catalog sha256, embedder name and dimension, product count); when any of that
differs from now, the index is rebuilt. A damaged index is refused with an error, never served::

    index = CatalogIndex.open("var/demo/catalog.jsonl", "var/demo/index", HashingEmbedder())
    index.manifest["built_at"], len(index.products), index.by_id("sku-00001")
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from knowledge.catalog_io import RowError, catalog_checksum, load_catalog
from knowledge.embedders import Embedder
from knowledge.errors import CatalogError
from knowledge.product import Product
from knowledge.vector_index import INDEX_TYPE, VectorIndex

MANIFEST_NAME = "manifest.json"
VECTORS_NAME = "vectors.faiss"
_FIX = "run `aisle index` to rebuild it, or open it with rebuild=True"


@dataclass(frozen=True)
class CatalogIndex:
    """Products, their vectors (row i is ``products[i]``), the manifest and the embedder that made them."""

    products: tuple[Product, ...]
    vectors: VectorIndex
    manifest: dict[str, Any]
    embedder: Embedder
    load_errors: tuple[RowError, ...] = ()
    catalog_path: Path | None = None
    _rows: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.vectors) != len(self.products):
            raise CatalogError(f"the index holds {len(self.vectors)} vectors for {len(self.products)} products; {_FIX}")
        object.__setattr__(self, "_rows", {product.id: row for row, product in enumerate(self.products)})

    @classmethod
    def open(cls, catalog_path: str | Path, index_dir: str | Path, embedder: Embedder, progress: bool = True,
             rebuild: bool = False) -> CatalogIndex:
        """Load the catalog and its stored index, building (and storing) the index when it is missing or stale."""
        catalog_path, index_dir = Path(catalog_path), Path(index_dir)
        loaded = load_catalog(catalog_path)
        wanted = _identity(catalog_path, loaded.products, embedder)
        stored = None if rebuild else read_manifest(index_dir)
        if stored is not None and _matches(stored, wanted) and (index_dir / VECTORS_NAME).is_file():
            vectors = _load_vectors(index_dir, stored)
            manifest = stored
        else:
            vectors, manifest = _build(loaded.products, embedder, wanted, index_dir, progress)
        return cls(loaded.products, vectors, manifest, embedder, loaded.errors, catalog_path)

    def by_id(self, product_id: str) -> Product | None:
        """The product with this id, or None."""
        row = self._rows.get(product_id)
        return None if row is None else self.products[row]

    def row_of(self, product_id: str) -> int | None:
        """The vector row of this product id, or None."""
        return self._rows.get(product_id)


def read_manifest(index_dir: str | Path) -> dict[str, Any] | None:
    """The stored manifest, or None when there is none; raises CatalogError when it is unreadable."""
    path = Path(index_dir) / MANIFEST_NAME
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogError(f"index manifest {path} is unreadable ({exc}); {_FIX}") from exc
    if not isinstance(manifest, dict):
        raise CatalogError(f"index manifest {path} is not a JSON object; {_FIX}")
    return manifest


def _identity(catalog_path: Path, products: tuple[Product, ...], embedder: Embedder) -> dict[str, Any]:
    return {
        "catalog_sha256": catalog_checksum(catalog_path),
        "embedder": embedder.name,
        "dim": embedder.dim,
        "product_count": len(products),
        "index_type": INDEX_TYPE,
    }


def _matches(stored: dict[str, Any], wanted: dict[str, Any]) -> bool:
    return all(stored.get(key) == value for key, value in wanted.items())


def _load_vectors(index_dir: Path, manifest: dict[str, Any]) -> VectorIndex:
    path = index_dir / VECTORS_NAME
    try:
        vectors = VectorIndex.load(path)
    except CatalogError as exc:
        raise CatalogError(f"{exc}; {_FIX}") from exc
    if len(vectors) != manifest["product_count"]:
        raise CatalogError(f"vector index {path} holds {len(vectors)} vectors but its manifest says "
                           f"{manifest['product_count']}; the file is damaged; {_FIX}")
    if vectors.dim != manifest["dim"]:
        raise CatalogError(f"vector index {path} has dimension {vectors.dim} but its manifest says "
                           f"{manifest['dim']}; {_FIX}")
    return vectors


def _build(products: tuple[Product, ...], embedder: Embedder, identity: dict[str, Any], index_dir: Path,
           progress: bool) -> tuple[VectorIndex, dict[str, Any]]:
    started = time.perf_counter()
    texts = [product.text_for_embedding() for product in products]
    vectors = VectorIndex.build(embedder.embed(texts, progress=progress))
    manifest = {
        **identity,
        "build_seconds": round(time.perf_counter() - started, 3),
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    index_dir.mkdir(parents=True, exist_ok=True)
    (index_dir / MANIFEST_NAME).unlink(missing_ok=True)
    vectors.save(index_dir / VECTORS_NAME)
    _write_json_atomically(index_dir / MANIFEST_NAME, manifest)
    return vectors, manifest


def _write_json_atomically(path: Path, data: dict[str, Any]) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(partial, path)
