"""The cart in real conversations: the real router and dialog, the SQLite store, a restart, a sign-in."""
from __future__ import annotations

import pytest

from skills.cart import SQLiteCartStore, conversation_owner
from tests.agent.conftest import shop  # noqa: F401  (the session's demo shop)
from tests.cart.shop import ORDINALS, Reply, cart_agent, close, position_of, say, ten_turns

pytestmark = pytest.mark.slow


@pytest.fixture
async def carts(tmp_path):
    store = SQLiteCartStore.open(tmp_path / "carts.db", "https://shop.example/checkout?cart={cart_id}")
    yield store
    await store.close()


@pytest.fixture
async def agent(shop, tmp_path, carts):  # noqa: F811
    agent = cart_agent(shop, tmp_path, carts, max_quantity=5)
    yield agent
    await close(agent)


async def test_ten_turns_from_finding_to_the_checkout_link(agent, carts):
    async def turn(text: str) -> Reply:
        reply = await say(agent, "ana", text)
        return Reply(reply.text, list(reply.products), reply.cart)

    last = await ten_turns(turn)
    cart = await carts.get(conversation_owner("rest:ana"))
    assert last["checkout_url"] == cart.checkout_url and cart.id in cart.checkout_url


async def test_the_cart_survives_a_restart_and_follows_the_shopper_who_signs_in(shop, tmp_path):  # noqa: F811
    path = tmp_path / "carts.db"
    store = SQLiteCartStore.open(path)
    agent = cart_agent(shop, tmp_path, store)
    mugs = await say(agent, "ben", "show me mugs")
    m, mug = position_of(mugs.products, lambda p: p.stock >= 1 and not p.sizes)
    await say(agent, "ben", f"add the {ORDINALS[m - 1]} one to my cart")
    await close(agent)
    await store.close()

    store = SQLiteCartStore.open(path)  # a restart: new store, new agent, same files
    agent = cart_agent(shop, tmp_path, store)
    try:
        assert mug.title in (await say(agent, "ben", "what's in my cart?")).text
        signed_in = await say(agent, "ben", "what's in my cart?", customer="ben@example.com")  # the shop signed him in
        assert mug.title in signed_in.text
        assert (await store.get(conversation_owner("rest:ben"))).lines == ()  # merged into the customer's cart
        other_device = await say(agent, "ben-phone", "what's in my cart?")
        assert "empty" in other_device.text
        assert mug.title in (await say(agent, "ben-phone", "what's in my cart?", customer="ben@example.com")).text
    finally:
        await close(agent)
        await store.close()


async def test_bad_requests_in_conversation_get_clear_answers(agent, carts):
    found = await say(agent, "cy", "show me sneakers")
    n, shoe = position_of(found.products, lambda p: p.sizes and p.stock >= 1)
    missing = next(s for s in ("13", "4", "15", "16") if s not in shoe.sizes)
    wrong = await say(agent, "cy", f"add the {ORDINALS[n - 1]} one to my cart in size {missing}")
    assert f"doesn't come in size {missing}" in wrong.text
    nowhere = await say(agent, "cy", "add number 9 to my cart")
    assert "which one do you mean" in nowhere.text.lower()
    assert (await carts.get(conversation_owner("rest:cy"))).lines == ()
    fine = await say(agent, "cy", f"add the {ORDINALS[n - 1]} one to my cart in size {shoe.sizes[0]}")
    assert fine.cart["count"] == 1
    over = await say(agent, "cy", "make it 9")
    assert "at most 5" in over.text or "in stock" in over.text
    assert (await carts.get(conversation_owner("rest:cy"))).count == 1


async def test_a_size_the_request_already_names_is_not_asked_again(agent, carts):
    """"sneakers in size 9" then "add the first one": the shopper said 9 once; the cart takes it."""
    found = await say(agent, "dee", "show me sneakers in size 9")
    assert found.products and all("9" in p.sizes for p in found.products)
    n, shoe = position_of(found.products, lambda p: p.stock >= 1)
    added = await say(agent, "dee", f"add the {ORDINALS[n - 1]} one to my cart")
    assert "which size" not in added.text.lower() and added.cart["count"] == 1, added.text
    (line,) = (await carts.get(conversation_owner("rest:dee"))).lines
    assert line.product_id == shoe.id and line.size == "9"
