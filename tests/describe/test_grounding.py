"""The grounding check catches invented facts, and the template composer never states one."""
import pytest

from knowledge.product import Product
from skills.describe.composer import TemplateComposer
from skills.describe.grounding import GroundingChecker
from skills.describe.style import LENGTHS, TONES, Style

HONEST = "The red Trail Runner 2 from Stride, in mesh with a grippy rubber outsole. For women, sizes 7 to 9, $79."


def kinds(checker, text, product):
    return {(v.kind, v.value) for v in checker.check(text, product)}


def test_an_honest_text_passes(checker, runner):
    assert checker.check(HONEST, runner) == []


@pytest.mark.parametrize("planted, expected", [
    ("The blue Trail Runner 2 from Stride.", ("colour", "blue")),
    ("The Trail Runner 2, in soft leather.", ("material", "leather")),
    ("The Trail Runner 2 for just $69.", ("number", "69")),
    ("The Trail Runner 2 for €79.", ("currency", "EUR")),
    ("A waterproof Trail Runner 2.", ("claim", "waterproof")),
    ("Organic and handmade, the Trail Runner 2.", ("claim", "organic")),
    ("The Trail Runner 2, cut for men.", ("gender", "men")),
    ("Available in size XL.", ("size", "XL")),
    ("20% off the Trail Runner 2.", ("number", "20")),
    ("The best sneakers in town.", ("superlative", "best")),
    ("The #1 pick of runners.", ("superlative", "#1")),
    ("It helps heal sore feet.", ("health", "heal")),
    ("Better than anything from Acme.", ("brand", "Acme")),
])
def test_planted_hallucinations_are_caught(checker, runner, planted, expected):
    assert expected in kinds(checker, planted, runner)


def test_claims_backed_by_the_attributes_pass(checker, runner):
    waterproof = runner.__class__(**{**runner.to_dict(), "sizes": runner.sizes,
                                     "attributes": {"feature": "a waterproof membrane"}})
    assert checker.check("A waterproof runner with a waterproof membrane.", waterproof) == []
    assert ("claim", "waterproof") in kinds(checker, "A waterproof runner.", runner)


def test_scarcity_only_when_the_stock_is_low(checker, runner):
    assert checker.check("Only 4 left: hurry!", runner) == []
    plenty = runner.__class__(**{**runner.to_dict(), "sizes": runner.sizes, "stock": 300})
    assert {v.kind for v in checker.check("Only 4 left: hurry!", plenty)} >= {"stock"}


def test_allowed_marketing_phrases_are_not_read_as_claims(runner):
    strict = GroundingChecker(allowed_phrases=())
    lenient = GroundingChecker(allowed_phrases=("best of both worlds",))
    text = "Grip and comfort: the best of both worlds."
    assert ("superlative", "best") in kinds(strict, text, runner)
    assert lenient.check(text, runner) == []


def test_brands_that_are_everyday_words_do_not_trip_the_check(runner):
    checker = GroundingChecker(brands=["ONLY", "Next"])
    assert checker.check("Only 4 left. Next stop: the trail.", runner) == []
    assert ("brand", "Next") in kinds(checker, "Pairs well with a jacket by Next.", runner)


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize("length", LENGTHS)
def test_template_text_is_grounded_for_every_demo_product(checker, demo_products, tone, length):
    composer = TemplateComposer()
    for product in demo_products:
        text = composer.compose(product, Style(tone, length)).text
        assert checker.check(text, product) == [], (product.id, text)
        assert product.brand in text and text.endswith(".")


def test_template_text_is_varied_deterministic_and_carries_keywords(demo_products):
    composer = TemplateComposer()
    openers = {composer.compose(p, Style("friendly", "short")).text.split(" the ")[0] for p in demo_products}
    assert len(openers) >= 3
    first = [composer.compose(p, Style("premium", "long")).text for p in demo_products[:20]]
    assert first == [composer.compose(p, Style("premium", "long")).text for p in demo_products[:20]]
    product = demo_products[0]
    composed = composer.compose(product, Style("plain", "long"))
    assert f"{product.colour} {product.product_type}" in composed.keywords
    assert f"{product.colour} {product.product_type}" in composed.text
    short, long = (len(composer.compose(product, Style("plain", n)).text) for n in ("short", "long"))
    assert short < long


