"""The spelling normaliser on its own: typos become catalog or English words; real words, brands, names,
order numbers and addresses stay as written; a two-word catalog term is reached from a real word."""
from __future__ import annotations

import pytest

from knowledge.product import Product
from knowledge.query_parse import Lexicon
from knowledge.spelling import Speller


def _product(n: int, product_type: str, category: str, colour: str, material: str, brand: str) -> Product:
    return Product(id=str(n), title=f"{brand} {colour} {product_type}", product_type=product_type, category=category,
                   colour=colour, material=material, brand=brand, price=10.0 + n)


@pytest.fixture(scope="module")
def speller() -> Speller:
    products = [_product(1, "backpack", "bags", "black", "leather", "Nimbus"),
                _product(2, "headphones", "electronics", "white", "plastic", "Sonora"),
                _product(3, "yoga mat", "sports", "purple", "natural rubber", "Zenfold"),
                _product(4, "sneakers", "shoes", "red", "canvas", "Nimbus"),
                _product(5, "wool hat", "accessories", "grey", "wool", "Loomly")]
    return Speller(Lexicon.from_products(products))


@pytest.mark.parametrize(("text", "read"), [
    ("undr 80 dolars", "under 80 dollars"),
    ("under 50 buks", "under 50 bucks"),
    ("in blak", "in black"),
    ("a leathr backpak", "a leather backpack"),
    ("noise cancelling headphnes", "noise cancelling headphones"),
    ("Snekers in red, please", "Sneakers in red, please"),
    ("a yoga matt", "a yoga mat"),
    ("yoga matt please.", "yoga mat please."),
    ("I'm lookng for a backpak!", "I'm looking for a backpack!"),
])
def test_typos_are_corrected(speller, text, read):
    assert speller.correct(text) == read


@pytest.mark.parametrize("text", [
    "show me boats", "a warm coat", "a tent and a mug", "anything from Nimbus?", "is Zenfold any good",
    "Sarah wants a Zenfoldd", "order ORD-10042 please", "mail jonh.smtih@exmaple.com", "a t-shirt for my dad's birthday",
    "sizes xxl", "thx", "wool hat", "a wool mat", "yoga mats", "show me scarves", "zipped jackets", "",
])
def test_real_words_and_names_are_left_alone(speller, text):
    assert speller.correct(text) == text


def test_catalog_words_win_over_english_at_the_same_distance(speller):
    assert speller.word("sonra") == "sonora"  # a brand typo at sentence start, lower case
    assert speller.word("zzzzzzz") is None


def test_a_new_catalog_brings_its_own_words():
    lexicon = Lexicon.from_products([_product(1, "kayak", "outdoors", "orange", "plastic", "Rivr")])
    assert Speller(lexicon).correct("an orang kayk") == "an orange kayak"
