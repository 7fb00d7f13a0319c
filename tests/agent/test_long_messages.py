"""A long message of chatter with one request in it: the request is found and acted on, its details kept."""
import pytest

from agent.nlu.long_message import is_long, sentences
from tests.agent.conftest import say

CHATTER = [
    "Hi there, I hope you're having a lovely day so far.",
    "So my week has been a bit of a rollercoaster, honestly.",
    "On Monday my old grey car broke down on the way to work and I had to take the bus for three days.",
    "My neighbour, who is very sweet, lent me her umbrella because it rained the whole time.",
    "Then on Wednesday my sister called to say she is moving to another city next month.",
    "We talked for hours about her new flat and the view from her balcony.",
    "I also started reading a book about the history of tea, which is surprisingly exciting.",
    "The cat knocked a plant off the windowsill again, so there was soil everywhere.",
    "Anyway, I finally have a free weekend coming up and I want to get organised.",
    "My friends and I are planning a few small trips before the autumn.",
    "I keep telling myself I will go running more often, maybe this time it will stick.",
    "Sorry for the long message, I just like to give some context.",
]


def long_message(request: str, at: int) -> str:
    text = CHATTER[:at] + [request] + CHATTER[at:]
    while len(" ".join(text)) < 1900:
        text += CHATTER[:3]
    return " ".join(text)[:2100].rsplit(".", 1)[0] + ". Thanks so much!"


def test_a_long_message_is_read_sentence_by_sentence():
    text = long_message("Could you show me red sneakers under $100?", 5)
    assert 1800 <= len(text) <= 2200 and is_long(text)
    assert "Could you show me red sneakers under $100?" in sentences(text)
    assert not is_long("red sneakers under $100, in size 9 please")


@pytest.mark.parametrize("request_text,at", [
    ("Could you show me red sneakers under $100?", 5),
    ("What I actually need is a pair of red sneakers below $100.", 0),
    ("Do you have any red sneakers for less than 100 dollars?", 11),
])
async def test_the_product_request_inside_2000_characters_of_chatter_is_acted_on(agent, request_text, at):
    text = long_message(request_text, at)
    reply = await say(agent, f"long-{at}", text)
    assert reply.products, reply.text
    assert all(p.product_type == "sneakers" and p.colour == "red" and p.price <= 100 for p in reply.products)
    assert "grey" not in reply.text, "a colour from the chatter is not a constraint"


async def test_details_in_the_sentences_after_the_request_are_kept(agent):
    text = long_message("I'm looking for boots. Ideally in black. Under $200 please.", 4)
    reply = await say(agent, "long-details", text)
    assert reply.products and all(p.product_type == "boots" for p in reply.products)
    assert all(p.colour == "black" and p.price <= 200 for p in reply.products) or "black" in reply.text


async def test_a_long_question_about_an_order_is_found_too(agent):
    text = long_message("Where is my order? I ordered a while ago and I'm getting worried.", 6)
    reply = await say(agent, "long-order", text)
    assert "ORD-" in reply.text

