"""The question parsing behind "which of those ...?": scopes, rankings by catalog attributes, conditions."""
import pytest

from knowledge.product import Product
from skills.shopping.shown_qa import about_shown, answer_about_shown

TENTS = [
    Product(id="a", title="Ridge Tent", product_type="tent", price=300.0, stock=10, material="nylon", colour="grey",
            attributes={"weight": "2.4 kg", "rating": "4.1"}),
    Product(id="b", title="Ultra Tent", product_type="tent", price=420.0, stock=2, material="silnylon", colour="green",
            attributes={"weight": "950 g", "rating": "4.8"}),
    Product(id="c", title="Family Dome", product_type="tent", price=180.0, stock=0, material="polyester",
            colour="blue", attributes={"weight": "5 kg"}, description="A roomy dome with a waterproof flysheet."),
]


def vocabulary(slot):
    return frozenset(str(getattr(p, slot)).lower() for p in TENTS if getattr(p, slot))


@pytest.mark.parametrize("text,scope", [
    ("which of those is the cheapest?", "set"), ("are any of them leather?", "set"), ("which ones are in stock?", "set"),
    ("what's the lightest one?", "set"), ("any under $200?", "set"), ("are they waterproof?", "plural"),
    ("does it come in green?", "it"), ("do you have it in blue?", "it"),
    ("cheapest headphones", ""), ("show me red sneakers", ""), ("the second one", "")])
def test_what_a_question_is_about(text, scope):
    assert about_shown(text) == scope


@pytest.mark.parametrize("question,expected", [
    ("which one is the lightest?", "b"), ("which is the heaviest of them?", "c"), ("which is the best rated?", "b"),
    ("which of these is the cheapest?", "c"), ("which one is the most expensive?", "b")])
def test_rankings_use_fields_and_numeric_attributes_with_units(question, expected):
    answer = answer_about_shown(question, TENTS, vocabulary)
    assert [p.id for p in answer.products] == [expected]


def test_a_ranking_over_products_that_partly_lack_the_attribute_says_so():
    answer = answer_about_shown("which is the best rated?", TENTS, vocabulary)
    assert "of the 2 the catalog gives rating for" in answer.text


@pytest.mark.parametrize("question,ids,words", [
    ("which ones are in stock?", ["a", "b"], "only 2 left"),
    ("which of them are sold out?", ["c"], "out of stock"),
    ("are any of them made of polyester?", ["c"], "1 of the 3"),
    ("any under $350?", ["a", "c"], "2 of the 3"),
    ("are any of them waterproof?", ["c"], "doesn't say"),
])
def test_conditions(question, ids, words):
    answer = answer_about_shown(question, TENTS, vocabulary)
    assert [p.id for p in answer.products] == ids and words in answer.text


def test_none_matching_names_what_they_are_and_offers_a_search():
    answer = answer_about_shown("are any of them green or red?".replace(" or red", ""), TENTS[:1], vocabulary)
    assert answer.text.startswith("None of the 1") and answer.quick_replies == ("Green tents",)


def test_how_much_are_they_lists_every_price_with_its_stock():
    answer = answer_about_shown("how much are they?", TENTS, vocabulary)
    assert all(f"${p.price:,.2f}" in answer.text for p in TENTS) and "out of stock" in answer.text
