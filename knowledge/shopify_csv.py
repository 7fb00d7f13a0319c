"""Shopify's product-export CSV: one row per variant, grouped by ``Handle`` into one product each.

The first row of a handle carries the product (Title, Body (HTML), Vendor, Type, Tags...); later
rows add variants (Option1..3 Name/Value, Variant Price, Variant Inventory Qty) and images. A
product gets the lowest variant price, the summed inventory, every size its variants offer, its
first colour and its first image; the HTML body becomes plain text::

    header, rows = csv_rows(handle)             # from knowledge.catalog_io
    if is_shopify_header(header):
        records = shopify_records(header, rows)  # (line, record or problem), ready for product_from_record
"""
from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

SHOPIFY_MARKERS = frozenset({"Handle", "Title", "Variant Price"})
_BLOCK_TAGS = frozenset({"p", "br", "div", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table"})
_HIDDEN_TAGS = frozenset({"script", "style", "template", "head"})
_SPACES = re.compile(r"[ \t\r\f\v]+")
_GENDERS = {"female": "women", "women": "women", "male": "men", "men": "men", "unisex": "unisex", "kids": "kids"}
_FIELD_COLUMNS = {
    "title": "Title", "brand": "Vendor", "product_type": "Type", "gender": "Google Shopping / Gender",
    "url": "URL",
}


class ShopifyRowProblem(ValueError):
    """One Shopify row that cannot be used; the loader reports it with its line and keeps going."""


def is_shopify_header(header: Iterable[str]) -> bool:
    """True when a CSV header looks like a Shopify product export."""
    return SHOPIFY_MARKERS <= set(header)


def strip_html(text: str) -> str:
    """Plain text from an HTML fragment: tags dropped, scripts and styles with their content, entities decoded."""
    if "<" not in text and "&" not in text:
        return text.strip()
    parser = _TextParser()
    parser.feed(text)
    parser.close()
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden = max(self._hidden - 1, 0)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def shopify_records(header: list[str], rows: Iterable[tuple[int, list[str]]],
                    columns: Mapping[str, str] | None = None) -> Iterator[tuple[int, dict[str, Any] | ValueError]]:
    """One record per Handle, in the order handles first appear; problems come out as ValueErrors."""
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for line, cells in rows:
        if len(cells) > len(header):
            yield line, ShopifyRowProblem(f"{len(cells)} columns, but the header has {len(header)}")
            continue
        row = {name: cell.strip() for name, cell in zip(header, cells)}
        if not row.get("Handle"):
            yield line, ShopifyRowProblem("missing Handle")
            continue
        groups.setdefault(row["Handle"], []).append((line, row))
    for handle, group in groups.items():
        yield from _product_record(handle, group, columns or {})


@dataclass
class _Variants:
    """What a product's usable variant rows add up to."""

    prices: list[float] = field(default_factory=list)
    stock: int = 0
    sizes: list[str] = field(default_factory=list)
    colours: list[str] = field(default_factory=list)
    skus: list[str] = field(default_factory=list)


def _product_record(handle: str, group: list[tuple[int, dict[str, str]]],
                    columns: Mapping[str, str]) -> Iterator[tuple[int, dict[str, Any] | ValueError]]:
    first_line, first = group[0]
    option_names = [first.get(f"Option{n} Name", "").lower() for n in (1, 2, 3)]
    variants = _Variants()
    for line, row in group:
        try:
            price, quantity = _variant_numbers(row)
        except ShopifyRowProblem as problem:
            yield line, problem
            continue
        if price is not None:
            variants.prices.append(price)
            variants.stock += quantity
            variants.skus += [row["Variant SKU"]] if row.get("Variant SKU") else []
            _collect_options(row, option_names, variants.sizes, variants.colours)
    if not variants.prices:
        yield first_line, ShopifyRowProblem(f"product {handle!r} has no variant with a usable Variant Price")
        return
    yield first_line, _record(handle, group, variants, columns)


def _record(handle: str, group: list[tuple[int, dict[str, str]]], variants: _Variants,
            columns: Mapping[str, str]) -> dict[str, Any]:
    first = group[0][1]
    record: dict[str, Any] = {name: first.get(column, "") for name, column in _FIELD_COLUMNS.items()}
    record.update(
        id=handle, price=min(variants.prices), stock=variants.stock, sizes=variants.sizes,
        colour=variants.colours[0] if variants.colours else "", description=strip_html(first.get("Body (HTML)", "")),
        category=_category(first), gender=_GENDERS.get(first.get("Google Shopping / Gender", "").lower(), ""),
        image=next((row["Image Src"] for _, row in group if row.get("Image Src")), ""),
    )
    attributes = {"tags": first.get("Tags", ""), "skus": "|".join(variants.skus),
                  "colours": "|".join(variants.colours) if len(variants.colours) > 1 else ""}
    record["attributes"] = {name: value for name, value in attributes.items() if value}
    for name, column in columns.items():
        value = next((row[column] for _, row in group if row.get(column)), "")
        if value:
            record[name] = strip_html(value) if name == "description" else value
    return record


def _category(row: dict[str, str]) -> str:
    """The most specific level of Shopify's taxonomy path ("Apparel > Shoes" -> "Shoes")."""
    path = row.get("Product Category") or row.get("Standard Product Type") or ""
    return path.rsplit(">", 1)[-1].strip()


def _variant_numbers(row: dict[str, str]) -> tuple[float | None, int]:
    """(price, inventory) of a variant row; (None, 0) for a row that only adds an image."""
    text = row.get("Variant Price", "")
    if not text:
        return None, 0
    try:
        price = float(text.lstrip("$"))
    except ValueError:
        raise ShopifyRowProblem(f"Variant Price {text!r} is not a number") from None
    if not math.isfinite(price) or price < 0:
        raise ShopifyRowProblem(f"Variant Price {text!r} must be a non-negative number")
    quantity = row.get("Variant Inventory Qty", "") or "0"
    try:
        return price, max(int(float(quantity)), 0)
    except ValueError:
        raise ShopifyRowProblem(f"Variant Inventory Qty {quantity!r} is not a whole number") from None


def _collect_options(row: dict[str, str], names: list[str], sizes: list[str], colours: list[str]) -> None:
    """Option names sit on a product's first row only; later variant rows carry just the values."""
    for n, name in enumerate(names, start=1):
        value = html.unescape(row.get(f"Option{n} Value", ""))
        target = sizes if name == "size" else colours if name in ("color", "colour") else None
        if target is not None and value and value not in target:
            target.append(value)
