"""Fixtures for the cart tests: the demo catalog's products and a cart skill over a real SQLite store."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.product import Product
from skills.cart import CartSkill, SQLiteCartStore


@pytest.fixture(scope="session")
def products(demo_catalog_path: Path) -> dict[str, Product]:
    rows = [json.loads(line) for line in demo_catalog_path.read_text().splitlines() if line.strip()]
    return {row["id"]: Product(**{**row, "sizes": tuple(row["sizes"])}) for row in rows}


@pytest.fixture
async def cart_skill(tmp_path, products):
    store = SQLiteCartStore.open(tmp_path / "carts.db", "https://shop.example/checkout?cart={cart_id}")
    yield CartSkill(store, products.get, max_quantity=5)
    await store.close()
