"""Questions about the products just shown, answered from the catalog through the real agent."""
import re

import pytest

from agent.core import conversation_id
from tests.agent.conftest import say, state_of, titles

PRICE = re.compile(r"\$(\d[\d,]*\.\d\d)")


def ids(products) -> set[str]:
    return {p.id for p in products}


def price_in(text: str) -> float:
    return float(PRICE.search(text).group(1).replace(",", ""))


async def shown(agent, sender: str, text: str):
    reply = await say(agent, sender, text)
    assert len(reply.products) >= 3, reply.text
    return reply.products


@pytest.mark.parametrize("question", [
    "which of those is the cheapest?", "which one is the cheapest?", "what's the least expensive one?",
    "which of these costs the least?", "which is the most affordable of them?"])
async def test_the_cheapest_of_those_shown_is_named_and_shown(agent, question):
    products = await shown(agent, "cheap", "sneakers")
    reply = await say(agent, "cheap", question)
    cheapest = min(products, key=lambda p: p.price)
    assert reply.products == (cheapest,) and cheapest.title in reply.text and "can't help" not in reply.text
    assert price_in(reply.text) == pytest.approx(cheapest.price)
    assert (await state_of(agent, "cheap")).results == [p.id for p in products], "what was shown stays shown"


@pytest.mark.parametrize("question", ["which one is the most expensive?", "which of them is the priciest?",
                                      "what's the most expensive of these?"])
async def test_the_most_expensive_of_those_shown(agent, question):
    products = await shown(agent, "dear", "boots")
    reply = await say(agent, "dear", question)
    assert reply.products == (max(products, key=lambda p: p.price),)


@pytest.mark.parametrize("question", ["which one is the lightest?", "which of these is the heaviest?",
                                      "which is the best rated?", "which one is the warmest?"])
async def test_a_ranking_the_catalog_cannot_make_is_answered_honestly(agent, question):
    await shown(agent, "light", "sneakers")
    reply = await say(agent, "light", question)
    assert "catalog doesn't" in reply.text and "can't tell" in reply.text
    assert not re.search(r"\bthe \w+est of the \d", reply.text.lower()), "no product is named the lightest"


@pytest.mark.parametrize("question,slot", [
    ("are any of them leather?", "material"), ("do any of these come in black?", "colour"),
    ("is any of them made of canvas?", "material"), ("are any of those suede?", "material")])
async def test_which_of_those_shown_have_a_field_value(agent, question, slot):
    products = await shown(agent, f"field-{slot}-{len(question)}", "sneakers")
    value = next(word for word in ("leather", "black", "canvas", "suede") if word in question)
    reply = await say(agent, f"field-{slot}-{len(question)}", question)
    matching = [p for p in products if getattr(p, slot) == value]
    if matching:
        assert ids(reply.products) == ids(matching) and all(getattr(p, slot) == value for p in reply.products)
        assert f"{len(matching)} of the {len(products)}" in reply.text or f"All {len(products)}" in reply.text
    else:
        assert not reply.products and "None of the" in reply.text


async def test_which_ones_are_in_stock_and_low_stock_is_named(agent):
    products = await shown(agent, "stock", "laptops")
    reply = await say(agent, "stock", "which ones are in stock?")
    assert ids(reply.products) == ids(p for p in products if p.stock > 0)
    for product in reply.products:
        if product.stock < 5:
            assert f"only {product.stock} left" in reply.text
    out = await say(agent, "stock", "which of them are sold out?")
    assert ids(out.products) == ids(p for p in products if p.stock <= 0)


async def test_a_description_word_is_quoted_for_the_ones_that_say_it_never_guessed(agent):
    products = await shown(agent, "tent", "tents")
    reply = await say(agent, "tent", "are any of them waterproof?")
    saying = [p for p in products if "waterproof" in p.description.lower()]
    assert ids(reply.products) == ids(saying)
    if len(saying) < len(products):
        assert "doesn't say" in reply.text


async def test_questions_about_one_of_those_shown(agent):
    products = await shown(agent, "one", "sneakers")
    second = await say(agent, "one", "is the second one waterproof?")
    assert second.products == (products[1],)
    if "waterproof" not in products[1].description.lower():
        assert "doesn't say" in second.text and titles(second) == ["Talk to a person", "No thanks"]
    third = await say(agent, "one", "how much is the third one?")
    assert third.products == (products[2],) and price_in(third.text) == pytest.approx(products[2].price)
    compared = await say(agent, "one", "compare the first two")
    assert compared.products == tuple(products[:2])
    assert all(f"${p.price:,.2f}" in compared.text for p in products[:2])


async def test_does_it_come_in_another_colour_finds_the_same_model(agent, shop):
    catalog = shop.catalog.products
    models = {}
    for product in catalog:
        models.setdefault((product.brand, product.product_type), []).append(product)
    # a product with a same-model sibling in another colour (titles equal once the colour is taken out)
    sibling_pairs = [(a, b) for group in models.values() for a in group for b in group
                     if a.id != b.id and a.colour != b.colour
                     and a.title.lower().replace(a.colour, "").replace(" in ", " ").split().__len__() ==
                     b.title.lower().replace(b.colour, "").replace(" in ", " ").split().__len__()
                     and sorted(a.title.lower().replace(a.colour, "").replace(" in ", " ").split()) ==
                     sorted(b.title.lower().replace(b.colour, "").replace(" in ", " ").split())]
    assert sibling_pairs, "the demo catalog has products in several colours"
    first, other = sibling_pairs[0]
    sender = "colour"
    await say(agent, sender, first.product_type)
    await agent.store.save_state(conversation_id("rest", sender), {
        **(await state_of(agent, sender)).to_dict(), "last_results": [first.id], "selected": first.id})
    reply = await say(agent, sender, f"does it come in {other.colour}?")
    assert reply.text.startswith("Yes") and reply.products == (other,)
    colours = await say(agent, sender, "what colours does it come in?")
    assert first.colour in colours.text and other.colour in colours.text


@pytest.mark.parametrize("phrasing", ["does it come in {c}?", "do you have it in {c}?", "is this available in {c}?"])
async def test_a_colour_the_model_does_not_come_in_offers_the_closest_in_stock(agent, shop, phrasing):
    products = await shown(agent, "green", "boots")
    picked = await say(agent, "green", "the first one")
    product = picked.products[0]
    colours = {p.colour for p in shop.catalog.products if p.product_type == product.product_type and p.in_stock}
    wanted = sorted(colours - {product.colour})[0]
    reply = await say(agent, "green", phrasing.format(c=wanted))
    same = [p for p in reply.products if p.title != product.title]
    assert same and all(p.colour == wanted and p.in_stock and p.product_type == product.product_type for p in same)
    assert products  # the search the question followed


async def test_an_out_of_stock_product_asked_about_suggests_only_products_in_stock(agent, shop):
    sender = "oos"
    products = await shown(agent, sender, "laptops")
    out = next((n for n, p in enumerate(products, 1) if not p.in_stock), None)
    if out is None:
        pytest.skip("no laptop out of stock in this catalog")
    reply = await say(agent, sender, f"is number {out} in stock?")
    assert "out of stock" in reply.text
    assert all(p.in_stock for p in reply.products if p.id != products[out - 1].id)
