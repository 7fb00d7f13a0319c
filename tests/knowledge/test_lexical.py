"""BM25 keyword search: tokens that meet across spellings, exact titles first, filters inside the search."""
import numpy as np
import pytest

from knowledge.lexical import LexicalConfig, LexicalIndex, Tokenizer, top_rows

TITLES = [
    "Cordless Drill Driver 20-Volt Lithium-Ion with Two Batteries",
    "Hammer Drill 1/2 in. Corded 7.5 Amp",
    "Pressure-Treated Lumber 2 in. x 4 in. x 8 ft. Stud",
    "Copper Pipe Type M 1/2 in. x 10 ft.",
    "Interior Latex Paint Eggshell White 1 gal.",
    "Exterior Deck Stain Semi-Transparent Cedar 1 gal.",
    "Ceiling Fan 52 in. with LED Light Kit Brushed Nickel",
    "LED Light Bulb 60-Watt Equivalent A19 Soft White 4-Pack",
    "Bathroom Vanity 36 in. with White Marble Top",
    "Trimmer Line 0.105 in. x 200 ft. Twisted",
    "Cordless String Trimmer 40-Volt with Battery",
    "Men's Work Boots Steel Toe",
]


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    return LexicalIndex.build(TITLES)


def test_every_exact_title_ranks_its_own_product_first(index):
    for row, title in enumerate(TITLES):
        assert index.search(title, k=3)[0][0] == row, title


def test_shoppers_spellings_meet_the_catalogs():
    tokens = Tokenizer()
    assert {"2", "x", "4", "8", "ft"} <= set(tokens("Lumber 2 in. x 4 in. x 8 ft."))
    assert tokens("2x4 8ft") == ["2", "x", "4", "8", "ft"]
    assert tokens("1/2 gallon") == ["1/2", "gal"]
    assert tokens('36" vanity') == tokens("36 inch vanity") == tokens("36 in. vanity")
    assert tokens("ceiling fans with lights")[:2] == tokens("Ceiling Fan")
    assert tokens("0.105 trimmer line")[0] == "0.105"
    assert tokens("men's boots") == tokens("Mens Boot")


def test_queries_in_shopper_words_find_the_product(index):
    assert index.search("2x4 stud", k=1)[0][0] == 2
    assert index.search("ceiling fans with lights", k=1)[0][0] == 6
    assert index.search("1/2 inch copper pipe", k=1)[0][0] == 3
    assert index.search("string trimmers", k=1)[0][0] == 10


def test_stemming_and_units_can_be_switched_off():
    plain = Tokenizer(LexicalConfig(stemmer=None, fold_units=False))
    assert plain("ceiling fans 2 inches") == ["ceiling", "fans", "2", "inches"]
    assert Tokenizer(LexicalConfig(stopwords=True))("fan with a light") == ["fan", "light"]


def test_allowed_rows_compete_alone_and_are_never_left(index):
    allowed = np.array([4, 5, 8, 11])
    hits = index.search("white paint", k=10, allowed=allowed)
    assert [row for row, _ in hits][0] == 4
    assert {row for row, _ in hits} <= set(allowed.tolist())
    assert index.search("cordless drill", k=5, allowed=allowed) == []


def test_a_filter_keeps_a_weak_match_that_a_global_top_k_would_cut(index):
    everywhere = [row for row, _ in index.search("white light", k=2)]
    assert 8 not in everywhere
    assert index.search("white light", k=2, allowed=np.array([8]))[0][0] == 8


def test_rows_that_share_no_token_are_not_returned(index):
    rows = [row for row, _ in index.search("drill", k=50)]
    assert sorted(rows) == [0, 1]
    assert index.search("zebra unicorn", k=5) == []
    assert index.search("", k=5) == []


def test_top_rows_orders_by_score_then_row():
    scores = np.array([0.0, 2.0, 5.0, 2.0, 1.0], dtype=np.float32)
    assert top_rows(scores, 3) == [(2, 5.0), (1, 2.0), (3, 2.0)]
    assert top_rows(scores, 10, allowed=np.array([0, 3, 4, 4])) == [(3, 2.0), (4, 1.0)]
    with pytest.raises(ValueError, match="0..4"):
        top_rows(scores, 2, allowed=np.array([7]))


def test_an_empty_catalog_searches_to_nothing():
    assert LexicalIndex.build([]).search("anything", k=3) == []


@pytest.mark.parametrize("change, message", [
    ({"k1": 0}, "k1 must be positive, got 0"),
    ({"b": 1.5}, "b must lie in 0..1, got 1.5"),
    ({"stemmer": "klingon"}, "stemmer 'klingon' is not known"),
])
def test_bad_settings_are_named(change, message):
    with pytest.raises(ValueError, match=message):
        LexicalConfig(**change)
