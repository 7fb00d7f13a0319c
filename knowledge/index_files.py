"""The files of a catalog index folder, written so that a crash never leaves a mix of two states.

``manifest.json`` names the current generation's files: ``vectors-<n>.faiss`` (the FAISS index)
and ``rows-<n>.json`` (each row's FAISS id and the hash of the text its vector was made from).
A new generation writes its files first and switches by replacing the manifest atomically; the
files of older generations are removed afterwards. ``updates.jsonl`` holds catalog changes made
since indexing (:mod:`knowledge.catalog_updates`)::

    manifest = read_manifest(index_dir)              # None when there is no index yet
    rows = read_rows(index_dir, manifest)
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.errors import CatalogError
from knowledge.vector_index import VectorIndex

FORMAT_VERSION = 2
MANIFEST_NAME = "manifest.json"
LOCK_NAME = ".lock"
FIX = "run `aisle index --rebuild` to rebuild it, or open it with rebuild=True"


@dataclass(frozen=True)
class StoredRows:
    """Row i's vector has FAISS id ``ids[i]`` and was made from text with hash ``hashes[i]``."""

    ids: np.ndarray
    hashes: tuple[str, ...]


def read_manifest(index_dir: str | Path) -> dict[str, Any] | None:
    """The stored manifest, or None when there is none; raises CatalogError when it is unreadable."""
    path = Path(index_dir) / MANIFEST_NAME
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogError(f"index manifest {path} is unreadable ({exc}); {FIX}") from exc
    if not isinstance(manifest, dict):
        raise CatalogError(f"index manifest {path} is not a JSON object; {FIX}")
    return manifest


def read_rows(index_dir: Path, manifest: dict[str, Any]) -> StoredRows:
    """The row map the manifest names; raises CatalogError when it is missing or damaged."""
    path = index_dir / str(manifest.get("rows_file", ""))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        ids = np.asarray(data["ids"], dtype=np.int64)
        hashes = tuple(str(value) for value in data["hashes"])
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise CatalogError(f"index row map {path} is missing or unreadable ({exc}); {FIX}") from exc
    if ids.ndim != 1 or len(ids) != len(hashes):
        raise CatalogError(f"index row map {path} holds {ids.size} ids for {len(hashes)} hashes; {FIX}")
    return StoredRows(ids, hashes)


def read_vectors(index_dir: Path, manifest: dict[str, Any], rows: StoredRows, spec: Any) -> VectorIndex:
    """The FAISS index the manifest names, checked against the manifest and the row map."""
    path = index_dir / str(manifest.get("vectors_file", ""))
    try:
        vectors = VectorIndex.load(path, spec=spec)
    except CatalogError as exc:
        raise CatalogError(f"{exc}; {FIX}") from exc
    if vectors.stored != manifest.get("stored_vectors"):
        raise CatalogError(f"vector index {path} holds {vectors.stored} vectors but its manifest says "
                           f"{manifest.get('stored_vectors')}; the file is damaged; {FIX}")
    if vectors.dim != manifest.get("dim"):
        raise CatalogError(f"vector index {path} has dimension {vectors.dim} but its manifest says "
                           f"{manifest.get('dim')}; {FIX}")
    if len(rows.ids) != manifest.get("product_count"):
        raise CatalogError(f"index row map has {len(rows.ids)} rows but the manifest says "
                           f"{manifest.get('product_count')} products; {FIX}")
    try:
        return vectors.with_rows(rows.ids)
    except ValueError as exc:
        raise CatalogError(f"vector index {path} does not match its row map: {exc}; {FIX}") from exc


def write_generation(index_dir: Path, manifest: dict[str, Any], vectors: VectorIndex,
                     hashes: tuple[str, ...]) -> dict[str, Any]:
    """Write a new generation's files, then switch the manifest to them; returns the manifest written."""
    index_dir.mkdir(parents=True, exist_ok=True)
    generation = int(manifest.get("generation", 0))
    manifest = {
        **manifest, "format": FORMAT_VERSION, "generation": generation,
        "vectors_file": f"vectors-{generation}.faiss", "rows_file": f"rows-{generation}.json",
        "product_count": len(vectors), "stored_vectors": vectors.stored, "index_type": vectors.kind,
    }
    vectors.save(index_dir / manifest["vectors_file"])
    write_json(index_dir / manifest["rows_file"], {"ids": vectors.row_ids.tolist(), "hashes": list(hashes)}, indent=None)
    write_json(index_dir / MANIFEST_NAME, manifest)
    _remove_other_generations(index_dir, manifest)
    return manifest


def write_json(path: Path, data: Any, indent: int | None = 2) -> None:
    """Write JSON atomically: a reader sees the old file or the new one, never half of one."""
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=indent, sort_keys=True)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


def _remove_other_generations(index_dir: Path, manifest: dict[str, Any]) -> None:
    current = {manifest["vectors_file"], manifest["rows_file"]}
    for pattern in ("vectors*.faiss", "rows-*.json", "*.partial"):
        for path in index_dir.glob(pattern):
            if path.name not in current:
                path.unlink(missing_ok=True)


@contextlib.contextmanager
def locked(index_dir: Path) -> Iterator[None]:
    """Hold the index folder's lock, so two processes never write one index at once."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / LOCK_NAME).open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
