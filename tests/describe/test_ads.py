"""Ad variants: never over a placement's limit, angles only where true, brand-safe, per segment."""
import random
import string

import pytest

from knowledge.product import Product
from skills.ads.copy import AdWriter
from skills.ads.placements import PLACEMENTS
from skills.ads.safety import BrandSafety
from skills.ads.segments import SEGMENTS, segment_from
from skills.describe.grounding import GroundingChecker


@pytest.fixture(scope="module")
def writer(checker):
    return AdWriter(BrandSafety(checker, competitors=("Acme",)), low_stock=10)


def random_product(rng: random.Random, n: int) -> Product:
    """Awkward products: very long titles and brands, odd characters, big prices, any stock."""
    def words(k):
        return " ".join("".join(rng.choices(string.ascii_letters + "éß&'-", k=rng.randint(1, 14))) for _ in range(k))

    return Product(
        id=f"r{n}", title=words(rng.randint(1, 16)), brand=words(rng.randint(0, 4)), category=rng.choice(["shoes", ""]),
        product_type=rng.choice(["sneakers", "watch", "", "extraordinarily long product type name"]),
        price=round(rng.uniform(0.5, 250_000), rng.choice([0, 2])), currency=rng.choice(["USD", "INR", "EUR", "CHF"]),
        colour=rng.choice(["red", "navy", "", "off-white"]), material=rng.choice(["", "leather", "stainless steel"]),
        gender=rng.choice(["women", "men", "unisex", "kids", ""]), stock=rng.choice([0, 1, 7, 10, 11, 5000]),
        attributes=rng.choice([{}, {"feature": words(rng.randint(1, 12))}]),
    )


@pytest.mark.parametrize("placement", sorted(PLACEMENTS))
def test_no_variant_ever_exceeds_its_placement_limit(writer, demo_products, placement):
    rng = random.Random(placement)
    products = list(demo_products) + [random_product(rng, n) for n in range(200)]
    limits = PLACEMENTS[placement].limits
    written = 0
    for product in products:
        segment = SEGMENTS[rng.choice(sorted(SEGMENTS))]
        for variant in writer.write(product, placement, count=rng.randint(1, 6), segment=segment).variants:
            assert set(variant.fields) == set(limits)
            for name, text in variant.fields.items():
                assert 0 < len(text) <= limits[name], (placement, name, len(text), text)
            written += 1
    assert written >= len(demo_products) * 2  # the limits are met by writing, not by writing nothing


def test_variants_are_grounded_brand_safe_and_in_several_angles(writer, checker, demo_products):
    for product in demo_products[:60]:
        batch = writer.write(product, "social", count=3)
        assert len({v.angle for v in batch.variants}) == len(batch.variants) == 3
        for variant in batch.variants:
            for text in variant.fields.values():
                assert checker.check(text, product) == [], text
                assert "Acme" not in text and "best" not in text.lower()


def test_urgency_only_when_the_stock_backs_it(writer, runner):
    low = writer.write(runner, "push", count=4, angles=["urgency", "price"])
    assert [v.angle for v in low.variants][0] == "urgency"
    assert "Only 4 left" in low.variants[0].fields["text"]
    plenty = Product(**{**runner.to_dict(), "sizes": runner.sizes, "stock": 500})
    batch = writer.write(plenty, "push", count=4, angles=["urgency", "price"])
    assert {v.angle for v in batch.variants} == {"price"}
    assert any("urgency needs 1 to 10" in note for note in batch.notes)


def test_segments_shape_the_copy(writer, runner):
    bargain = writer.write(runner, "search", count=1, segment=segment_from({"name": "deals", "price_sensitivity": 0.9}))
    assert bargain.variants[0].angle == "price" and "$79" in bargain.variants[0].fields["headline"]
    gifts = writer.write(runner, "sms", count=1, segment=segment_from("gift_shoppers"))
    assert "gifting" in gifts.variants[0].fields["text"] and gifts.variants[0].fields["text"].endswith("opt out.")
    back = writer.write(runner, "push", count=1, segment=segment_from({"returning": True}))
    assert back.variants[0].fields["text"].startswith("Welcome back!")


def test_the_safety_filter_blocks_banned_words_competitors_and_unbacked_claims(checker, runner):
    safety = BrandSafety(checker, banned_words=("miracle",), competitors=("Acme",))
    problems = safety.problems("A miracle shoe, the #1 choice, better than Acme, cures blisters", runner)
    assert "banned word 'miracle'" in problems and "competitor 'Acme' named" in problems
    assert any(p.startswith("superlative '#1'") for p in problems)
    assert any(p.startswith("health 'cures'") for p in problems)
    assert safety.problems("Trail Runner 2 for $79. Shop now.", runner) == []


def test_headlines_lead_with_a_fact_of_the_product_where_the_placement_allows(writer):
    specs = '{"product_specification"=>[{"key"=>"Fabric", "value"=>"Cotton Lycra"}, {"key"=>"Color", "value"=>"Navy"}]}'
    shorts = Product(id="fk-1", title="Alisha Solid Women's Cycling Shorts", brand="Alisha", price=379.0, currency="INR",
                     description="Shorts with two side pockets.", attributes={"product_specifications": specs})
    for placement in ("search", "social", "onsite"):
        batch = writer.write(shorts, placement, count=3, angles=["benefit", "price"])
        headlines = [v.fields["headline"] for v in batch.variants]
        assert all("Cotton Lycra" in h for h in headlines), headlines
        assert all(len(h) <= PLACEMENTS[placement].limits["headline"] for h in headlines)
    long_named = Product(id="x", title="Extraordinarily Long Named Cycling Shorts", brand="Alisha",
                         price=379.0, attributes={"product_specifications": specs})
    [variant] = writer.write(long_named, "search", count=1, angles=["benefit"]).variants
    assert len(variant.fields["headline"]) <= 30  # too long with the benefit: a shorter headline instead
