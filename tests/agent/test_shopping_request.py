"""The structured shopping request through the real agent: every constraint a shopper states holds for
EVERY product shown, across turns, or the reply names it; nothing sold out is shown unless asked for.

No product ids: each check reads the attributes of what was shown, and expectations that depend on the
catalog (the cheapest headphones, a colour that is sold out) are computed from the catalog itself.
"""
from __future__ import annotations

import statistics

import pytest

from agent.config import LLMConfig
from agent.llm.testkit import ScriptedBackend
from agent.llm.types import ToolCall
from knowledge.inflect import plural
from skills.schema import tool_schema
from skills.search import SearchInput, SearchSkill
from tests.agent.conftest import orders_of, say, state_of
from tests.agent.request_checks import (
    Constraint, category, colour, honoured_or_named, kind, not_colour, price, size, suits,
)

NOT_LEATHER = Constraint("no leather", lambda p: "leather" not in p.material)
NOT_NIMBUS = Constraint("not nimbus", lambda p: p.brand != "Nimbus")


def in_stock(shop, product_type: str) -> list:
    return [p for p in shop.catalog.products if p.product_type == product_type and p.stock > 0]


# -- negation ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "checks", "said"), [
    ("show me dresses, but nothing black", [kind("dress"), not_colour("black")], "not black"),
    ("sneakers please, not red or white", [kind("sneakers"), not_colour("red", "white")], "not red or white"),
    ("t-shirts, anything but navy", [kind("t-shirt"), not_colour("navy")], "not navy"),
    ("I want boots but no leather", [kind("boots"), NOT_LEATHER], "no leather"),
    ("sneakers, nothing from Nimbus", [kind("sneakers"), NOT_NIMBUS], "not by Nimbus"),
])
async def test_what_the_shopper_rules_out_never_shows(agent, text, checks, said):
    reply = await say(agent, "neg", text)
    honoured_or_named(reply, checks)
    assert said in reply.text


# -- sizes -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "checks"), [
    ("running shoes for my wife, she's a size 7", [kind("running shoes"), size("7"), suits("women")]),
    ("sneakers in size 9", [kind("sneakers"), size("9")]),
    ("jeans with a 32 waist", [kind("jeans"), size("32")]),
    ("a medium t-shirt", [kind("t-shirt"), size("M")]),
    ("boots, sizes 8 or 9", [kind("boots"), Constraint("size 8 or 9", lambda p: {"8", "9"} & set(p.sizes))]),
])
async def test_sizes_match_the_sizes_products_come_in(agent, text, checks):
    honoured_or_named(await say(agent, "size", text), checks)


async def test_a_size_nobody_has_is_named_with_the_sizes_there_are(agent):
    reply = await say(agent, "size15", "running shoes in size 15")
    honoured_or_named(reply, [kind("running shoes")])
    assert "ignoring size 15" in reply.text and "come in sizes" in reply.text
    for shown in {s for p in reply.products for s in p.sizes}:
        assert shown in reply.text


# -- who it is for -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "checks", "said"), [
    ("gift ideas for a 10 year old", [suits("kids")], "10-year-old"),
    ("toys for a toddler", [suits("kids"), category("toys")], "toddler"),
    ("what could I get my son?", [suits("kids")], "son"),
    ("a present for my mum", [suits("women")], "mum"),
    ("a gift for my girlfriend", [suits("women")], "girlfriend"),
    ("something for my husband, he loves cooking", [suits("men"), category("kitchen")], "husband"),
    ("a hoodie for him", [kind("hoodie"), suits("men")], "for men"),
])
async def test_who_it_is_for_picks_gender_age_and_interest(agent, text, checks, said):
    reply = await say(agent, "who", text)
    honoured_or_named(reply, checks)
    assert said in reply.text
    assert all(p.price < 1000 for p in reply.products) or "kids" not in said


# -- price in any phrasing ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "product_type", "low", "high"), [
    ("a backpack, nothing over 40 bucks", "backpack", None, 40),
    ("mugs between 10 and 20", "mug", 10, 20),
    ("a watch under forty dollars", "watch", None, 40),
    ("headphones for around 100", "headphones", 80, 120),
    ("sneakers, not more than $90", "sneakers", None, 90),
    ("boots no cheaper than 150", "boots", 150, None),
])
async def test_price_phrases_bound_every_product(agent, text, product_type, low, high):
    reply = await say(agent, "price", text)
    honoured_or_named(reply, [kind(product_type), price(low, high)])
    if high is not None:
        assert f"over ${high}" not in reply.text