def tee():
    return Product(id="t-1", title="Coastline Crew Tee", brand="Coastline", category="apparel", product_type="t-shirt",
                   price=24.0, colour="white", material="cotton", gender="unisex", sizes=("S", "M", "L"), stock=40)


@pytest.mark.parametrize("planted, expected", [
    ("A handy three-pack of the Trail Runner 2.", ("number", "three")),
    ("Comes in a dozen styles.", ("number", "dozen")),
    ("Half a dozen reasons to love the Trail Runner 2.", ("number", "half a dozen")),
    ("Twenty colours of the Trail Runner 2.", ("number", "twenty")),
    ("Loved by twenty-five thousand runners.", ("number", "twenty-five thousand")),
    ("A trio of laces in the box.", ("number", "trio")),
    ("The Trail Runner 2 boots from Stride.", ("product type", "boots")),
    ("Strap into these sandals for the trail.", ("product type", "sandals")),
])
def test_planted_numbers_in_words_and_wrong_product_types_are_caught(checker, runner, planted, expected):
    assert expected in kinds(checker, planted, runner)


@pytest.mark.parametrize("planted, expected", [
    ("A breezy summer dress from Coastline.", ("product type", "dress")),
    ("The Coastline Crew Tee, a shirt for every day.", ("product type", "shirt")),
    ("Slip into these comfortable shoes.", ("product type", "shoes")),
    ("An elegant gown in white cotton.", ("product type", "gown")),
])
def test_a_t_shirt_called_something_else_is_caught(checker, planted, expected):
    assert expected in kinds(checker, planted, tee())


@pytest.mark.parametrize("honest", [
    "The Trail Runner 2: shoes for the trail, sneakers for the city.",
    "Running shoes from Stride, for women, $79.",
    "Pair them with jeans or a summer dress.",
    "One click away: the Trail Runner 2.",
])
def test_what_the_product_is_and_what_it_goes_with_pass(checker, runner, honest):
    assert checker.check(honest, runner) == []


def test_kinds_and_counts_the_attributes_state_are_backed(checker):
    socks = Product(id="s-2", title="Everyday Socks Two-Pack", brand="Stride", product_type="socks", price=12.0)
    assert checker.check("A two-pack of everyday socks.", socks) == []
    assert ("number", "three") in kinds(checker, "A three-pack of everyday socks.", socks)
    dress = Product(id="d-1", title="Coastline T-shirt Dress", brand="Coastline", product_type="dress", price=30.0)
    assert checker.check("A T-shirt dress from Coastline, an easy dress for summer.", dress) == []


def test_a_brand_named_after_an_everyday_word_is_caught_only_as_a_brand(runner):
    checker = GroundingChecker(brands=["Nature", "Apple", "ONLY", "Stride", "Northpeak"])
    for everyday in ("Inspired by nature, built for the trail.", "Nature lovers will take to the Trail Runner 2.",
                     "Crisp as an apple on an autumn run.", "ONLY 4 LEFT!", "Only 4 left, hurry."):
        assert checker.check(everyday, runner) == [], everyday
    for planted, brand in (("The Trail Runner 2 from Nature.", "Nature"), ("Designed by Apple in California.", "Apple"),
                           ("Pairs with a tank top by ONLY.", "ONLY"), ("A Nature classic for the trail.", "Nature"),
                           ("As tough as anything from NORTHPEAK.", "NORTHPEAK")):
        assert ("brand", brand) in kinds(checker, planted, runner), planted
    own = Product(id="n-1", title="Leaf Tee", brand="Nature", product_type="t-shirt", price=20.0)
    assert checker.check("The Leaf Tee from Nature.", own) == []
