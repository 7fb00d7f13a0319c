"""The contract every `CartStore` keeps; each store's tests inherit `CartStoreContract`.

An implementation's test class provides two fixtures: ``store`` (a fresh, open store) and
``reopen`` (a callable giving the same carts through a new store object, as after a restart).
The items are the suite's own; a store's fixture makes them buyable (Shopify: a variant for each).
"""
from __future__ import annotations

import pytest

from skills.cart.model import CartError, CartItem

ANNA, BEN = "conversation:rest:anna", "customer:ben@example.com"
BOOT_9 = CartItem("contract-boot", "Contract Boot", 120.0, size="9")
BOOT_10 = CartItem("contract-boot", "Contract Boot", 120.0, size="10")
MUG = CartItem("contract-mug", "Contract Mug", 12.5)
ITEMS = (BOOT_9, BOOT_10, MUG)


def _summary(cart) -> list[tuple[str, str, int]]:
    return sorted((line.product_id, line.size, line.quantity) for line in cart.lines)


class CartStoreContract:
    async def test_a_new_owner_has_an_empty_cart(self, store):
        cart = await store.get(ANNA)
        assert cart.lines == () and cart.count == 0 and cart.total == 0 and cart.checkout_url == ""

    async def test_added_lines_come_back_with_title_price_size_and_a_checkout_link(self, store):
        cart = await store.add(ANNA, [BOOT_9, MUG])
        assert _summary(cart) == [("contract-boot", "9", 1), ("contract-mug", "", 1)]
        assert {line.title for line in cart.lines} == {"Contract Boot", "Contract Mug"}
        assert cart.total == 132.5 and cart.count == 2
        assert cart.checkout_url
        assert _summary(await store.get(ANNA)) == _summary(cart)

    async def test_the_same_product_and_size_grows_its_line_another_size_is_a_new_line(self, store):
        await store.add(ANNA, [BOOT_9])
        cart = await store.add(ANNA, [BOOT_9, BOOT_10])
        assert _summary(cart) == [("contract-boot", "10", 1), ("contract-boot", "9", 2)]

    async def test_a_quantity_changes_and_zero_removes_the_line(self, store):
        cart = await store.add(ANNA, [BOOT_9, MUG])
        mug = cart.line_for("contract-mug")
        cart = await store.set_quantity(ANNA, mug.id, 3)
        assert cart.line_for("contract-mug").quantity == 3 and cart.total == 120 + 3 * 12.5
        cart = await store.set_quantity(ANNA, cart.line_for("contract-mug").id, 0)
        assert _summary(cart) == [("contract-boot", "9", 1)]

    async def test_lines_are_removed_and_a_cart_is_emptied(self, store):
        cart = await store.add(ANNA, [BOOT_9, BOOT_10, MUG])
        cart = await store.remove(ANNA, [cart.line_for("contract-boot", "10").id])
        assert _summary(cart) == [("contract-boot", "9", 1), ("contract-mug", "", 1)]
        cart = await store.clear(ANNA)
        assert cart.lines == () and (await store.get(ANNA)).lines == ()

    async def test_an_unknown_line_is_refused_and_nothing_changes(self, store):
        await store.add(ANNA, [BOOT_9])
        for change in (store.set_quantity(ANNA, "no-such-line", 2), store.remove(ANNA, ["no-such-line"])):
            with pytest.raises(CartError) as refused:
                await change
            assert refused.value.code == "unknown_line"
        assert _summary(await store.get(ANNA)) == [("contract-boot", "9", 1)]

    async def test_a_batch_with_one_bad_item_adds_nothing(self, store):
        await store.add(ANNA, [MUG])
        with pytest.raises(CartError):
            await store.add(ANNA, [BOOT_9, CartItem("contract-boot", "Contract Boot", 120.0, size="10", quantity=0)])
        assert _summary(await store.get(ANNA)) == [("contract-mug", "", 1)]

    async def test_carts_are_separate_per_owner(self, store):
        await store.add(ANNA, [MUG])
        await store.add(BEN, [BOOT_10])
        assert _summary(await store.get(ANNA)) == [("contract-mug", "", 1)]
        assert _summary(await store.get(BEN)) == [("contract-boot", "10", 1)]

    async def test_signing_in_merges_the_anonymous_cart_into_the_customers(self, store):
        await store.add(BEN, [BOOT_9, MUG])
        await store.add(ANNA, [MUG, BOOT_10])
        cart = await store.merge(ANNA, BEN)
        assert _summary(cart) == [("contract-boot", "10", 1), ("contract-boot", "9", 1), ("contract-mug", "", 2)]
        assert (await store.get(ANNA)).lines == ()
        assert _summary(await store.get(BEN)) == _summary(cart)

    async def test_carts_survive_a_restart(self, store, reopen):
        await store.add(ANNA, [BOOT_9, MUG])
        again = await reopen()
        try:
            cart = await again.get(ANNA)
            assert _summary(cart) == [("contract-boot", "9", 1), ("contract-mug", "", 1)] and cart.checkout_url
        finally:
            await again.close()
