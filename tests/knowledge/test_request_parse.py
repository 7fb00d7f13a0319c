"""The shopping request read from one message: negations, recipients, sizes, price phrasing, sort, price
level, stock wish, occasion words and typos, against a generated catalog's own vocabulary."""
import random

import numpy as np
import pytest

from knowledge.columns import ProductColumns
from knowledge.demo.catalog import generate_products
from knowledge.filters import ProductFilter
from knowledge.query_parse import Lexicon, parse_query

PRODUCTS = generate_products(300, seed=3, images=False)


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.from_products(PRODUCTS)


@pytest.mark.parametrize(("text", "field", "values"), [
    ("dresses, but nothing black", "exclude_colours", {"black"}),
    ("not red or pink dresses", "exclude_colours", {"red", "pink"}),
    ("i don't want anything navy", "exclude_colours", {"navy"}),
    ("boots, not leather", "exclude_materials", {"leather", "synthetic leather"}),
    ("non-suede boots", "exclude_materials", {"suede"}),
    ("sneakers, no Nimbus", "exclude_brands", {"nimbus"}),
    ("shoes but no heels", "exclude_types", {"heels"}),
])
def test_negations_rule_values_out(lexicon, text, field, values):
    parsed = parse_query(text, lexicon)
    assert getattr(parsed.filter, field) == values
    assert not parsed.filter.colours & values and not parsed.filter.brands & values


def test_the_words_after_a_negated_value_still_ask_for_something(lexicon):
    parsed = parse_query("not red or pink dresses", lexicon)
    assert parsed.filter.product_types == {"dress"}


@pytest.mark.parametrize(("text", "low", "high"), [
    ("a backpack, nothing over 40 bucks", None, 40), ("not more than $25", None, 25),
    ("nothing under $20 please", 20, None), ("under forty dollars", None, 40), ("forty-five bucks", None, 45),
    ("100 max", None, 100), ("around 60", 48, 72), ("between 50 and 100", 50, 100),
])
def test_price_phrasing(lexicon, text, low, high):
    parsed = parse_query(text, lexicon)
    assert (parsed.filter.min_price, parsed.filter.max_price) == (low, high)


@pytest.mark.parametrize(("text", "gender", "age", "recipient"), [
    ("running shoes for my wife", "women", "adults", "wife"), ("a gift for my husband", "men", "adults", "husband"),
    ("something for my mum", "women", "adults", "mum"), ("toys for my son", "kids", "kids", "son"),
    ("gift ideas for a 10 year old", "kids", "kids", "10-year-old"), ("a present for a toddler", "kids", "kids", "toddler"),
    ("she's a size 7, running shoes", "women", None, None),
])
def test_recipient_words_map_onto_gender_and_age(lexicon, text, gender, age, recipient):
    parsed = parse_query(text, lexicon)
    assert parsed.filter.genders == {gender}
    assert parsed.request.get("age_group") == age and parsed.request.get("recipient") == recipient


def test_interest_and_occasion_are_read_but_not_mapped_here(lexicon):
    assert parse_query("my husband loves cooking", lexicon).request["interest"] == "cooking"
    assert parse_query("I'm going camping next weekend", lexicon).request["occasion"] == "camping"
    assert parse_query("stuff for the gym", lexicon).request["occasion"] == "the gym"
    assert "occasion" not in parse_query("running shoes for women instead", lexicon).request


@pytest.mark.parametrize("text", [
    "I'm looking for backpacks for women", "I'd like to buy a red dress", "for my son, he likes to draw",
    "I want to get sneakers for my husband", "could you find me boots for a maybe rainy day",
])
def test_function_words_left_over_are_no_occasion_or_interest(lexicon, text):
    """Once catalog words are read, what is left ("looking for for", "like to buy") names no activity."""
    request = parse_query(text, lexicon).request
    assert request.get("occasion", "").split()[:1] not in (["for"], ["to"], ["a"], ["maybe"]), request
    assert not request.get("interest", "").startswith(("to ", "a ", "the ")), request


@pytest.mark.parametrize(("text", "sizes"), [
    ("size 7", {"7"}), ("sizes 8 or 9", {"8", "9"}), ("a medium t-shirt", {"m"}), ("jeans, 32 waist", {"32"}),
    ("size 9.5 sneakers", {"9.5"}), ("a small lamp", set()), ("i am not sure", set()), ("a 10 year old", set()),
])
def test_sizes(lexicon, text, sizes):
    assert parse_query(text, lexicon).filter.sizes == sizes