@pytest.mark.parametrize(("text", "product_type", "cheap"), [
    ("cheap headphones", "headphones", True), ("affordable sneakers", "sneakers", True),
    ("some budget t-shirts", "t-shirt", True), ("premium watches", "watch", False),
    ("a luxury sofa", "sofa", False), ("high-end boots", "boots", False),
])
async def test_cheap_and_premium_are_read_against_the_catalog_s_own_prices(agent, shop, text, product_type, cheap):
    reply = await say(agent, "level", text)
    middle = statistics.median(p.price for p in in_stock(shop, product_type))
    bound = price(high=middle) if cheap else price(low=middle)
    honoured_or_named(reply, [kind(product_type), bound])
    assert ("under $" if cheap else "over $") in reply.text


# -- sort and superlatives ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "product_type", "cheapest"), [
    ("cheapest headphones", "headphones", True), ("show me your least expensive sneakers", "sneakers", True),
    ("mugs, lowest price first", "mug", True), ("most expensive watch", "watch", False),
    ("the priciest boots you have", "boots", False),
])
async def test_superlatives_sort_by_price(agent, shop, text, product_type, cheapest):
    reply = await say(agent, "sort", text)
    honoured_or_named(reply, [kind(product_type)])
    prices = [p.price for p in reply.products]
    assert prices == sorted(prices, reverse=not cheapest)
    best = (min if cheapest else max)(p.price for p in in_stock(shop, product_type))
    assert prices[0] == best
    assert ("cheapest first" if cheapest else "most expensive first") in reply.text


@pytest.mark.parametrize("text", ["best rated sneakers", "top rated headphones", "which mugs have the best reviews"])
async def test_best_rated_says_honestly_that_the_catalog_has_no_ratings(agent, shop, text):
    assert not any("rating" in p.attributes for p in shop.catalog.products)
    reply = await say(agent, "rated", text)
    assert reply.products and "no ratings" in reply.text and "best rated first" not in reply.text


# -- activity and occasion ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("I'm going camping next weekend", "outdoor"), ("gear for a camping trip", "outdoor"),
    ("stuff for the gym", "sports"), ("something for yoga", "sports"),
    ("my dad loves cooking, any ideas?", "kitchen"),
])
async def test_an_activity_maps_onto_the_catalog_by_its_content(agent, text, expected):
    reply = await say(agent, "occasion", text)
    honoured_or_named(reply, [category(expected)])


# -- stock ---------------------------------------------------------------------------------------------

def sold_out_kind(shop) -> tuple[str, str]:
    """A colour and product type that the catalog only has sold out."""
    groups: dict[tuple[str, str], list[int]] = {}
    for p in shop.catalog.products:
        groups.setdefault((p.colour, p.product_type), []).append(p.stock)
    return next(key for key, stocks in sorted(groups.items()) if not any(stocks) and len(key[1]) > 3)


async def test_sold_out_products_are_named_not_shown_until_asked_for(agent, shop):
    wanted_colour, product_type = sold_out_kind(shop)
    reply = await say(agent, "stock", f"{wanted_colour} {plural(product_type)}")
    assert "sold out" in reply.text
    assert all(p.stock > 0 for p in reply.products)
    shown = await say(agent, "stock", "include sold out ones too")
    assert shown.products and all(p.colour == wanted_colour and p.product_type == product_type
                                  for p in shown.products)
    assert all(p.stock == 0 for p in shown.products) and "sold-out ones included" in shown.text


@pytest.mark.parametrize("text", ["sneakers", "red dresses", "a lamp", "headphones under 200", "a tent"])
async def test_searches_show_only_products_in_stock(agent, text):
    reply = await say(agent, "instock", text)
    assert reply.products and all(p.stock > 0 for p in reply.products)


# -- typos ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "checks"), [
    ("blu jeens for men", [kind("jeans"), colour("blue"), suits("men")]),
    ("sneekers under 100", [kind("sneakers"), price(high=100)]),
    ("a hoddie", [kind("hoodie")]),
    ("handbgas", [category("bags")]),
    ("whit sneakers", [kind("sneakers"), colour("white")]),
    ("bluetooth speaker", [kind("speaker")]),
])
async def test_typos_are_read_against_the_catalog_s_own_words(agent, text, checks):
    honoured_or_named(await say(agent, "typo", text), checks)


