import random

import numpy as np
import pytest

from knowledge.columns import ProductColumns
from knowledge.demo.catalog import generate_products
from knowledge.filters import ProductFilter
from knowledge.product import Product

SNEAKER = Product(id="s", title="Red Sneakers", price=79.0, colour="Red", product_type="sneakers", category="shoes",
                  brand="Nimbus", gender="unisex", sizes=("8", "9"), stock=2)


def test_matching_ignores_case_and_needs_every_constraint():
    assert ProductFilter(colours={"RED"}, product_types={"Sneakers"}, max_price=80).matches(SNEAKER)
    assert not ProductFilter(colours={"red"}, max_price=78.99).matches(SNEAKER)
    assert not ProductFilter(min_price=80).matches(SNEAKER)
    assert ProductFilter(sizes={"9", "10"}).matches(SNEAKER) and not ProductFilter(sizes={"11"}).matches(SNEAKER)
    assert not ProductFilter(in_stock_only=True).matches(Product(id="x", title="x", stock=0))
    assert ProductFilter(brands="nimbus").matches(SNEAKER)


def test_unisex_suits_men_and_women_but_not_kids():
    assert ProductFilter(genders={"men"}).matches(SNEAKER)
    assert ProductFilter(genders={"women"}).matches(SNEAKER)
    assert not ProductFilter(genders={"kids"}).matches(SNEAKER)


def test_invalid_values_are_named():
    with pytest.raises(ValueError, match="max_price must be a non-negative number or None, got -5"):
        ProductFilter(max_price=-5)
    with pytest.raises(ValueError, match="min_price 50 is above max_price 20"):
        ProductFilter(min_price=50, max_price=20)


def test_relaxed_drops_one_constraint_at_a_time():
    strict = ProductFilter(colours={"red"}, product_types={"sneakers"}, max_price=80, in_stock_only=True)
    steps = strict.relaxed()
    assert [name for name, _ in steps] == ["stock", "colour", "price", "product type"]
    assert dict(steps)["colour"] == ProductFilter(product_types={"sneakers"}, max_price=80, in_stock_only=True)
    assert ProductFilter().relaxed() == [] and ProductFilter().is_empty and not strict.is_empty


def test_describe_reads_like_a_shopper():
    assert ProductFilter(colours={"red"}, product_types={"sneakers"}, max_price=80).describe() == "red sneakers under $80"
    assert ProductFilter(product_types={"mug"}, min_price=20, max_price=50.5).describe() == "mugs between $20 and $50.50"
    assert ProductFilter(categories={"shoes"}, genders={"women"}, sizes={"9"}).describe() == "shoes for women in size 9"
    assert ProductFilter(min_price=30).describe() == "products over $30" and ProductFilter().describe() == "anything"


def test_vectorised_mask_agrees_with_matches_on_random_filters():
    products = generate_products(300, seed=5, images=False)
    columns = ProductColumns.from_products(products)
    rng = random.Random(1)
    for _ in range(60):
        picked = rng.sample(products, 3)
        wanted = ProductFilter(
            min_price=rng.choice([None, 20.0]), max_price=rng.choice([None, 90.0, 300.0]),
            colours={p.colour for p in picked if rng.random() < 0.5},
            categories={p.category for p in picked if rng.random() < 0.3},
            genders={p.gender for p in picked if p.gender and rng.random() < 0.3},
            sizes={s for p in picked for s in p.sizes[:1] if rng.random() < 0.3},
            in_stock_only=rng.random() < 0.5,
        )
        assert np.array_equal(columns.mask(wanted), [wanted.matches(p) for p in products]), wanted