@pytest.mark.parametrize(("text", "key", "value"), [
    ("cheapest headphones", "sort", "price_asc"), ("watches, high to low", "sort", "price_desc"),
    ("top rated mugs", "sort", "rating"), ("affordable lamps", "price_level", "low"),
    ("not too expensive", "price_level", "low"), ("a luxury watch", "price_level", "high"),
    ("less expensive boots", "price_level", "low"), ("sneakers even if sold out", "include_out_of_stock", True),
    ("include out of stock ones", "include_out_of_stock", True),
])
def test_sort_price_level_and_stock_wish(lexicon, text, key, value):
    assert parse_query(text, lexicon).request[key] == value


@pytest.mark.parametrize(("text", "slot", "value"), [
    ("blu jeens", "colour", "blue"), ("blu jeens", "product_type", "jeans"), ("a hoddie", "product_type", "hoodie"),
    ("handbgas", "category", "bags"), ("whit sneakers", "colour", "white"), ("balck boots", "colour", "black"),
])
def test_typos_in_colours_and_short_words(lexicon, text, slot, value):
    assert value in parse_query(text, lexicon).matched[slot].split(", ")


@pytest.mark.parametrize("text", ["bluetooth speaker", "blu ray player", "pick a colour", "boats", "a bed", "pin"])
def test_real_words_are_not_corrected_into_colours(lexicon, text):
    parsed = parse_query(text, lexicon)
    assert not parsed.filter.colours and "blue" not in parsed.corrections.values()


def test_exclusions_and_materials_agree_between_mask_and_matches():
    columns = ProductColumns.from_products(PRODUCTS)
    rng = random.Random(4)
    for _ in range(40):
        picked = rng.sample(PRODUCTS, 3)
        wanted = ProductFilter(
            materials={p.material for p in picked if rng.random() < 0.3},
            exclude_colours={p.colour for p in picked if rng.random() < 0.5},
            exclude_materials={p.material for p in picked if rng.random() < 0.3},
            exclude_brands={p.brand for p in picked if rng.random() < 0.3},
            exclude_types={p.product_type for p in picked if rng.random() < 0.3},
        )
        assert np.array_equal(columns.mask(wanted), [wanted.matches(p) for p in PRODUCTS]), wanted


def test_exclusions_read_as_words():
    wanted = ProductFilter(product_types={"dress"}, exclude_colours={"black", "navy"}, exclude_brands={"nimbus"})
    assert wanted.describe() == "dresses, not black or navy, not by Nimbus"
    assert [name for name, _ in wanted.relaxed()] == ["excluded brands", "excluded colours", "product type"]


def test_another_shop_s_own_vocabulary_is_read_the_same_way():
    from knowledge.product import Product

    rows = [("Alpenglow Olive Parka", "olive", "parka", "Alpenglow", "down", "men", ("S", "M")),
            ("Fjordline Charcoal Parka", "charcoal", "parka", "Fjordline", "synthetic", "women", ("XS", "S")),
            ("Alpenglow Burgundy Beanie", "burgundy", "beanie", "Alpenglow", "merino", "unisex", ()),
            ("Puddle Kids Rain Jacket", "yellow", "rain jacket", "Puddle", "nylon", "kids", ("4", "6"))]
    lexicon = Lexicon.from_products([Product(id=str(n), title=t, colour=c, product_type=k, brand=b, material=m,
                                             gender=g, sizes=s) for n, (t, c, k, b, m, g, s) in enumerate(rows)])
    parsed = parse_query("olve parka for my dad, not charcol, nothing over 200", lexicon)
    assert parsed.filter.colours == {"olive"} and parsed.filter.exclude_colours == {"charcoal"}
    assert parsed.filter.product_types == {"parka"} and parsed.filter.genders == {"men"}
    assert parsed.filter.max_price == 200
    assert parse_query("burgandy beanie", lexicon).filter.colours == {"burgundy"}
    assert parse_query("rain jacket for a 6 year old", lexicon).filter.genders == {"kids"}
    assert parse_query("parkas but no Alpenglow, no down", lexicon).filter.exclude_materials == {"down"}


def test_a_colour_the_catalog_lacks_is_still_asked_for(lexicon):
    parsed = parse_query("teal sneakers", lexicon)
    assert parsed.filter.colours == {"teal"} and parsed.filter.product_types == {"sneakers"}
    assert not parse_query("gold necklace", lexicon).filter.colours  # metals are left to the catalog's words
