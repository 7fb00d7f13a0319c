"""The example skill of "Writing a skill": shoe sizes converted from the shop's chart, routed by its own examples."""
import pytest

from agent.nlu.intent_model import cached_intent_model
from agent.nlu.nlu_data import read_nlu_data
from agent.nlu.router import EmbeddingRouter
from knowledge.query_parse import Lexicon
from skills.base import SkillContext
from skills.size_guide import SizeGuideInput, SizeGuideSkill
from skills.size_guide.chart import SizeChart
from skills.size_guide.skill import CHART

# Phrasings that are not among the skill's training examples, with what each asks.
UNSEEN = [
    ("I take a 44 in European sizes, what is my UK size?", {"system": "eu", "size": 44.0, "wanted": "uk"}),
    ("what does a US 9 come to in EU shoe sizes", {"system": "us_men", "size": 9.0, "wanted": "eu"}),
    ("my feet measure 26 cm, which size in US is that", {"system": "cm", "size": 26.0, "wanted": "us_men"}),
]


@pytest.fixture(scope="module")
def router(minilm, tmp_path_factory):
    data = read_nlu_data("agent/defaults/nlu.yml")
    model = cached_intent_model(data, minilm, tmp_path_factory.mktemp("cache"))
    return EmbeddingRouter(minilm, model, Lexicon.from_products([]), 0.35, regexes=data.regexes)


def run(args: SizeGuideInput, text: str = "", request: dict | None = None) -> str:
    import asyncio

    ctx = SkillContext("c", text, slots={"last_search": request} if request else {})
    return asyncio.run(SizeGuideSkill(SizeChart.load(CHART)).run(args, ctx)).text


@pytest.mark.parametrize("text, wanted", UNSEEN)
def test_a_conversion_asked_in_new_words_reaches_the_size_guide_with_its_sizes(router, text, wanted):
    decision = router.decide(text)
    assert (decision.intent, decision.skill) == ("convert_size", "size_guide")
    assert decision.arguments == wanted


def test_sizes_are_read_from_the_chart_in_the_system_asked_for_or_all_of_them():
    assert run(SizeGuideInput(size=8, system="uk", wanted="eu")).startswith("UK 8 is about EU 42.5 on our size chart.")
    every = run(SizeGuideInput(size=27, system="cm"))
    assert all(name in every for name in ("US men's 9", "US women's 10.5", "UK 8", "EU 42.5"))


def test_a_size_off_the_chart_is_not_guessed_and_a_missing_size_is_asked_for():
    assert "not on our size chart" in run(SizeGuideInput(size=3, system="uk", wanted="eu"))
    assert run(SizeGuideInput()).startswith("Which size should I convert?")


def test_a_broken_chart_names_the_file_and_what_is_wrong(tmp_path):
    chart = tmp_path / "chart.yml"
    chart.write_text("systems: [uk, eu, mondopoint]\nrows: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown size system 'mondopoint'"):
        SizeChart.load(chart)
    chart.write_text("systems: [uk, eu]\nrows:\n  - [8]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"row \[8.0\] has 1 sizes"):
        SizeChart.load(chart)


def test_a_plain_us_size_while_shopping_for_women_is_a_womens_size_unless_mens_is_said():
    women = {"product_type": "running shoes", "gender": "women"}
    asked = SizeGuideInput(size=8, system="us_men", wanted="eu")
    assert run(asked, "what's a US 8 in EU sizes?", women).startswith("US women's 8 is about EU")
    assert run(asked, "what's a US men's 8 in EU?", women).startswith("US men's 8 is about EU")
    assert run(asked, "what's a US 8 in EU sizes?", {"gender": "men"}).startswith("US men's 8 is about EU")
    assert run(SizeGuideInput(size=40, system="eu", wanted="us_men"), "EU 40 in US?", women).startswith(
        "EU 40 is about US women's")
