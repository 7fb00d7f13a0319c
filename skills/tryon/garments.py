"""Which product to try on, which kind of garment it is, and its picture.

>>> garment_category(Product(id="p1", title="Linen Shirt Dress", product_type="dress"))
'dress'
>>> position_in_text("try the second one on me")
2
"""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import aiohttp

from knowledge.photo_intake import sniff_format
from knowledge.product import Product

log = logging.getLogger(__name__)

_UPPER = {"t-shirt", "tshirt", "tee", "shirt", "blouse", "top", "tank top", "hoodie", "sweatshirt", "sweater",
          "jumper", "cardigan", "jacket", "coat", "blazer", "vest", "polo", "parka", "fleece", "tunic"}
_LOWER = {"jeans", "trousers", "pants", "shorts", "skirt", "leggings", "joggers", "chinos"}
_DRESS = {"dress", "gown", "jumpsuit", "romper", "overalls", "playsuit"}
_ALIASES = {"upper_body": "upper_body", "upper": "upper_body", "top": "upper_body", "lower_body": "lower_body",
            "lower": "lower_body", "bottom": "lower_body", "dress": "dress", "dresses": "dress", "overall": "dress",
            "full_body": "dress"}
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
             "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8,
             "last": -1}
_NUMBERED = re.compile(r"(?:\b(?:number|no\.?|option|item)\s*|#)(\d{1,2})\b")
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)?")
_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
_KIND_TYPES = {kind: content_type for content_type, kind in _TYPES.items()}


def garment_category(product: Product) -> str | None:
    """`upper_body`, `lower_body` or `dress`; None for anything that is not worn that way.

    An explicit `garment_category` (or `tryon_category`) attribute in the catalog wins; otherwise the
    product type, then the last garment word of the title ("Shirt Dress" is a dress).
    """
    for key in ("garment_category", "tryon_category"):
        explicit = _ALIASES.get(str(product.attributes.get(key, "")).strip().lower())
        if explicit:
            return explicit
    found = _category_of(product.product_type.lower().strip())
    if found:
        return found
    for word in reversed(_WORD.findall(product.title.lower())):
        found = _category_of(word)
        if found:
            return found
    return None


def _category_of(term: str) -> str | None:
    singular = term[:-1] if term.endswith("s") and term[:-1] in (_UPPER | _DRESS) else term
    if singular in _DRESS:
        return "dress"
    if singular in _UPPER:
        return "upper_body"
    if term in _LOWER:
        return "lower_body"
    return None


def position_in_text(text: str) -> int | None:
    """1-based position named in `text` ("the second one", "#3", "number 2"); -1 for "the last one"."""
    lowered = text.lower()
    numbered = _NUMBERED.search(lowered)
    if numbered:
        return int(numbered.group(1))
    for word in _WORD.findall(lowered):
        if word in _ORDINALS:
            return _ORDINALS[word]
    return None


def shown_products(slots: dict[str, Any]) -> list[str]:
    """Product ids the shopper saw last, in order."""
    shown = slots.get("last_results") or []
    return [str(item) for item in shown if isinstance(item, (str, int))] if isinstance(shown, list) else []


def selected_product(slots: dict[str, Any]) -> str | None:
    """The product the conversation has settled on, however it was stored (id, card dict or list)."""
    selected = slots.get("selected")
    if isinstance(selected, list):
        selected = selected[0] if selected else None
    if isinstance(selected, dict):
        selected = selected.get("id") or selected.get("product_id")
    return str(selected) if isinstance(selected, (str, int)) and str(selected) else None


def pick_product(slots: dict[str, Any], position: int | None, product_id: str | None) -> str | None:
    """The id to try on: an explicit id, else the n-th shown product, else the selected one."""
    if product_id:
        return product_id
    shown = shown_products(slots)
    if position is not None and shown:
        index = len(shown) - 1 if position == -1 else position - 1
        return shown[index] if 0 <= index < len(shown) else None
    if position is not None:
        return None
    return selected_product(slots) or (shown[0] if len(shown) == 1 else None)


class GarmentImages:
    """Reads a product's picture: a file beside the catalog, or an http(s) link when a session is given."""

    def __init__(self, root: Path | None, session: aiohttp.ClientSession | None = None,
                 max_bytes: int = 10 * 1024 * 1024) -> None:
        self.root = Path(root).resolve() if root else None
        self.session = session
        self.max_bytes = max_bytes

    async def load(self, product: Product) -> tuple[bytes, str]:
        """`(image bytes, content type)`, or `(b"", "")` when the product has no usable picture."""
        source = product.image.strip()
        if not source:
            return b"", ""
        if source.startswith(("http://", "https://")):
            data = await self._download(source)
        else:
            data = self._read_local(source)
        kind = sniff_format(data) if data else None
        if kind is None:
            if data:
                log.warning("the picture of product %s is not a JPEG, PNG or WebP image", product.id)
            return b"", ""
        return data, _KIND_TYPES[kind]

    def _read_local(self, relative: str) -> bytes:
        if self.root is None:
            return b""
        target = (self.root / relative.removeprefix("./")).resolve()
        if not target.is_relative_to(self.root) or not target.is_file() or target.stat().st_size > self.max_bytes:
            return b""
        return target.read_bytes()

    async def _download(self, url: str) -> bytes:
        if self.session is None:
            return b""
        try:
            async with self.session.get(url, timeout=aiohttp.ClientTimeout(total=15)) as response:
                if response.status != 200:
                    log.warning("the garment picture %s answered HTTP %d", url, response.status)
                    return b""
                chunks, size = [], 0
                async for chunk in response.content.iter_chunked(65536):
                    size += len(chunk)
                    if size > self.max_bytes:
                        return b""
                    chunks.append(chunk)
                return b"".join(chunks)
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("could not download the garment picture %s: %s", url, exc)
            return b""
