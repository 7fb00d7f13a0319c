"""Catalog products and sizes to Shopify variants: a mapping file first, else the catalog's `variant_ids`."""
from __future__ import annotations

import json

import pytest

from knowledge.errors import AisleError
from knowledge.product import Product
from skills.cart.variants import VariantMap

BOOT = Product("boot-1", "Boot", sizes=("9", "10", "M"),
               attributes={"variant_ids": "9=gid://shopify/ProductVariant/9; 10=gid://shopify/ProductVariant/10"})
MUG = Product("mug-1", "Mug", attributes={"variant_ids": "gid://shopify/ProductVariant/77"})
CATALOG = {p.id: p for p in (BOOT, MUG)}


def test_the_catalog_attribute_names_a_variant_per_size_or_one_for_one_size():
    variants = VariantMap(CATALOG.get)
    assert variants("boot-1", "10") == "gid://shopify/ProductVariant/10"
    assert variants("boot-1", "m") is None  # a size without a variant cannot be sold online
    assert variants("mug-1", "") == "gid://shopify/ProductVariant/77"
    assert variants("nothing", "") is None


def test_a_mapping_file_wins_and_a_broken_one_is_named(tmp_path):
    path = tmp_path / "variants.json"
    path.write_text(json.dumps({"boot-1": {"M": "gid://shopify/ProductVariant/500"}}))
    variants = VariantMap.from_file(CATALOG.get, path)
    assert variants("boot-1", "m") == "gid://shopify/ProductVariant/500"
    assert variants("boot-1", "9") == "gid://shopify/ProductVariant/9"
    path.write_text("[1, 2]")
    with pytest.raises(AisleError, match="variants.json"):
        VariantMap.from_file(CATALOG.get, path)
