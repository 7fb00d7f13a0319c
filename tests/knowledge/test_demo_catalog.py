import hashlib
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from knowledge.catalog_io import load_catalog
from knowledge.demo.catalog import generate_demo_catalog, generate_products, main
from knowledge.demo.images import render_product_image, shape_names
from knowledge.demo.taxonomy import CATEGORIES, PALETTE, SHOE_SIZES


def digest_tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_same_seed_gives_the_same_bytes_and_another_seed_does_not(tmp_path):
    first = generate_demo_catalog(tmp_path / "a", n=40, seed=3)
    second = generate_demo_catalog(tmp_path / "b", n=40, seed=3)
    assert digest_tree(first.parent) == digest_tree(second.parent)
    assert len(list((first.parent / "images").glob("*.png"))) == 40
    other = generate_demo_catalog(tmp_path / "c", n=40, seed=4, images=False)
    assert other.read_bytes() != first.read_bytes()


def test_every_product_loads_and_its_image_is_a_small_png(tmp_path):
    path = generate_demo_catalog(tmp_path, n=60, seed=1)
    loaded = load_catalog(path)
    assert loaded.errors == () and len(loaded.products) == 60
    total = 0
    for product in loaded.products:
        image_path = path.parent / product.image
        with Image.open(image_path) as image:
            assert image.format == "PNG" and image.size == (160, 160)
        total += image_path.stat().st_size
        assert product.url == f"/products/{product.id}"
    assert total / 60 * 2400 < 15_000_000


def test_full_size_catalog_covers_every_category_with_realistic_fields():
    products = generate_products(2400, seed=0, images=False)
    categories = Counter(p.category for p in products)
    assert len(categories) >= 12 and set(categories) == set(CATEGORIES)
    assert len({p.id for p in products}) == 2400 and products[0].id == "sku-00001"
    assert any(p.stock == 0 for p in products) and all(p.stock >= 0 for p in products)
    cheap_red_sneakers = [p for p in products if p.product_type == "sneakers" and p.colour == "red" and p.price < 80]
    assert len(cheap_red_sneakers) >= 5
    for p in products:
        assert p.colour in PALETTE and p.brand and p.material and p.price > 0
        assert 2 <= p.description.count(". ") + 1 <= 3, p.description
        if p.category == "shoes":
            assert set(p.sizes) <= set(SHOE_SIZES) and p.sizes
        if p.category == "kitchen":
            assert p.sizes == () and p.gender == ""


def test_a_small_catalog_still_covers_every_category():
    assert {p.category for p in generate_products(len(CATEGORIES), seed=9, images=False)} == set(CATEGORIES)


def test_every_product_type_has_a_drawable_shape():
    shapes = set(shape_names())
    assert {kind.shape for kinds in CATEGORIES.values() for kind in kinds} <= shapes
    with pytest.raises(ValueError, match="unknown shape 'spaceship'"):
        render_product_image("spaceship", PALETTE["red"])


def test_command_line_writes_the_catalog(tmp_path, capsys):
    assert main([str(tmp_path), "--n", "15", "--no-images"]) == 0
    assert len(load_catalog(tmp_path / "catalog.jsonl").products) == 15
    assert "wrote 15 products" in capsys.readouterr().out
