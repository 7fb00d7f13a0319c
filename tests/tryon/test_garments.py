"""Which garment the shopper means, and how it is worn."""
from __future__ import annotations

import pytest

from knowledge.product import Product
from skills.tryon.garments import garment_category, pick_product, position_in_text


@pytest.mark.parametrize("product_type, title, attributes, expected", [
    ("t-shirt", "Everyday Tee", {}, "upper_body"),
    ("hoodie", "Zip Hoodie", {}, "upper_body"),
    ("jacket", "Rain Jacket", {}, "upper_body"),
    ("jeans", "Straight Jeans", {}, "lower_body"),
    ("shorts", "Linen Shorts", {}, "lower_body"),
    ("dress", "Summer Dress", {}, "dress"),
    ("", "Oxford Dress Shirt", {}, "upper_body"),  # the last garment word is the head noun
    ("", "Cotton Shirt Dress", {}, "dress"),
    ("sneakers", "Court Classic", {}, None),
    ("mug", "Stoneware Mug", {}, None),
    ("kimono", "Silk Kimono", {"garment_category": "overall"}, "dress"),  # the catalog says so
    ("cape", "Wool Cape", {"tryon_category": "upper"}, "upper_body"),
])
def test_garment_categories_come_from_the_catalog(product_type, title, attributes, expected):
    product = Product(id="p", title=title, product_type=product_type, attributes=attributes)
    assert garment_category(product) == expected


@pytest.mark.parametrize("text, position", [
    ("try the second one on me", 2),
    ("can I see the 3rd on me", 3),
    ("try #4 on me", 4),
    ("number 2 please", 2),
    ("the last one", -1),
    ("try it on me", None),
    ("size 9 please", None),
])
def test_positions_named_in_the_message(text, position):
    assert position_in_text(text) == position


def test_the_product_to_try_follows_what_was_shown_and_chosen():
    slots = {"last_results": ["a", "b", "c"], "selected": "b"}
    assert pick_product(slots, 1, None) == "a"
    assert pick_product(slots, -1, None) == "c"
    assert pick_product(slots, 9, None) is None  # there is no ninth
    assert pick_product(slots, None, None) == "b"  # "try it on" means the chosen one
    assert pick_product(slots, 2, "z") == "z"  # an explicit id wins
    assert pick_product({"last_results": ["only"]}, None, None) == "only"
    assert pick_product({"last_results": ["a", "b"]}, None, None) is None  # ambiguous: ask which
    assert pick_product({"selected": {"id": "card-1"}}, None, None) == "card-1"