# -- constraints held across turns ---------------------------------------------------------------------

async def test_a_negation_a_price_and_a_size_hold_over_four_turns(agent):
    held = [kind("dress"), not_colour("black")]
    honoured_or_named(await say(agent, "held", "show me dresses, but nothing black"), held)
    held.append(price(high=120))
    honoured_or_named(await say(agent, "held", "under $120"), held)
    held.append(size("M"))
    honoured_or_named(await say(agent, "held", "in size M"), held)
    honoured_or_named(await say(agent, "held", "something cheaper"), held)
    state = await state_of(agent, "held")
    assert state.search["exclude_colours"] == ["black"] and state.search["max_price"] is not None


async def test_who_it_is_for_outlives_a_new_product_kind(agent):
    held = [size("7"), suits("women")]
    honoured_or_named(await say(agent, "wife", "running shoes for my wife, she's a size 7"),
                      [kind("running shoes"), *held])
    honoured_or_named(await say(agent, "wife", "cheaper"), [kind("running shoes"), *held])
    honoured_or_named(await say(agent, "wife", "a different colour"), [kind("running shoes"), *held])
    sandals = await say(agent, "wife", "now show me sandals")
    honoured_or_named(sandals, [kind("sandals"), suits("women")])
    assert "wife" in sandals.text
    state = await state_of(agent, "wife")
    assert not state.search.get("sizes"), "a shoe size of running shoes is not carried to another kind"


async def test_a_ruled_out_brand_stays_out_while_refining(agent):
    held = [kind("sneakers"), NOT_NIMBUS, price(high=150)]
    honoured_or_named(await say(agent, "brand", "sneakers under 150, no Nimbus"), held)
    honoured_or_named(await say(agent, "brand", "in blue or white"), [*held, colour("blue", "white")])
    more = await say(agent, "brand", "show me more")
    if more.products:
        honoured_or_named(more, held)
    else:  # nothing more fits: said so, not widened behind the shopper's back
        assert "no more" in more.text and "Nimbus" in more.text


# -- relaxed, and named --------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "kept", "named"), [
    ("purple sofas under $100", [kind("sofa")], "ignoring"),
    ("a backpack, nothing over 10 bucks", [kind("backpack")], "ignoring the price"),
    ("red heels in size 15", [kind("heels")], "ignoring"),
    ("teal sneakers", [kind("sneakers")], "ignoring the colour (teal)"),  # a colour the shop does not stock
])
async def test_what_cannot_be_met_is_named_and_the_kind_is_kept(agent, text, kept, named):
    reply = await say(agent, "relax", text)
    honoured_or_named(reply, kept)
    assert reply.text.startswith("I found no") and named in reply.text


# -- the same request from an LLM ----------------------------------------------------------------------

async def test_an_llm_fills_the_same_request_and_the_skill_enforces_it(shop, tmp_path):
    first = ToolCall("search", {"query": "dresses", "product_type": "dress", "exclude_colours": ["black"],
                                "sizes": ["M"]})
    then = ToolCall("search", {"query": "dresses", "product_type": "dress", "max_price": 120})
    agent = shop.agent(tmp_path, llm=ScriptedBackend([first, then]), llm_config=LLMConfig(fast_path_confidence=1.01))
    try:
        held = [kind("dress"), not_colour("black"), size("M")]
        honoured_or_named(await say(agent, "llm", "dresses, nothing black, size M"), held)
        honoured_or_named(await say(agent, "llm", "under 120 please"), [*held, price(high=120)])
    finally:
        await orders_of(agent).close()
        await agent.store.close()


def test_the_tool_schema_is_the_request():
    properties = tool_schema(SearchSkill)["function"]["parameters"]["properties"]
    assert properties["exclude_colours"]["type"] == "array" and properties["sizes"]["items"] == {"type": "string"}
    assert properties["sort"]["enum"] == ["price_asc", "price_desc", "rating"]
    assert properties["include_out_of_stock"]["type"] == "boolean"
    with pytest.raises(ValueError, match="sort must be one of price_asc, price_desc, rating; got 'popular'"):
        SearchInput(sort="popular")
    assert SearchInput(exclude_colours=["black"]).exclude_colours == ("black",)
