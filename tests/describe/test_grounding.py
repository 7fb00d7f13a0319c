"""The grounding check catches invented facts, and the template composer never states one."""
import pytest

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
