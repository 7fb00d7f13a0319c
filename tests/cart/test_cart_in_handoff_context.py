"""A colleague taking a conversation over sees the shopper's cart: the conversation's own, or the
signed-in customer's once the cart followed them."""
from __future__ import annotations

from agent.cart_setup import CartKit, cart_lines
from agent.handoff_context import HandoffContextBuilder
from agent.store import SQLiteStore
from skills.cart import CartItem, SQLiteCartStore, conversation_owner, customer_owner


async def test_the_handoff_context_carries_the_cart(tmp_path):
    carts = SQLiteCartStore.open(tmp_path / "carts.db")
    store = SQLiteStore.open(tmp_path / "aisle.db")
    await carts.add(conversation_owner("webchat:ann"), [CartItem("sku-1", "Trail Runner", 79.0, size="9", quantity=2)])
    await carts.add(customer_owner("bo@example.com"), [CartItem("sku-2", "Camp Mug", 12.5)])
    builder = HandoffContextBuilder(store, lambda pid: None, cart_of=cart_lines(CartKit(carts)))

    anonymous = await builder.build("webchat:ann", {}, "asked")
    assert anonymous.cart == [{"title": "Trail Runner", "quantity": 2, "size": "9", "price": 79.0}]
    signed_in = await builder.build("webchat:bo", {"cart_owner": customer_owner("bo@example.com")}, "asked")
    assert [line["title"] for line in signed_in.cart] == ["Camp Mug"]
    assert "Cart: 2 x Trail Runner (9)" in anonymous.as_text()  # the note an inbox such as Chatwoot gets
    await carts.close()
    await store.close()
