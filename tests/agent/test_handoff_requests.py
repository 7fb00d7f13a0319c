"""Asking for a person: an explicit request is handed off at once; a mention is offered one; frustration is urgent."""
import pytest

from agent.core import conversation_id
from agent.handoff import explicit_request
from channels.channel_db import ChannelDB
from channels.handoff.queue import HandoffQueue
from channels.postboxes import Postboxes
from tests.agent.conftest import say, state_of, titles

EXPLICIT = ["I want to talk to a human right now", "get me an agent", "can I speak to someone real",
            "connect me to customer service please", "put me through to a real person", "human please",
            "I need a real person", "let me chat with one of your staff"]
MENTIONS = ["is there a human I can talk to?", "are you a real person?", "do you have people in the store?"]


@pytest.mark.parametrize("text", EXPLICIT)
async def test_an_explicit_request_for_a_person_is_handed_off_at_once(agent, text):
    sender = f"now-{EXPLICIT.index(text)}"
    reply = await say(agent, sender, text)
    assert "colleague" in reply.text and "Shall I" not in reply.text and "?" not in reply.text
    assert TALK not in titles(reply)
    state = await state_of(agent, sender)
    assert state.handoff and state.handoff["status"] == "requested"


TALK = "Talk to a person"


@pytest.mark.parametrize("text", MENTIONS)
def test_a_mention_of_a_person_is_not_a_request(text):
    assert not explicit_request(text)


async def test_an_ambiguous_mention_is_offered_a_person_first(agent):
    offer = await say(agent, "maybe", "is there a human I can talk to?")
    assert titles(offer) == [TALK, "No thanks"] and (await state_of(agent, "maybe")).handoff is None
    accepted = await say(agent, "maybe", "yes please")
    assert "colleague" in accepted.text and (await state_of(agent, "maybe")).handoff["status"] == "requested"


async def queue_for(agent, tmp_path) -> HandoffQueue:
    queue = HandoffQueue(Postboxes())
    queue.attach(agent, ChannelDB.open(tmp_path / "channels.db"))
    return queue


@pytest.mark.parametrize("turns,urgent,reason", [
    (["sneakers", "could I talk to a person, please?"], False, "asked"),
    (["sneakers", "I want to talk to a human right now"], True, "asked"),  # impatient, not angry
    (["sneakers", "this is useless, nothing you show is what I asked for!!", "get me an agent"], True,
     "negative_sentiment"),
    (["this is ridiculous, get me a real person NOW!!"], True, "negative_sentiment"),
])
async def test_frustration_and_impatience_make_the_ticket_urgent(agent, tmp_path, turns, urgent, reason):
    queue = await queue_for(agent, tmp_path)
    sender = f"prio-{len(turns)}-{urgent}-{reason}"
    for text in turns:
        await say(agent, sender, text)
    ticket = queue.tickets[conversation_id("rest", sender)]
    assert (ticket.priority >= 3) == urgent, ticket
    assert ticket.reason == reason


async def test_a_complaint_accepted_is_urgent(agent, tmp_path):
    queue = await queue_for(agent, tmp_path)
    offer = await say(agent, "comp", "my package arrived damaged")
    assert titles(offer) == [TALK, "No thanks"]
    await say(agent, "comp", TALK)
    assert queue.tickets[conversation_id("rest", "comp")].priority >= 3


async def test_a_shopper_growing_frustrated_while_waiting_moves_up_the_queue(agent, tmp_path):
    queue = await queue_for(agent, tmp_path)
    cid = conversation_id("rest", "waits")
    await say(agent, "waits", "can I speak to someone real")
    first = queue.tickets[cid]
    assert first.priority < 3
    await say(agent, "waits", "hello?? I have been waiting forever, this is ridiculous!!")
    raised = queue.tickets[cid]
    assert raised.priority >= 3 and raised.requested_at == first.requested_at, "same place in time, more urgent"
    assert (await state_of(agent, "waits")).handoff["status"] == "requested"
