"""Typos through the real agent: a misspelt kind, colour, material or price word still narrows the search,
as the shopper meant it, for every product shown; the original words stay what the conversation stores."""
from __future__ import annotations

import copy

import pytest

from agent.nlu.language import LanguageDetector

from tests.agent.conftest import say, state_of
from tests.agent.request_checks import Constraint, colour, honoured_or_named, kind, price


def material(name: str) -> Constraint:
    return Constraint("the material", lambda p: name in p.material.lower())


@pytest.mark.parametrize(("text", "checks"), [
    ("noise cancelling headphnes", [kind("headphones")]),
    ("a leathr backpak", [kind("backpack"), material("leather")]),
    ("red snekers", [kind("sneakers"), colour("red")]),
    ("a yoga matt", [kind("yoga mat")]),
    ("show me some yoga matts", [kind("yoga mat")]),
    ("wireles headphones in blak", [kind("headphones"), colour("black")]),
    ("sneakers undr 80 dolars", [kind("sneakers"), price(high=80)]),
    ("backpacks under 60 buks", [kind("backpack"), price(high=60)]),
    ("I'm lookng for a sofa", [kind("sofa")]),
])
async def test_a_misspelt_request_is_read_as_meant(agent, text, checks):
    honoured_or_named(await say(agent, "typo", text), checks)


@pytest.mark.parametrize(("first", "first_checks", "follow_up", "checks"), [
    ("red sneakers", [kind("sneakers"), colour("red")], "undr 80 dolars", [price(high=80)]),
    ("red sneakers", [kind("sneakers"), colour("red")], "under 80 bucks", [price(high=80)]),
    ("headphones", [kind("headphones")], "in blak", [colour("black")]),
    ("headphones", [kind("headphones")], "whte ones", [colour("white")]),
    ("backpacks", [kind("backpack")], "in leathr", [material("leather")]),
])
async def test_a_misspelt_follow_up_refines_the_search(agent, first, first_checks, follow_up, checks):
    honoured_or_named(await say(agent, "follow", first), first_checks)
    reply = await say(agent, "follow", follow_up)
    honoured_or_named(reply, first_checks + checks)
    state = await state_of(agent, "follow")
    assert state.history[-1]["text"] == follow_up  # stored as the shopper wrote it


@pytest.mark.parametrize(("text", "word"), [
    ("show me boats", "boats"), ("a warm coat", "coat"), ("a tent for camping", "tent"), ("a mug", "mug"),
])
def test_real_words_are_not_respelt(shop, text, word):
    u = shop.router.understand(text)
    assert u.reading == text and u.text == text and not u.read


def test_brands_order_numbers_and_addresses_are_left_alone(shop):
    brands = sorted({p.brand for p in shop.catalog.products if p.brand})
    for text in [f"anything from {brand}?" for brand in brands] + [
            "where is my order ORD-10042", "mail me at jonh.smtih@exmaple.com", "see www.shoppe.exmaple/abc"]:
        u = shop.router.understand(text)
        assert u.reading == text, (text, u.reading)


def test_a_message_in_another_language_is_left_as_written(shop):
    router = copy.copy(shop.router)  # the shop's English router, with the language check that serve adds
    router.language = LanguageDetector().load()
    u = router.understand("busco zapatillas rojas baratas por favor")
    assert u.language == "es" and u.reading == u.text == "busco zapatillas rojas baratas por favor"
