"""Read and write catalog files: JSON Lines and CSV, one product per row.

Columns are the field names of :class:`~knowledge.product.Product`. In CSV, ``sizes`` is a
``|``-separated string and any column that is not a Product field lands in ``attributes``; in
JSONL, ``sizes`` is a list and ``attributes`` an object. A broken row is reported with its
1-based line number and skipped, so one bad row never hides the rest of a catalog::

    loaded = load_catalog("shop/catalog.csv")
    for problem in loaded.errors:
        print(f"line {problem.line}: {problem.message}")
    products = loaded.products
"""
from __future__ import annotations

import csv
import hashlib
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from knowledge.errors import CatalogError
from knowledge.product import Product

SUPPORTED_SUFFIXES = (".jsonl", ".csv")
SIZE_SEPARATOR = "|"
_FIELDS = tuple(f.name for f in fields(Product))
_TEXT_FIELDS = ("description", "brand", "category", "product_type", "colour", "material", "gender", "image", "url")


@dataclass(frozen=True, slots=True)
class RowError:
    """A row that could not become a product: its 1-based line number and what is wrong."""

    line: int
    message: str


@dataclass(frozen=True, slots=True)
class CatalogLoad:
    """The products that loaded, and the rows that did not."""

    products: tuple[Product, ...]
    errors: tuple[RowError, ...]


class _RowProblem(ValueError):
    """Raised inside the loader for one bad row; becomes a RowError."""


def load_catalog(path: str | Path) -> CatalogLoad:
    """Load a ``.jsonl`` or ``.csv`` catalog; raises CatalogError if the file cannot be read at all."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise CatalogError(
            f"unsupported catalog format {suffix or '(none)'!r} for {path}; use one of {', '.join(SUPPORTED_SUFFIXES)}"
        )
    if not path.is_file():
        raise CatalogError(f"catalog file not found: {path}")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = _jsonl_rows(handle) if suffix == ".jsonl" else _csv_rows(handle)
            return _collect(rows)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CatalogError(f"cannot read catalog {path}: {exc}") from exc


def write_jsonl(products: Iterable[Product], path: str | Path) -> Path:
    """Write products as JSON Lines (the format :func:`load_catalog` reads back unchanged)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for product in products:
            handle.write(json.dumps(product.to_dict(), ensure_ascii=False) + "\n")
    return path


def catalog_checksum(path: str | Path) -> str:
    """The sha256 hex digest of the file's bytes; an index records it to notice catalog changes."""
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as exc:
        raise CatalogError(f"cannot read catalog {path}: {exc}") from exc
    return digest.hexdigest()


def _collect(rows: Iterator[tuple[int, dict[str, Any] | _RowProblem]]) -> CatalogLoad:
    products: list[Product] = []
    errors: list[RowError] = []
    first_line_of: dict[str, int] = {}
    for line, row in rows:
        try:
            if isinstance(row, _RowProblem):
                raise row
            product = product_from_record(row)
            if product.id in first_line_of:
                raise _RowProblem(f"duplicate id {product.id!r} (first seen on line {first_line_of[product.id]})")
        except _RowProblem as problem:
            errors.append(RowError(line, str(problem)))
            continue
        first_line_of[product.id] = line
        products.append(product)
    return CatalogLoad(tuple(products), tuple(errors))


def _jsonl_rows(handle: Iterable[str]) -> Iterator[tuple[int, dict[str, Any] | _RowProblem]]:
    for line_number, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield line_number, _RowProblem(f"invalid JSON: {exc.msg} at column {exc.colno}")
            continue
        if not isinstance(record, dict):
            yield line_number, _RowProblem(f"expected a JSON object, got {type(record).__name__}")
            continue
        yield line_number, record


def _csv_rows(handle: Iterable[str]) -> Iterator[tuple[int, dict[str, Any] | _RowProblem]]:
    reader = csv.reader(handle)
    header = [name.strip() for name in next(reader, [])]
    last_line = reader.line_num
    for cells in reader:
        start_line, last_line = last_line + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            yield start_line, _RowProblem(f"{len(cells)} columns, but the header has {len(header)}")
            continue
        yield start_line, _csv_record(dict(zip(header, cells)))


def _csv_record(row: dict[str, str]) -> dict[str, Any] | _RowProblem:
    record: dict[str, Any] = {}
    extra: dict[str, str] = {}
    for name, value in row.items():
        if name in _FIELDS:
            record[name] = value
        elif name and value.strip():
            extra[name] = value.strip()
    try:
        attributes = _attributes(record.get("attributes"))
    except _RowProblem as problem:
        return problem
    record["attributes"] = {**attributes, **extra}
    return record


def product_from_record(record: dict[str, Any]) -> Product:
    """Build a Product from one parsed row; unknown keys become attributes. Raises ValueError."""
    known = {key: value for key, value in record.items() if key in _FIELDS}
    unknown = {str(k): _text(v) for k, v in record.items() if k not in _FIELDS and v not in (None, "")}
    product_id = _required_text(known, "id")
    title = _required_text(known, "title")
    texts = {name: _text(known.get(name)) for name in _TEXT_FIELDS}
    return Product(
        id=product_id,
        title=title,
        price=_price(known.get("price")),
        currency=(_text(known.get("currency")) or "USD").upper(),
        sizes=_sizes(known.get("sizes")),
        stock=_stock(known.get("stock")),
        attributes={**_attributes(known.get("attributes")), **unknown},
        **texts,
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _required_text(record: dict[str, Any], name: str) -> str:
    value = _text(record.get(name))
    if not value:
        raise _RowProblem(f"missing {name}")
    return value


def _price(value: Any) -> float:
    if value is None or _text(value) == "":
        raise _RowProblem("missing price")
    try:
        price = float(str(value).strip().lstrip("$"))
    except ValueError:
        raise _RowProblem(f"price {value!r} is not a number") from None
    if not math.isfinite(price) or price < 0:
        raise _RowProblem(f"price {value!r} must be a non-negative number")
    return price


def _stock(value: Any) -> int:
    if value is None or _text(value) == "":
        return 0
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _RowProblem(f"stock {value!r} is not a whole number") from None
    if not number.is_integer() or number < 0:
        raise _RowProblem(f"stock {value!r} must be a whole number >= 0")
    return int(number)


def _sizes(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        parts: Iterable[Any] = value.split(SIZE_SEPARATOR)
    elif isinstance(value, list):
        parts = value
    else:
        raise _RowProblem(f"sizes {value!r} must be a list or a '{SIZE_SEPARATOR}'-separated string")
    return tuple(text for text in (_text(part) for part in parts) if text)


def _attributes(value: Any) -> dict[str, str]:
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise _RowProblem(f"attributes {value!r} is not a JSON object") from None
    if not isinstance(value, dict):
        raise _RowProblem(f"attributes {value!r} must be an object of name to value")
    return {str(key): _text(item) for key, item in value.items()}
