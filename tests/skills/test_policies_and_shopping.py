"""Policy answers from the shop's documents, and the shopping skills that act on the results shown."""
from pathlib import Path

import pytest

from knowledge.catalog_index import CatalogIndex
from knowledge.policy_docs import PolicyIndex, split_markdown
from knowledge.retriever import Retriever
from skills.base import SkillContext
from skills.handoff import HandoffInput, HandoffSkill
from skills.policies import PolicyInput, PolicySkill
from skills.search import SearchInput, SearchSkill
from skills.shopping import (
    CompareInput, CompareSkill, ProductQuestionInput, ProductQuestionSkill, RefineInput, RefineSkill, SelectInput,
    SelectSkill,
)


@pytest.fixture(scope="module")
def policies(minilm):
    return PolicySkill(PolicyIndex.from_folder(Path("agent/defaults/policies"), minilm), min_score=0.4)


@pytest.fixture(scope="module")
def retriever(demo_catalog_path, minilm, tmp_path_factory):
    return Retriever(CatalogIndex.open(demo_catalog_path, tmp_path_factory.mktemp("index"), minilm, progress=False))


def test_markdown_splits_into_paragraphs_under_their_headings():
    passages = split_markdown("# Returns\n\n## Refunds\n\nWe refund\nwithin 5 days.\n\nThen the bank.\n", "returns.md")
    assert [(p.title, p.heading, p.text) for p in passages] == [
        ("Returns", "Refunds", "We refund within 5 days."), ("Returns", "Refunds", "Then the bank.")]


@pytest.mark.parametrize("question, source, words", [
    ("can I pay with PayPal?", "payment.md", "PayPal"),
    ("do you sell my personal data?", "privacy.md", "do not sell"),
    ("my boots feel small, which size should I get?", "sizing.md", "larger"),
    ("is delivery free?", "shipping.md", "free on orders over $50"),
])
async def test_policy_answers_quote_the_passage_and_name_the_file(policies, question, source, words):
    result = await policies.run(PolicyInput(question), SkillContext("t", question))
    assert source in result.text and words in result.text and result.data["source"] == source


async def test_an_unknown_policy_question_offers_a_colleague(policies):
    result = await policies.run(PolicyInput("do you have a loyalty points scheme?"), SkillContext("t", ""))
    assert result.text.startswith("I don't know") and result.quick_replies == ("Talk to a person", "No thanks")


async def test_handoff_offer_accept_and_decline():
    skill, ctx = HandoffSkill(), SkillContext("t", "", {"handoff_offer": "complaint"})
    offer = await skill.run(HandoffInput("offer", "complaint"), SkillContext("t", ""))
    assert "sorry" in offer.text.lower() and offer.slots == {"handoff_offer": "complaint"}
    accepted = await skill.run(HandoffInput("accept"), ctx)
    assert accepted.slots["handoff"]["status"] == "requested" and accepted.slots["handoff"]["reason"] == "complaint"
    again = await skill.run(HandoffInput("offer"), SkillContext("t", "", {"handoff": accepted.slots["handoff"]}))
    assert "already" in again.text and not again.quick_replies


async def shown(retriever, **search) -> SkillContext:
    result = await SearchSkill(retriever, 6).run(SearchInput(**search), SkillContext("t", ""))
    return SkillContext("t", "", dict(result.slots))


async def test_cheaper_other_brand_and_similar_leave_out_what_was_shown(retriever):
    ctx = await shown(retriever, query="sneakers", product_type="sneakers")
    before = [retriever.index.by_id(i) for i in ctx.slots["last_results"]]
    refine = RefineSkill(retriever)
    cheaper = await refine.run(RefineInput(change="cheaper"), ctx)
    assert cheaper.products and max(p.price for p in cheaper.products) < sorted(p.price for p in before)[3]
    ctx.slots["selected"] = before[0].id
    other = await refine.run(RefineInput(change="other_brand"), ctx)
    assert other.products and before[0].brand not in {p.brand for p in other.products}
    similar = await refine.run(RefineInput(change="similar"), ctx)
    assert before[0].id not in {p.id for p in similar.products}
    assert all(p.product_type == "sneakers" for p in similar.products)


async def test_a_refinement_without_a_search_asks_what_to_look_for(retriever):
    result = await RefineSkill(retriever).run(RefineInput(change="cheaper"), SkillContext("t", ""))
    assert "What are you looking for" in result.text and result.data["failed"]


async def test_select_checks_the_size_and_questions_are_answered_from_the_product(retriever):
    ctx = await shown(retriever, query="sneakers", product_type="sneakers")
    lookup = retriever.index.by_id
    second = lookup(ctx.slots["last_results"][1])
    missing = next(s for s in ("5", "13", "XS") if s not in second.sizes)
    picked = await SelectSkill(lookup).run(SelectInput(position=2, size=missing), ctx)
    assert picked.slots["selected"] == second.id and f"doesn't come in size {missing}" in picked.text
    ctx.slots.update(picked.slots)
    material = await ProductQuestionSkill(lookup).run(ProductQuestionInput("what is it made of?"), ctx)
    assert second.material in material.text
    unknown = await ProductQuestionSkill(lookup).run(ProductQuestionInput("is it vegan?"), ctx)
    assert "say nothing" in unknown.text and unknown.quick_replies == ("Talk to a person", "No thanks")
    compared = await CompareSkill(lookup).run(CompareInput(first=1, second=3), ctx)
    assert compared.text.startswith("1. ") and "\n3. " in compared.text and len(compared.products) == 2
