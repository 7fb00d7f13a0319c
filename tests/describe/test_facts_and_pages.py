"""Facts from everything the shop gave, each traced to its field; pages that state them and nothing else."""
import re

import pytest

from knowledge.product import Product
from skills.describe.composer import TemplateComposer
from skills.describe.facts import extract_facts
from skills.describe.families import FAMILIES, family_of, phrases_of
from skills.describe.generator import DescriptionGenerator
from skills.describe.grounding import Facts, GroundingChecker
from skills.describe.page import META_MAX, SEO_TITLE_MAX
from skills.describe.style import LENGTHS, TONES, Style

RUBY_SPECS = ('{"product_specification"=>[{"key"=>"Fabric", "value"=>"Cotton Lycra"}, {"key"=>"Color", "value"=>"Navy"}, '
              '{"key"=>"Number of Contents in Sales Package", "value"=>"Pack of 3"}, {"key"=>"Pattern", "value"=>"Solid"}, '
              '{"key"=>"Water Resistant", "value"=>"No"}, {"key"=>"Style Code", "value"=>"ALTHT_3P_21"}]}')
PLAIN_SPECS = "Material: Stainless Steel\nCapacity: 750 ml\nColour: Teal\nCare: Hand wash only"


def shorts(**changes) -> Product:
    fields = dict(id="fk-1", title="Alisha Solid Women's Cycling Shorts", brand="Alisha", price=379.0, currency="INR",
                  category="Clothing >> Women's Clothing >> Shorts", gender="women",
                  description="Cycling shorts with an elasticated waistband and two side pockets. Machine wash. "
                              "Loved by 5000 riders across the country.",
                  attributes={"product_specifications": RUBY_SPECS, "product_url": "http://shop.example/p/1",
                              "product_rating": "No rating available"})
    return Product(**(fields | changes))


def bottle(**changes) -> Product:
    fields = dict(id="b-1", title="Hydro Steel Water Bottle", brand="Hydro", price=24.0, category="Kitchen & Dining",
                  attributes={"specs": PLAIN_SPECS})
    return Product(**(fields | changes))


@pytest.fixture(scope="module")
def guard() -> GroundingChecker:
    return GroundingChecker(brands=["Alisha", "Hydro", "Acme", "The Body Shop", "Sicons", "Titan"])


def raw_field(product: Product, source: str) -> str:
    if source.startswith("attributes."):
        return product.attributes[source.removeprefix("attributes.")]
    if source in product.attributes:
        return product.attributes[source]
    return str(getattr(product, {"gender": "gender", "product_type": "product_type"}.get(source, source)))


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def test_facts_come_from_both_kinds_of_spec_string_and_from_the_description():
    facts = {(f.name, f.value.lower(), f.source) for f in extract_facts(shorts())}
    assert {("material", "cotton lycra", "product_specifications"), ("colour", "navy", "product_specifications"),
            ("pack size", "pack of 3", "product_specifications"), ("care", "machine wash", "description"),
            ("feature", "an elasticated waistband", "description"), ("feature", "two side pockets", "description")} <= facts
    assert not any("water resistant" in value for _, value, _ in facts)  # "No" is no fact
    assert not any(source in ("product_url", "product_rating") for *_, source in facts)  # bookkeeping columns
    plain = {(f.name, f.value) for f in extract_facts(bottle())}
    assert {("material", "Stainless Steel"), ("capacity", "750 ml"), ("colour", "Teal"), ("care", "Hand wash only")} <= plain


@pytest.mark.parametrize("make", [shorts, bottle])
def test_every_fact_in_a_generated_text_traces_to_a_source_field(guard, make):
    product = make()
    description = DescriptionGenerator(guard).describe(product, Style("friendly", "medium"))
    assert description.source == "template" and guard.check(description.text, product) == []
    stated = [f for f in description.facts if f.descriptive and f.stated_in(description.text)]
    assert len(stated) >= 4
    for fact in stated:  # each stated fact's words are in the field it names as its source
        assert words(fact.value) <= words(raw_field(product, fact.source)), fact
    backing = " ".join(f"{f.label} {f.value}" for f in description.facts).lower()
    for term in re.findall(r"\b(navy|teal|cotton|lycra|steel|\d+)\b", description.text.lower()):
        assert term in backing or term in f"{product.price:.0f}", term


def test_the_check_accepts_exactly_the_extracted_facts_and_nothing_else(guard):
    product = shorts()
    text = "Solid cycling shorts with two side pockets and an elasticated waistband, machine wash, in navy."
    assert guard.check(text, product) == []
    without_description = [f for f in extract_facts(product) if f.source != "description"]
    found = {v.value for v in guard.check(text, product, Facts.of(product, without_description))}
    assert "two" in found  # the description's facts are what backs "two side pockets"
    prose = guard.check("Loved by 5000 riders.", product)  # in the description, but prose, not a fact
    assert [(v.kind, v.value) for v in prose] == [("number", "5000")]


