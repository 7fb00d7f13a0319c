"""Replies worded by the LLM: grounded ones are used, one that states an unreturned price, stock
figure or product is caught and the skill's own text is shown instead."""
import pytest

from agent.llm.grounding import ungrounded
from agent.llm.openai import OpenAIBackend
from agent.llm.responder import LLMResponder, PhrasedSkill
from agent.llm.testkit import ScriptedBackend
from agent.llm.types import LLMTimeout
from knowledge.product import Product
from skills.base import SkillContext, SkillResult
from tests.llm.fake_llm import answer, scripted_server

RUNNER = Product(id="p1", title="Trail Runner", brand="Stride", colour="red", price=79.0, stock=12)
COURT = Product(id="p2", title="Court Classic", brand="Northpeak", colour="red", price=64.5, stock=3)
OTHER = Product(id="p9", title="Harbor Loafer", brand="Dockside", price=120.0, stock=5)
RESULT = SkillResult("Here are 2 red sneakers I found:", products=(RUNNER, COURT))
TITLES = [p.title for p in (RUNNER, COURT, OTHER)]
BRANDS = [p.brand for p in (RUNNER, COURT, OTHER)]


@pytest.mark.parametrize("reply", [
    "I found 2 red sneakers: the Trail Runner at $79 and the Court Classic at $64.50.",
    "The Court Classic by Northpeak is red and costs USD 64.5; only 3 left!",
    "Both are red, and the second one is the cheaper under your 80 dollars.",
])
def test_grounded_replies_pass(reply):
    assert ungrounded(reply, RESULT, "red sneakers under 80", TITLES, BRANDS) == []


@pytest.mark.parametrize("reply, kind, value", [
    ("The Trail Runner is on sale for $59 today!", "price", "$59"),
    ("Hurry, only 2 Trail Runners left.", "stock", "2 Trail Runners left"),
    ("Only five pairs of the Court Classic remain.", "number", "five"),
    ("You might also like the Harbor Loafer.", "product", "Harbor Loafer"),
    ("Dockside makes a similar one.", "product", "Dockside"),
    ("The Trail Runner is sold out, sorry.", "stock", "sold out"),
])
def test_an_unreturned_price_stock_figure_or_product_is_caught(reply, kind, value):
    problems = ungrounded(reply, RESULT, "red sneakers under 80", TITLES, BRANDS)
    assert (kind, value) in [(p.kind, p.value) for p in problems]


async def responder_answering(aiohttp_server, text, hits):
    server = await aiohttp_server(scripted_server([answer(text)], hits))
    return OpenAIBackend(str(server.make_url("/v1")), model="m")


async def test_a_reply_stating_an_unreturned_price_is_replaced_by_the_skills_own(aiohttp_server, caplog):
    hits = []
    async with await responder_answering(aiohttp_server, "Great news: the Trail Runner is just $59!", hits) as llm:
        responder = LLMResponder(llm, TITLES, BRANDS)
        shown = await responder.phrase(RESULT, "red sneakers under 80")
    assert shown.text == RESULT.text and shown.products == RESULT.products
    assert responder.stats == {"ungrounded": 1} and "price '$59'" in caplog.text
    facts = hits[0]["messages"][-1]["content"]
    assert "Trail Runner" in facts and "79.0" in facts and "Harbor Loafer" not in facts  # only what was returned


async def test_a_grounded_wording_reaches_the_shopper_and_anything_else_keeps_the_skills_text():
    class TwoSneakers:
        name, description, Input = "search", "Find products.", dict

        async def run(self, args, ctx):
            return RESULT

    wording = "Two red picks for you: the Trail Runner ($79) and the Court Classic ($64.50)."
    llm = ScriptedBackend([wording, LLMTimeout("slow"), "The Trail Runner, now only $49!"])
    skill = PhrasedSkill(TwoSneakers(), LLMResponder(llm, TITLES, BRANDS))
    shown = [await skill.run({}, SkillContext("rest:ann", "red sneakers under 80")) for _ in range(3)]
    assert [s.text for s in shown] == [wording, RESULT.text, RESULT.text]  # worded, too slow, ungrounded
    assert all(s.products == RESULT.products for s in shown) and skill.name == "search"
    assert skill.responder.stats == {"phrased": 1, "error": 1, "ungrounded": 1}
