"""A catalog with its vectors: built once, stored beside the catalog, kept current by small updates.

``index_dir`` holds the manifest (embedder name and dimension, catalog checksum, counts, index
type, build time), the FAISS index, each row's content hash, and ``updates.jsonl``, the changes
made since the catalog file was indexed. Opening checks every row's hash against the catalog:
unchanged products keep their vectors, changed ones are embedded again, nothing else is. A
damaged index is refused with an error, never served::

    index = CatalogIndex.open("var/demo/catalog.jsonl", "var/index/catalog", HashingEmbedder())
    index.manifest["built_at"], len(index.products), index.by_id("sku-00001")
    report = index.apply_update([Product(id="new-1", title="Red Runner", price=59)], deletes=["sku-00002"])
    index.version                        # grows by one with every update that changed something

Searches read :meth:`snapshot` (or the properties, which read the current snapshot): an update
builds a new snapshot aside and swaps it in, so a search sees the old catalog or the new one,
never a mix.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from knowledge.catalog_io import RowError, catalog_checksum, load_catalog
from knowledge.catalog_updates import UPDATES_NAME, Overlay, UpdateReport, plan_update
from knowledge.embedders import Embedder
from knowledge.embedding_cache import content_hashes, sync_vectors
from knowledge.errors import CatalogError
from knowledge.index_files import (FIX, FORMAT_VERSION, MANIFEST_NAME, locked, read_manifest, read_rows,
                                   read_vectors, write_generation, write_json)
from knowledge.product import Product
from knowledge.search_tuning import TUNER_VERSION, TUNING_KEY, tune_search
from knowledge.vector_index import IndexSpec, VectorIndex

__all__ = ["CatalogIndex", "CatalogSnapshot", "MANIFEST_NAME", "UpdateReport", "read_manifest"]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CatalogSnapshot:
    """One consistent state: row i is ``products[i]`` and its vector; ``version`` counts updates."""

    products: tuple[Product, ...]
    vectors: VectorIndex
    hashes: tuple[str, ...]
    manifest: dict[str, Any]
    version: int = 0
    rows: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.vectors) != len(self.products):
            raise CatalogError(f"the index holds {len(self.vectors)} vectors for {len(self.products)} products; {FIX}")
        object.__setattr__(self, "rows", {product.id: row for row, product in enumerate(self.products)})


@dataclass(frozen=True)
class _Source:
    """Where the catalog and its index live, and which index to build."""

    path: Path
    index_dir: Path
    spec: IndexSpec


class CatalogIndex:
    """Products, their vectors, the manifest and the embedder that made them; open it with :meth:`open`."""

    def __init__(self, snapshot: CatalogSnapshot, embedder: Embedder, source: _Source, base: tuple[Product, ...],
                 overlay: Overlay, load_errors: tuple[RowError, ...] = ()) -> None:
        self._snapshot = snapshot
        self.embedder = embedder
        self._source = source
        self._base = base
        self._base_ids = {product.id for product in base}
        self._overlay = overlay
        self.load_errors = load_errors
        self._lock = threading.Lock()

    @classmethod
    def open(cls, catalog_path: str | Path, index_dir: str | Path, embedder: Embedder, progress: bool = True,
             rebuild: bool = False, spec: IndexSpec = IndexSpec(), format: str = "auto",
             columns: Mapping[str, str] | None = None) -> CatalogIndex:
        """Load the catalog, its updates and its stored index; embed only what is new or changed.

        ``rebuild`` ignores the stored index (and its vectors) and embeds everything again.
        """
        source = _Source(Path(catalog_path), Path(index_dir), spec)
        loaded = load_catalog(source.path, format, columns)
        with locked(source.index_dir):
            overlay = Overlay.read(source.index_dir / UPDATES_NAME)
            products = overlay.apply(loaded.products)
            snapshot = _open_snapshot(source, products, embedder, progress, rebuild, len(overlay.entries))
        return cls(snapshot, embedder, source, loaded.products, overlay, loaded.errors)

    def snapshot(self) -> CatalogSnapshot:
        """The current state, which no later update changes."""
        return self._snapshot

    @property
    def products(self) -> tuple[Product, ...]:
        return self._snapshot.products

    @property
    def vectors(self) -> VectorIndex:
        return self._snapshot.vectors

    @property
    def manifest(self) -> dict[str, Any]:
        return self._snapshot.manifest

    @property
    def version(self) -> int:
        return self._snapshot.version

    @property
    def catalog_path(self) -> Path:
        return self._source.path

    def by_id(self, product_id: str) -> Product | None:
        """The product with this id, or None."""
        snapshot = self._snapshot
        row = snapshot.rows.get(product_id)
        return None if row is None else snapshot.products[row]

    def row_of(self, product_id: str) -> int | None:
        """The vector row of this product id, or None."""
        return self._snapshot.rows.get(product_id)

    def apply_update(self, upserts: Sequence[Product], deletes: Sequence[str] = (),
                     progress: bool = False) -> UpdateReport:
        """Add or replace ``upserts`` and remove ``deletes``, embedding only new or changed texts.

        The change is stored before it is served, and survives restarts. Safe to call while
        searches run; concurrent updates run one after the other.
        """
        with self._lock, locked(self._source.index_dir):
            current = self._snapshot
            self._check_unchanged_on_disk(current)
            plan = plan_update({p.id: p for p in current.products}, upserts, deletes)
            if not plan.upserts and not plan.deletes:
                return replace(plan.report, version=current.version)
            overlay = self._overlay.changed(plan.upserts, plan.deletes, self._base_ids)
            products = overlay.apply(self._base)
            hashes = content_hashes(products, self.embedder)
            vectors, embedded = sync_vectors(products, hashes, self.embedder, self._source.spec,
                                             current.vectors, current.hashes, progress)
            overlay.write(self._source.index_dir / UPDATES_NAME)
            manifest = _next_manifest(current.manifest, updates=len(overlay.entries), embedded=embedded)
            manifest = write_generation(self._source.index_dir, manifest, vectors, hashes)
            self._overlay = overlay
            self._snapshot = CatalogSnapshot(products, vectors, hashes, manifest, current.version + 1)
        log.info("catalog update applied: %s", plan.report.summary())
        return replace(plan.report, embedded=embedded, version=current.version + 1)

    def _check_unchanged_on_disk(self, current: CatalogSnapshot) -> None:
        stored = read_manifest(self._source.index_dir) or {}
        if stored.get("generation") != current.manifest.get("generation"):
            raise CatalogError(
                f"the index in {self._source.index_dir} was changed by another process since it was opened; "
                f"restart to load it, then apply this update again"
            )


@dataclass(frozen=True)
class _Stored:
    manifest: dict[str, Any]
    vectors: VectorIndex
    hashes: tuple[str, ...]


def _open_snapshot(source: _Source, products: tuple[Product, ...], embedder: Embedder, progress: bool,
                   rebuild: bool, updates: int) -> CatalogSnapshot:
    hashes = content_hashes(products, embedder)
    identity = {"catalog_sha256": catalog_checksum(source.path), "catalog": str(source.path),
                "embedder": embedder.name, "dim": embedder.dim, "updates": updates}
    stored = None if rebuild else _read_stored(source, embedder)
    if stored is not None and stored.hashes == hashes and stored.vectors.kind == source.spec.kind_for(len(hashes)):
        manifest = stored.manifest
        if any(manifest.get(key) != value for key, value in identity.items()) or not _tuned(manifest):
            manifest = {**manifest, **identity}
            if not _tuned(manifest):
                manifest[TUNING_KEY] = tune_search(products, stored.vectors, embedder)
            write_json(source.index_dir / MANIFEST_NAME, manifest)
        return CatalogSnapshot(products, stored.vectors, hashes, manifest)
    started = time.perf_counter()
    previous = (stored.vectors, stored.hashes) if stored is not None else (None, ())
    vectors, embedded = sync_vectors(products, hashes, embedder, source.spec, *previous, progress=progress)
    manifest = {
        **identity, "generation": _next_generation(source.index_dir), "embedded": embedded,
        "build_seconds": round(time.perf_counter() - started, 3), "built_at": _now(),
        TUNING_KEY: tune_search(products, vectors, embedder),
    }
    manifest = write_generation(source.index_dir, manifest, vectors, hashes)
    if stored is not None:
        log.info("catalog changed since indexing: %d of %d products embedded again", embedded, len(products))
    return CatalogSnapshot(products, vectors, hashes, manifest)


def _tuned(manifest: dict[str, Any]) -> bool:
    """Whether the manifest records search settings chosen by the current tuner."""
    record = manifest.get(TUNING_KEY)
    return isinstance(record, dict) and record.get("version") == TUNER_VERSION


def _read_stored(source: _Source, embedder: Embedder) -> _Stored | None:
    """The stored index, or None when there is none or it was made by another embedder or format."""
    manifest = read_manifest(source.index_dir)
    if manifest is None:
        return None
    if manifest.get("format") != FORMAT_VERSION:
        log.info("the index in %s was written by an older version of Aisle; rebuilding it", source.index_dir)
        return None
    if manifest.get("embedder") != embedder.name or manifest.get("dim") != embedder.dim:
        log.info("the index in %s was made with %s (dim %s); re-embedding with %s (dim %d)", source.index_dir,
                 manifest.get("embedder"), manifest.get("dim"), embedder.name, embedder.dim)
        return None
    rows = read_rows(source.index_dir, manifest)
    return _Stored(manifest, read_vectors(source.index_dir, manifest, rows, source.spec), rows.hashes)


def _next_generation(index_dir: Path) -> int:
    try:
        manifest = read_manifest(index_dir) or {}
    except CatalogError:
        manifest = {}
    generation = manifest.get("generation")
    return generation + 1 if isinstance(generation, int) else 0


def _next_manifest(manifest: dict[str, Any], updates: int, embedded: int) -> dict[str, Any]:
    return {**manifest, "generation": int(manifest["generation"]) + 1, "updates": updates,
            "embedded": embedded, "updated_at": _now()}


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
