"""The handoff as a colleague meets it, with the real agent, demo orders and the real queue: urgency and the
shopper's actual request on the queue card, the context panel, nothing left unanswered on the way back
to the assistant, and a transfer between colleagues."""
from __future__ import annotations

import pytest

from agent.core import conversation_id
from agent.types import UserMessage
from channels.channel_db import ChannelDB
from channels.console.view import conversation_view
from channels.handoff.queue import HandoffQueue, QueueError
from channels.postboxes import Postboxes
from skills.orders.demo import demo_customer_for
from tests.agent.conftest import agent, orders_of, shop  # noqa: F401  (the real agent over the demo shop)


@pytest.fixture
async def desk(agent, tmp_path):  # noqa: F811
    """The queue as `aisle serve` attaches it, with a postbox that keeps what reaches the shopper."""
    delivered: list[tuple[str, list, dict]] = []

    async def deliver(sender: str, messages: list, event: dict | None) -> None:
        delivered.append((sender, [m.text for m in messages], event or {}))

    postboxes = Postboxes()
    postboxes.register("rest", deliver)
    queue = HandoffQueue(postboxes)
    queue.attach(agent, ChannelDB.open(tmp_path / "channels.db"))
    queue.delivered = delivered
    return queue


async def say(agent, sender: str, text: str):  # noqa: F811
    return await agent.handle(UserMessage(sender, text, "rest"))


async def _mid_return_then_a_person(agent, sender: str) -> list:  # noqa: F811
    shown = await say(agent, sender, "show me running shoes")
    await say(agent, sender, "the second one")
    await say(agent, sender, "I'd like to return something from my last order")
    await say(agent, sender, "I want to talk to a human")
    await say(agent, sender, "Talk to a person")
    return [p.title for p in shown[0].products]


async def test_a_shopper_mid_return_is_queued_as_urgent_with_their_request_as_the_preview(agent, desk):  # noqa: F811
    await _mid_return_then_a_person(agent, "rita")
    ticket = desk.tickets[conversation_id("rest", "rita")]
    assert ticket.priority == 3 and ticket.reason == "order_trouble"
    assert ticket.preview == "I'd like to return something from my last order"
    view = desk.snapshot()[0]
    assert view["urgency"] == "urgent" and view["preview"] == ticket.preview


async def test_the_colleague_sees_customer_orders_products_and_a_summary_without_the_transcript(agent, desk):  # noqa: F811
    shown = await _mid_return_then_a_person(agent, "nina")
    cid = conversation_id("rest", "nina")
    context = (await conversation_view(agent, cid, desk.snapshot()[0]))["context"]
    assert context["customer"]["email"] == demo_customer_for(cid) and context["customer"]["name"]
    orders = await orders_of(agent).orders_for(demo_customer_for(cid))
    assert [o["number"] for o in context["orders"]] == [o.number for o in orders][:5]
    assert [p["title"] for p in context["shown"]] == shown
    assert context["picked"]["title"] == shown[1]
    assert "return" in context["in_progress"] or any("return" in line.lower() for line in context["summary"])
    assert any(line.startswith("Shopper: I'd like to return") for line in context["summary"])
    assert context["why"] == "needs help with an order" and context["urgency"] == "urgent"


async def test_a_question_asked_just_before_return_to_bot_is_answered_by_the_assistant(agent, desk):  # noqa: F811
    await _mid_return_then_a_person(agent, "omar")
    cid = conversation_id("rest", "omar")
    await desk.take(cid, "Sam")
    await desk.reply(cid, "Sam", "Your return is sorted.")
    order = (await orders_of(agent).orders_for(demo_customer_for(cid)))[0]
    assert await say(agent, "omar", f"can you also check when {order.number} ships?") == []  # Sam holds it
    desk.delivered.clear()
    await desk.give_back(cid, "Sam")
    texts = [text for _, messages, _ in desk.delivered for text in messages]
    assert any("back with the shop assistant" in t for t in texts)
    assert any(order.number in t for t in texts), texts  # the assistant answered the pending question
    assert await agent.answer_unanswered(cid) == []  # and only once


async def test_a_colleague_transfers_the_conversation_and_another_picks_it_up(agent, desk):  # noqa: F811
    await _mid_return_then_a_person(agent, "lena")
    cid = conversation_id("rest", "lena")
    await desk.take(cid, "Sam")
    with pytest.raises(QueueError):
        await desk.transfer(cid, "Sam", "Sam")
    desk.delivered.clear()
    ticket = await desk.transfer(cid, "Sam", "Alex")
    assert (ticket.status, ticket.assigned, ticket.transferred_by) == ("transferred", "Alex", "Sam")
    assert any("Sam has passed your conversation to Alex" in t for _, texts, _ in desk.delivered for t in texts)
    assert await say(agent, "lena", "hello?") == []  # the assistant stays out of it meanwhile
    picked = await desk.take(cid, "Alex")
    assert (picked.status, picked.agent) == ("active", "Alex")
    assert any("Alex from our team has joined" in t for _, texts, _ in desk.delivered for t in texts)


async def test_a_waiting_shopper_rises_in_priority_with_time(agent, desk):  # noqa: F811
    await say(agent, "paul", "I want to talk to a human")
    await say(agent, "paul", "Talk to a person")
    ticket = desk.tickets[conversation_id("rest", "paul")]
    assert ticket.priority == 1
    assert ticket.priority_at(ticket.requested_at + 601) == 2 and ticket.priority_at(ticket.requested_at + 7200) == 3
