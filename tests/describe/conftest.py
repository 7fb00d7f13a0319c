"""Fixtures for the description, ad-copy and A/B tests: the shared demo catalog's products."""
from __future__ import annotations

import pytest

from knowledge.catalog_io import load_catalog
from knowledge.product import Product
from skills.describe.grounding import GroundingChecker


@pytest.fixture(scope="session")
def demo_products(demo_catalog_path) -> tuple[Product, ...]:
    return load_catalog(demo_catalog_path).products


@pytest.fixture(scope="session")
def checker(demo_products) -> GroundingChecker:
    return GroundingChecker(brands={p.brand for p in demo_products} | {"Acme"})


@pytest.fixture
def runner() -> Product:
    return Product(id="sku-42", title="Trail Runner 2", brand="Stride", category="shoes", product_type="sneakers",
                   price=79.0, colour="red", material="mesh", gender="women", sizes=("7", "8", "9"), stock=4,
                   attributes={"feature": "a grippy rubber outsole"})
