"""The recommend skill in a conversation, and the suggestion it adds after a search."""
import pytest

from knowledge.retriever import Retriever
from skills.base import SkillContext
from skills.recommend import RecommendInput, RecommendSkill
from skills.recommend.search_hook import SearchSuggestion
from skills.recommend.skill import FORGET, WHAT_GOES, WHY, infer_mode
from skills.search import SearchInput, SearchSkill
from tests.recommend.conftest import view

CHAT = "webchat:chatter-0001"


@pytest.fixture
def skill(recommender):
    return RecommendSkill(recommender)


@pytest.mark.parametrize("text, mode", [
    ("recommend something for me", "for_you"),
    ("any recommendations?", "for_you"),
    ("what goes with this?", "goes_with"),
    ("what would match this jacket?", "goes_with"),
    ("show me something similar", "similar"),
    ("what's popular right now?", "popular"),
    ("why am I seeing this?", "profile"),
    ("forget my history", "forget"),
])
def test_the_message_picks_the_kind_of_list(text, mode):
    assert infer_mode(text) == mode


async def test_recommend_something_for_me_explains_each_pick(skill, recommender, recs_index):
    viewed = [p.id for p in recs_index.products if p.category == "bags"][:3]
    recommender.record(view(CHAT, *viewed))
    result = await skill.run(RecommendInput(), SkillContext(CHAT, "recommend something for me"))
    assert len(result.products) == 6
    assert result.slots["last_results"] == [p.id for p in result.products]
    for product in result.products:
        assert f"• {product.title}: {result.data['reasons'][product.id]['text']}" in result.text
    assert result.quick_replies == (WHAT_GOES, WHY)


async def test_what_goes_with_this_builds_on_the_product_in_focus(skill, recommender, recs_index):
    heels = next(p for p in recs_index.products if p.product_type == "heels")
    ctx = SkillContext(CHAT, "what goes with this?", slots={"last_results": [heels.id, "sku-00002"]})
    result = await skill.run(RecommendInput(), ctx)
    assert result.text.startswith(f"To complete the look with the {heels.title}:")
    assert result.products and all(p.product_type in ("dress", "crossbody bag", "earrings", "necklace")
                                   for p in result.products)
    assert recommender.profile(CHAT).actions  # asking about the heels counts as looking at them
    selected = SkillContext(CHAT, "what goes with it", slots={"selected": result.products[0].id})
    again = await skill.run(RecommendInput(mode="goes_with"), selected)
    assert result.products[0].title in again.text


async def test_what_goes_with_this_without_a_product_says_so(skill):
    result = await skill.run(RecommendInput(), SkillContext("webchat:empty-00001", "what goes with this?"))
    assert result.text.startswith("Pick a product first") and result.products


async def test_why_am_i_seeing_this_and_forget_me(skill, recommender, recs_index):
    viewed = [p.id for p in recs_index.products if p.category == "kitchen"][:2]
    recommender.record(view(CHAT, *viewed))
    why = await skill.run(RecommendInput(), SkillContext(CHAT, "why am I seeing this?"))
    assert "kitchen" in why.text and FORGET in why.quick_replies
    assert why.data["profile"]["categories"] == {"kitchen": 1.0}
    forgotten = await skill.run(RecommendInput(), SkillContext(CHAT, "forget my history"))
    assert "2 events" in forgotten.text and recommender.store.count(CHAT) == 0
    after = await skill.run(RecommendInput(), SkillContext(CHAT, "why am I seeing this?"))
    assert "don't know anything" in after.text


async def test_a_search_is_remembered_and_suggests_completing_the_look(recommender, recs_index):
    search = SearchSkill(Retriever(recs_index), results=3)
    search.after.append(SearchSuggestion(recommender))
    result = await search.run(SearchInput(query="sneakers", product_type="sneakers"), SkillContext(CHAT, "sneakers"))
    assert result.products and WHAT_GOES in result.quick_replies
    assert recommender.profile(CHAT).searches == ("sneakers",)
    after = await RecommendSkill(recommender).run(RecommendInput(), SkillContext(CHAT, "recommend something for me"))
    assert after.text.startswith("Picks for you, from what you searched for:")
    assert "Related to your search for “sneakers”" in after.text
