"""Which Shopify product variant a catalog product in a size is.

Two places say it, the first that knows wins:

- a mapping file (``cart.shopify.variants_path``, JSON): ``{"sku-1": {"9": "gid://shopify/ProductVariant/11",
  "10": "gid://shopify/ProductVariant/12"}, "sku-2": "gid://shopify/ProductVariant/20"}``;
- the catalog's own attribute ``variant_ids``: ``"9=gid://shopify/ProductVariant/11; 10=gid://..."``,
  or one id for a product that comes in one size.

    variants = VariantMap(lookup, {"sku-2": "gid://shopify/ProductVariant/20"})
    variants("sku-2", "")
    # -> 'gid://shopify/ProductVariant/20'
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from knowledge.errors import AisleError

ATTRIBUTE = "variant_ids"


class VariantMap:
    def __init__(self, lookup: Callable[[str], Any], mapping: Mapping[str, Any] | None = None):
        self.lookup = lookup
        self.mapping = dict(mapping or {})

    @classmethod
    def from_file(cls, lookup: Callable[[str], Any], path: str | Path | None) -> VariantMap:
        if not path:
            return cls(lookup)
        try:
            mapping = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise AisleError(f"cart.shopify.variants_path {str(path)!r}: cannot read a JSON mapping ({exc})") from None
        if not isinstance(mapping, dict):
            raise AisleError(f"cart.shopify.variants_path {str(path)!r}: expected an object of product id -> variant")
        return cls(lookup, mapping)

    def __call__(self, product_id: str, size: str = "") -> str | None:
        known = _pick(self.mapping.get(product_id), size)
        if known:
            return known
        product = self.lookup(product_id)
        attribute = product.attributes.get(ATTRIBUTE, "") if product is not None else ""
        return _pick(parse_variant_ids(attribute), size)


def parse_variant_ids(text: str) -> str | dict[str, str]:
    """``"9=gid://a; 10=gid://b"`` -> ``{"9": "gid://a", "10": "gid://b"}``; one bare id stays a string."""
    text = (text or "").strip()
    if not text or "=" not in text:
        return text
    pairs = (part.split("=", 1) for part in text.replace(",", ";").split(";") if "=" in part)
    return {size.strip().upper(): variant.strip() for size, variant in pairs}


def _pick(entry: Any, size: str) -> str | None:
    if isinstance(entry, str):
        return entry or None
    if isinstance(entry, Mapping):
        wanted = size.strip().upper()
        return next((str(v) for k, v in entry.items() if str(k).strip().upper() == wanted), None)
    return None
