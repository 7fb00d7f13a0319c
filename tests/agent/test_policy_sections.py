"""Policy answers quote the section that fits the question, with places read as home or abroad."""

from agent.defaults import POLICIES, shipped

import pytest

from knowledge.places import Places
from knowledge.policy_docs import PolicyIndex
from tests.agent.conftest import say

SECTIONS = [
    ("how long does shipping take to Canada?", "International delivery"),
    ("how long will delivery to Germany take?", "International delivery"),
    ("what does it cost to ship to the UK?", "International delivery"),
    ("will I pay customs fees if I live in Australia?", "International delivery"),
    ("how long does delivery take to Texas?", "Delivery options and costs"),
    ("how much is standard shipping?", "Delivery options and costs"),
    ("can I return sale items?", "Items we cannot take back"),
    ("can I pay with PayPal?", "Payment methods"),
    ("how many days do I have to return something?", "Return window"),
    ("are returns free if I send them back from Canada?", "How to return an item"),
]


@pytest.mark.parametrize("question,heading", SECTIONS)
async def test_the_answer_quotes_the_section_that_fits(agent, question, heading):
    reply = await say(agent, f"policy-{SECTIONS.index((question, heading))}", question)
    assert f"section “{heading}”" in reply.text, reply.text


def test_a_shop_elsewhere_reads_the_same_places_the_other_way(minilm):
    home = Places("CA")
    assert home.named("shipping to Canada?")[0].home and not home.named("shipping to Texas?")
    assert not home.named("shipping to the United States?")[0].home
    with pytest.raises(ValueError, match="ISO 3166"):
        Places("XX")
    index = PolicyIndex.from_folder(shipped(POLICIES), minilm, home_country="GB")
    (passage, _), *_ = index.search("how long does shipping take to the UK?", k=1)
    assert passage.heading != "International delivery"
