"""Read and write catalog files: Aisle's JSON Lines and CSV, and Shopify's product-export CSV.

Aisle's columns are the field names of :class:`~knowledge.product.Product`. In CSV, ``sizes`` is a
``|``-separated string and any column that is not a Product field lands in ``attributes``; in
JSONL, ``sizes`` is a list and ``attributes`` an object. ``columns`` maps our field names to a
shop's own column names (``{"title": "Product Name", "price": "Cost"}``). A Shopify export is
recognised by its header (or by ``format="shopify"``) and read by :mod:`knowledge.shopify_csv`.
A broken row is reported with its 1-based line number and skipped, so one bad row never hides
the rest of a catalog::

    loaded = load_catalog("shop/products_export.csv", columns={"material": "Fabric"})
    for problem in loaded.errors:
        print(f"line {problem.line}: {problem.message}")
    products = loaded.products

An update file has the same formats; a record with ``"deleted": true`` deletes the product with
its id (:func:`load_updates`).
"""
from __future__ import annotations

import csv
import hashlib
import json
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import IO, Any

from knowledge.errors import CatalogError
from knowledge.product import Product
from knowledge.shopify_csv import is_shopify_header, shopify_records

SUPPORTED_SUFFIXES = (".jsonl", ".csv")
CATALOG_FORMATS = ("auto", "aisle", "shopify")
SIZE_SEPARATOR = "|"
_FIELDS = tuple(f.name for f in fields(Product))
MAPPABLE_FIELDS = tuple(name for name in _FIELDS if name != "attributes")
_TEXT_FIELDS = ("description", "brand", "category", "product_type", "colour", "material", "gender", "image", "url")
_TRUE = frozenset({"true", "1", "yes", "y"})

Rows = Iterator[tuple[int, "dict[str, Any] | ValueError"]]


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


@dataclass(frozen=True, slots=True)
class UpdateLoad:
    """An update file read: products to add or replace, ids to delete, rows that could not be read."""

    upserts: tuple[Product, ...]
    deletes: tuple[str, ...]
    errors: tuple[RowError, ...]


class _RowProblem(ValueError):
    """Raised inside the loader for one bad row; becomes a RowError."""


def load_catalog(path: str | Path, format: str = "auto", columns: Mapping[str, str] | None = None) -> CatalogLoad:
    """Load a catalog file; raises CatalogError if the file cannot be read at all.

    Rows marked ``"deleted": true`` are left out, as an update file would delete them.
    """
    loaded = load_updates(path, format, columns)
    return CatalogLoad(loaded.upserts, loaded.errors)


def load_updates(path: str | Path, format: str = "auto", columns: Mapping[str, str] | None = None) -> UpdateLoad:
    """Read an update file (any catalog format); ``"deleted": true`` rows become deletes."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise CatalogError(
            f"unsupported catalog format {suffix or '(none)'!r} for {path}; use one of {', '.join(SUPPORTED_SUFFIXES)}"
        )
    if format not in CATALOG_FORMATS:
        raise CatalogError(f"catalog format {format!r} is not one of {', '.join(CATALOG_FORMATS)}")
    check_columns(columns or {})
    if not path.is_file():
        raise CatalogError(f"catalog file not found: {path}")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            if suffix == ".jsonl":
                if format == "shopify":
                    raise CatalogError(f"a Shopify export is a .csv file, not {path.name}")
                return _collect(_renamed(_jsonl_rows(handle), columns))
            return _collect(_csv_records(handle, format, columns or {}))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CatalogError(f"cannot read catalog {path}: {exc}") from exc


def check_columns(columns: Mapping[str, str]) -> None:
    """Refuse a column mapping whose target is not a Product field, naming it and the valid ones."""
    for field, column in columns.items():
        if field not in MAPPABLE_FIELDS:
            raise CatalogError(f"column mapping names unknown field {field!r}; fields: {', '.join(MAPPABLE_FIELDS)}")
        if not isinstance(column, str) or not column.strip():
            raise CatalogError(f"column mapping for {field!r} must name a column, got {column!r}")


def catalog_format(path: str | Path) -> str:
    """'shopify' when the file is a CSV with Shopify's export header, else 'aisle'."""
    path = Path(path)
    if path.suffix.lower() != ".csv":
        return "aisle"
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CatalogError(f"cannot read catalog {path}: {exc}") from exc
    return "shopify" if is_shopify_header(name.strip() for name in header) else "aisle"


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


def _collect(rows: Rows) -> UpdateLoad:
    products: list[Product] = []
    deletes: list[str] = []
    errors: list[RowError] = []
    first_line_of: dict[str, int] = {}
    for line, row in rows:
        try:
            if isinstance(row, ValueError):
                raise row
            if _is_deletion(row):
                deletes.append(_required_text(row, "id"))
                continue
            product = product_from_record(row)
            if product.id in first_line_of:
                raise _RowProblem(f"duplicate id {product.id!r} (first seen on line {first_line_of[product.id]})")
        except ValueError as problem:
            errors.append(RowError(line, str(problem)))
            continue
        first_line_of[product.id] = line
        products.append(product)
    return UpdateLoad(tuple(products), tuple(deletes), tuple(errors))


def _is_deletion(record: dict[str, Any]) -> bool:
    flag = record.pop("deleted", None)
    return flag is True or str(flag).strip().lower() in _TRUE


def _renamed(rows: Rows, columns: Mapping[str, str] | None) -> Rows:
    """Apply a ``{our_field: their_column}`` mapping to each record."""
    for line, record in rows:
        if columns and isinstance(record, dict):
            for field, column in columns.items():
                if column in record:
                    record[field] = record.pop(column)
        yield line, record


def _csv_records(handle: IO[str], format: str, columns: Mapping[str, str]) -> Rows:
    header, rows = csv_rows(handle)
    if format == "shopify" or (format == "auto" and is_shopify_header(header)):
        return shopify_records(header, rows, columns)
    renamed = [next((ours for ours, theirs in columns.items() if theirs == name), name) for name in header]
    return _aisle_csv_rows(renamed, rows)


def csv_rows(handle: Iterable[str]) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The stripped header and each non-blank row with the line it starts on (quoted cells may span lines)."""
    reader = csv.reader(handle)
    header = [name.strip() for name in next(reader, [])]

    def rows() -> Iterator[tuple[int, list[str]]]:
        last_line = reader.line_num
        for cells in reader:
            start_line, last_line = last_line + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                yield start_line, cells

    return header, rows()


def _jsonl_rows(handle: Iterable[str]) -> Rows:
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


def _aisle_csv_rows(header: list[str], rows: Iterator[tuple[int, list[str]]]) -> Rows:
    for line, cells in rows:
        if len(cells) > len(header):
            yield line, _RowProblem(f"{len(cells)} columns, but the header has {len(header)}")
            continue
        yield line, _csv_record(dict(zip(header, cells)))


def _csv_record(row: dict[str, str]) -> dict[str, Any] | ValueError:
    record: dict[str, Any] = {}
    extra: dict[str, str] = {}
    for name, value in row.items():
        if name in _FIELDS or name == "deleted":
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