@pytest.mark.parametrize("specs", [RUBY_SPECS, "Fabric: Cotton Lycra; Color: Navy; Pattern: Solid"])
def test_a_spec_string_with_a_colour_yields_a_text_that_states_it(guard, specs):
    product = shorts(description="", attributes={"specifications": specs})
    assert product.colour == ""
    for length in LENGTHS:
        description = DescriptionGenerator(guard).describe(product, Style("plain", length))
        text = description.text.lower()
        assert "navy" in text and "cotton lycra" in text
        assert "=>" not in text  # read as facts, not pasted raw
        assert ("colour", "Navy") in {(f.name, f.value) for f in description.facts}


@pytest.mark.parametrize("title, brand", [("The Body Shop Vitamin E Moisture Cream", "The Body Shop"),
                                          ("The Original Leather Belt", "Acme"), ("The the Rug", "")])
def test_titles_that_start_with_the_do_not_double_it(guard, title, brand):
    product = Product(id="t-1", title=title, brand=brand, price=25.0, material="leather")
    for tone in TONES:
        for length in LENGTHS:
            description = DescriptionGenerator(guard).describe(product, Style(tone, length))
            for text in (description.text, description.seo_title, description.meta_description):
                assert not re.search(r"\b(\w+)\s+\1\b", text, re.I), text


CATEGORY_SAMPLES = {
    "watches": Product(id="w", title="Titan Analog Watch - For Men", brand="Titan", price=15000.0,
                       category="Watches >> Wrist Watches"),
    "pet": Product(id="d", title="Sicons All Purpose Dog Shampoo", brand="Sicons", price=220.0,
                   category="Pet Supplies >> Grooming"),
    "kitchen": bottle(),
    "apparel": shorts(),
    "footwear": Product(id="f", title="Puma Men Navy Blue Sneakers", brand="Puma", price=3249.0),
    "electronics": Product(id="e", title="Rapter BNC-179 BNC Wire Connector", price=1400.0, category="Computers"),
    "books": Product(id="c", title="The Vegan Kitchen Cookbook", price=24.0, category="Books",
                     attributes={"Pages": "320", "Binding": "Hardcover"}),
}


@pytest.mark.parametrize("family", sorted(CATEGORY_SAMPLES))
def test_no_phrase_of_another_family_is_written_for_an_unrelated_category(guard, family):
    product = CATEGORY_SAMPLES[family]
    assert family_of(product).name == family
    foreign = {p.lower() for f in FAMILIES if f.name != family for p in phrases_of(f)}
    foreign -= {p.lower() for p in phrases_of(family_of(product))}
    for tone in TONES:
        for length in LENGTHS:
            text = DescriptionGenerator(guard).describe(product, Style(tone, length)).text.lower()
            assert not [p for p in foreign if p.rstrip(".") in text], (family, text)
            if family in ("watches", "pet", "kitchen", "electronics", "books"):
                assert "everyday wear" not in text and "ready for your everyday" not in text


def test_seo_title_and_meta_stay_within_their_limits_and_cut_whole_words(guard, demo_products):
    long_title = Product(id="l", title="Extraordinarily " * 8 + "Long Name Trail Runner", brand="Stride", price=79.0,
                         attributes={"specs": RUBY_SPECS})
    for product in (*demo_products, long_title, shorts(), bottle()):
        description = DescriptionGenerator(guard).describe(product, Style("plain", "long"))
        assert 0 < len(description.seo_title) <= SEO_TITLE_MAX and 0 < len(description.meta_description) <= META_MAX
        title_words = set(re.findall(r"[\w'-]+", f"{product.brand} {product.title}".lower()))
        fact_words = {w for f in description.facts for w in re.findall(r"[\w'-]+", f.value.lower())}
        assert set(re.findall(r"[\w'-]+", description.seo_title.lower())) <= title_words | fact_words


def test_a_page_has_a_lead_bullets_and_a_paragraph_in_the_configured_length(demo_products):
    composer = TemplateComposer()
    for product in demo_products[:40]:
        pages = {length: composer.compose(product, Style("premium", length)).page for length in LENGTHS}
        for page in pages.values():
            assert page.lead.endswith(".") and 3 <= len(page.bullets) <= 5 and page.paragraph
        assert len(pages["short"].text.split()) < len(pages["long"].text.split())
        assert len(pages["medium"].text.split()) >= 40
