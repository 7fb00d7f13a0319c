"""Catalog changes made after a catalog file was indexed, kept beside the index so they survive restarts.

The catalog file stays the shop's own (it may be a Shopify export Aisle could not write back).
Every upsert and delete goes to ``updates.jsonl`` in the index folder, one line per touched
product: the product as a JSON object, or ``{"id": ..., "deleted": true}``. At every start the
file is applied on top of the catalog: a replaced product keeps its place, new ones follow the
catalog's, deleted ones are left out. The file is itself a valid update file::

    overlay = Overlay.read(index_dir / UPDATES_NAME)
    products = overlay.apply(catalog_products)
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from knowledge.catalog_io import load_updates
from knowledge.errors import CatalogError
from knowledge.product import Product

UPDATES_NAME = "updates.jsonl"


@dataclass(frozen=True)
class UpdateReport:
    """What one catalog update did, by product id; ``errors`` says what was refused and why."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    deleted: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    embedded: int = 0
    version: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.deleted)

    def to_dict(self) -> dict[str, Any]:
        return {name: list(value) if isinstance(value, tuple) else value for name, value in asdict(self).items()}

    def summary(self) -> str:
        """One line for people: '2 added, 1 updated, 0 deleted, 5 unchanged; 1 embedded'."""
        counts = ", ".join(f"{len(getattr(self, name))} {name}" for name in ("added", "updated", "deleted", "unchanged"))
        errors = f"; {len(self.errors)} refused" if self.errors else ""
        return f"{counts}; {self.embedded} embedded{errors}"


@dataclass(frozen=True)
class Overlay:
    """Changes on top of a catalog file: product id -> the product now, or None for a deleted catalog product."""

    entries: dict[str, Product | None] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> Overlay:
        """The stored changes; an absent file means none. A damaged file is refused, never half-applied."""
        if not path.is_file():
            return cls()
        loaded = load_updates(path)
        if loaded.errors:
            first = loaded.errors[0]
            raise CatalogError(f"catalog updates file {path} is damaged at line {first.line}: {first.message}; "
                               f"fix or remove that line (removing the file drops every update made since indexing)")
        entries: dict[str, Product | None] = {product.id: product for product in loaded.upserts}
        entries.update((product_id, None) for product_id in loaded.deletes)
        return cls(entries)

    def write(self, path: Path) -> None:
        """Replace the file atomically; with no entries the file is removed."""
        if not self.entries:
            path.unlink(missing_ok=True)
            return
        partial = path.with_name(path.name + ".partial")
        with partial.open("w", encoding="utf-8", newline="\n") as handle:
            for product_id, product in self.entries.items():
                record = {"id": product_id, "deleted": True} if product is None else product.to_dict()
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)

    def apply(self, base: Iterable[Product]) -> tuple[Product, ...]:
        """The catalog as it is now: ``base`` with these changes applied."""
        products: list[Product] = []
        seen: set[str] = set()
        for product in base:
            seen.add(product.id)
            now = self.entries.get(product.id, product)
            if now is not None:
                products.append(now)
        products.extend(p for product_id, p in self.entries.items() if p is not None and product_id not in seen)
        return tuple(products)

    def changed(self, upserts: Iterable[Product], deletes: Iterable[str], base_ids: set[str]) -> Overlay:
        """A new overlay with these changes; deleting a product the catalog file never had forgets it."""
        entries = dict(self.entries)
        for product in upserts:
            entries[product.id] = product
        for product_id in deletes:
            if product_id in base_ids:
                entries[product_id] = None
            else:
                entries.pop(product_id, None)
        return Overlay(entries)


@dataclass(frozen=True)
class UpdatePlan:
    """The accepted part of an update and how each product id fares."""

    upserts: tuple[Product, ...]
    deletes: tuple[str, ...]
    report: UpdateReport


def plan_update(current: dict[str, Product], upserts: Sequence[Product], deletes: Sequence[str]) -> UpdatePlan:
    """Sort an update against the current products: added, updated, unchanged, deleted, refused."""
    added, updated, unchanged, deleted, errors = [], [], [], [], []
    accepted: dict[str, Product] = {}
    deleting = set(deletes)
    for product in upserts:
        if product.id in deleting:
            errors.append(f"{product.id}: both upserted and deleted in one update")
        elif product.id in accepted:
            errors.append(f"{product.id}: upserted twice in one update; the first is kept")
        else:
            accepted[product.id] = product
            old = current.get(product.id)
            (added if old is None else unchanged if old == product else updated).append(product.id)
    kept_deletes: list[str] = []
    upserted = {product.id for product in upserts}
    for product_id in dict.fromkeys(deletes):
        if product_id in upserted:
            continue
        if product_id in current:
            kept_deletes.append(product_id)
            deleted.append(product_id)
        else:
            errors.append(f"{product_id}: no such product to delete")
    changes = tuple(accepted[product_id] for product_id in (*added, *updated))
    report = UpdateReport(tuple(added), tuple(updated), tuple(deleted), tuple(unchanged), tuple(errors))
    return UpdatePlan(changes, tuple(kept_deletes), report)
