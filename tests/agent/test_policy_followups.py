"""A follow-up after a policy answer stays a policy question; shopping after one still shops."""
import pytest

from agent.dialog_followups import asks_if_returnable
from agent.state import DialogState
from knowledge.policy_rank import elliptical
from tests.agent.conftest import say, state_of

FOLLOW_UPS = [  # (first question, follow-up, what the follow-up's answer must hold)
    ("do you ship to the UK?", "how much does it cost?", ("19.95", "International")),
    ("do you ship to Canada?", "and how long does it take?", ("6 to 12",)),
    ("how long does shipping take to Canada?", "and within the US?", ("3 to 5", "4.95", "1 to 2")),
    ("will I have to pay customs duties if I order to Germany?", "how long would delivery take?", ("6 to 12",)),
    ("do you accept PayPal?", "can I pay in instalments?", ("instalment",)),
    ("what's your return policy?", "can I return a lipstick I opened?", ("hygiene",)),
    ("what's your return policy?", "is it possible to return earrings?", ("earrings",)),
]


@pytest.mark.parametrize("first,follow_up,expected", FOLLOW_UPS)
async def test_a_follow_up_is_answered_from_the_policies(agent, first, follow_up, expected):
    sender = f"follow-{FOLLOW_UPS.index((first, follow_up, expected))}"
    await say(agent, sender, first)
    reply = await say(agent, sender, follow_up)
    assert "policy (" in reply.text and any(word in reply.text for word in expected), reply.text
    assert not reply.products


@pytest.mark.parametrize("question,place", [("do you ship to the UK?", "the United Kingdom"),
                                            ("how long does delivery take to Texas?", "Texas")])
async def test_the_answer_names_the_place_asked_about(agent, question, place):
    reply = await say(agent, f"place-{place}", question)
    assert reply.text.startswith(f"For {place}, from our"), reply.text


async def test_a_follow_up_keeps_the_place_across_turns(agent):
    await say(agent, "chain", "do you ship to Australia?")
    await say(agent, "chain", "how much does it cost?")
    reply = await say(agent, "chain", "and how long does it take?")
    assert "Australia" in reply.text and "6 to 12" in reply.text, reply.text


@pytest.mark.parametrize("search", ["show me red sneakers", "I need a backpack"])
async def test_a_product_request_after_a_policy_answer_still_searches(agent, search):
    await say(agent, f"shop-{search}", "how long does shipping take to Canada?")
    reply = await say(agent, f"shop-{search}", search)
    assert reply.products, reply.text
    assert (await state_of(agent, f"shop-{search}")).history[-1]["skill"] == "search"


async def test_narrowing_and_picking_after_a_policy_answer_still_shop(agent):
    await say(agent, "narrow", "red sneakers")
    await say(agent, "narrow", "do you ship to Canada?")
    cheaper = await say(agent, "narrow", "under 80")
    assert cheaper.products and "policy (" not in cheaper.text, cheaper.text
    await say(agent, "narrow", "what's your return policy?")
    picked = await say(agent, "narrow", "the second one")
    assert "policy (" not in picked.text
    assert (await state_of(agent, "narrow")).history[-1]["skill"] == "select"


async def test_out_of_scope_after_a_policy_answer_stays_out_of_scope(agent):
    await say(agent, "weather", "do you ship to Canada?")
    reply = await say(agent, "weather", "what's the weather like today?")
    assert "policy (" not in reply.text, reply.text


async def test_returning_an_item_of_an_order_still_opens_a_return(agent):
    reply = await say(agent, "return", "I want to return something from my order")
    assert "policy (" not in reply.text, reply.text


def test_which_questions_are_elliptical_and_which_ask_about_returnability():
    for text in ("and within the US?", "what about Mexico?", "how much does it cost?", "how long?", "is it free?"):
        assert elliptical(text), text
    for text in ("can I pay in instalments?", "how long would delivery take to Germany?", "which cards do you take?"):
        assert not elliptical(text), text
    empty = DialogState()
    for text in ("can I return a lipstick I opened?", "are earrings returnable?", "do you accept returns on sale items?"):
        assert asks_if_returnable(text, empty), text
    for text in ("I want to return my order", "can I return the shoes from my order?"):
        assert not asks_if_returnable(text, empty), text
    assert not asks_if_returnable("can I return it?", DialogState(extra={"last_order": "ORD-123456"}))
