import pytest

from knowledge.demo.catalog import generate_products
from knowledge.query_parse import Lexicon, parse_query


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.from_products(generate_products(300, seed=2, images=False))


def test_the_headline_query(lexicon):
    parsed = parse_query("show me red sneakers under 80 dollars", lexicon)
    assert parsed.filter.colours == {"red"} and parsed.filter.product_types == {"sneakers"}
    assert parsed.filter.max_price == 80 and parsed.filter.min_price is None
    assert parsed.text == "" and parsed.matched == {"max_price": "80", "colour": "red", "product_type": "sneakers"}
    assert parsed.search_text == "red sneakers"


@pytest.mark.parametrize(("query", "low", "high"), [
    ("below $80 boots", None, 80), ("less than 80 boots", None, 80), ("max 80 boots", None, 80),
    ("boots over 30", 30, None), ("boots between 20 and 50", 20, 50), ("boots $20-$50", 20, 50),
    ("boots under $80.50", None, 80.5), ("boots from 20 to 50 bucks", 20, 50), ("boots 100 or less", None, 100),
    ("boots at least $1,200", 1200, None), ("boots for $50", None, 50), ("boots around $100", 80, 120),
    ("boots", None, None),
])
def test_price_phrases(lexicon, query, low, high):
    parsed = parse_query(query, lexicon)
    assert (parsed.filter.min_price, parsed.filter.max_price) == (low, high)
    assert parsed.filter.product_types == {"boots"} and parsed.text == ""


@pytest.mark.parametrize(("query", "gender"), [
    ("sneakers for men", "men"), ("women's sneakers", "women"), ("womens sneakers", "women"),
    ("kids' sneakers", "kids"), ("sneakers for children", "kids"),
])
def test_gender_phrases(lexicon, query, gender):
    assert parse_query(query, lexicon).filter.genders == {gender}


def test_synonyms_plurals_and_multiword_types(lexicon):
    assert parse_query("cheap trainers", lexicon).filter.product_types == {"sneakers"}
    assert parse_query("a grey couch", lexicon).filter.product_types == {"sofa"}
    assert parse_query("gray tees", lexicon).filter.colours == {"grey"}
    assert parse_query("navy t-shirts", lexicon).filter.product_types == {"t-shirt"}
    assert parse_query("a running shoe", lexicon).filter.product_types == {"running shoes"}
    assert parse_query("a sneaker", lexicon).filter.product_types == {"sneakers"}
    assert parse_query("footwear", lexicon).filter.categories == {"shoes"}


def test_brands_sizes_stock_and_leftover_words(lexicon):
    brand = next(p.brand for p in generate_products(300, seed=2, images=False) if p.category == "shoes")
    parsed = parse_query(f"comfy {brand} sneakers in size 9 in stock, red or blue", lexicon)
    assert parsed.filter.brands == {brand.lower()} and parsed.filter.sizes == {"9"}
    assert parsed.filter.in_stock_only and parsed.filter.colours == {"red", "blue"}
    assert parsed.text == "comfy"


def test_materials_are_noted_but_left_for_semantic_search(lexicon):
    parsed = parse_query("leather boots", lexicon)
    assert parsed.matched["material"] == "leather" and parsed.text == "leather"
    assert parsed.filter.product_types == {"boots"}


def test_lexicon_lists_what_the_catalog_holds(lexicon):
    assert {"red", "navy", "silver"} <= lexicon.values("colour")
    assert {"sneakers", "t-shirt", "sofa"} <= lexicon.values("product_type")
    with pytest.raises(ValueError, match="unknown slot 'flavour'"):
        lexicon.values("flavour")


def test_words_outside_the_catalog_stay_as_text(lexicon):
    parsed = parse_query("something for a rainy picnic", lexicon)
    assert parsed.filter.is_empty and parsed.text == "rainy picnic"


@pytest.mark.parametrize(("query", "slot", "value", "typo"), [
    ("sneekers under 80", "product_type", "sneakers", "sneekers"),
    ("nimbuss running shoes", "brand", "Nimbus", "nimbuss"),
    ("red jaket", "product_type", "jacket", "jaket"),
    ("threadhuose tees", "brand", "Threadhouse", "threadhuose"),
    ("kestral scarf", "brand", "Kestrel", "kestral"),
])
def test_small_typos_in_catalog_names_are_understood(lexicon, query, slot, value, typo):
    parsed = parse_query(query, lexicon)
    assert parsed.matched[slot] == value and typo in parsed.corrections and typo not in parsed.text


@pytest.mark.parametrize("query", [
    "boats", "something cheap", "a bright gift for my sister", "wedding weekend", "really comfortable",
    "shorts", "waterproof and wireless", "cheaper please", "something for the beach",
])
def test_ordinary_words_are_not_turned_into_catalog_names(query):
    products = generate_products(300, seed=2, images=False)
    lexicon = Lexicon.from_products([p for p in products if p.product_type != "shorts"])
    parsed = parse_query(query, lexicon)
    assert parsed.corrections == {}
    assert not parsed.filter.brands and not parsed.filter.product_types and not parsed.filter.categories


def test_a_typo_close_to_two_names_is_left_alone():
    from knowledge.product import Product

    lexicon = Lexicon.from_products([Product(id="1", title="a", brand="Marlowe"), Product(id="2", title="b", brand="Marlowo")])
    assert parse_query("marlowa", lexicon).corrections == {}
    assert parse_query("marloww", lexicon).corrections == {}
