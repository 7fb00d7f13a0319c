"""Both cart stores keep the one contract: the embedded SQLite store, and Shopify's cart on the fake."""
from __future__ import annotations

import aiohttp
import pytest

from skills.cart.model import CartError, CartItem
from skills.cart.shopify_api import StorefrontClient
from skills.cart.shopify_store import CartOwners, ShopifyCartStore
from skills.cart.sqlite_store import SQLiteCartStore
from tests.cart.contract import ANNA, BOOT_9, ITEMS, MUG, CartStoreContract
from tests.cart.fake_storefront import FakeStorefront


class TestSQLiteCartStore(CartStoreContract):
    @pytest.fixture
    async def store(self, tmp_path):
        store = SQLiteCartStore.open(tmp_path / "carts.db", "https://shop.example/checkout?cart={cart_id}&i={items}")
        yield store
        await store.close()

    @pytest.fixture
    def reopen(self, tmp_path):
        async def reopen():
            return SQLiteCartStore.open(tmp_path / "carts.db", "https://shop.example/checkout?cart={cart_id}&i={items}")
        return reopen

    async def test_the_checkout_link_carries_the_cart_and_its_lines(self, store):
        cart = await store.add(ANNA, [BOOT_9, MUG])
        assert cart.checkout_url == (f"https://shop.example/checkout?cart={cart.id}"
                                     "&i=contract-boot%2F9:1,contract-mug:1")


@pytest.fixture
async def fake_shop(aiohttp_server):
    fake = FakeStorefront()
    for n, item in enumerate(ITEMS, 1):
        fake.variant(f"gid://shopify/ProductVariant/{n}", item.title, item.size or "Default Title", item.unit_price, 50)
    server = await aiohttp_server(fake.app())
    return fake, fake.endpoint(server)


def _variants(product_id: str, size: str) -> str | None:
    return next((f"gid://shopify/ProductVariant/{n}" for n, item in enumerate(ITEMS, 1)
                 if item.product_id == product_id and item.size == size.upper()), None)


class TestShopifyCartStore(CartStoreContract):
    @pytest.fixture
    async def store(self, fake_shop, tmp_path):
        fake, endpoint = fake_shop
        async with aiohttp.ClientSession() as session:
            store = ShopifyCartStore(StorefrontClient(session, endpoint, fake.token), _variants,
                                     CartOwners.open(tmp_path / "carts.db"))
            yield store
            await store.close()

    @pytest.fixture
    async def reopen(self, fake_shop, tmp_path):
        fake, endpoint = fake_shop
        async with aiohttp.ClientSession() as session:
            async def reopen():
                return ShopifyCartStore(StorefrontClient(session, endpoint, fake.token), _variants,
                                        CartOwners.open(tmp_path / "carts.db"))
            yield reopen

    async def test_every_call_sends_the_storefront_token_and_the_documented_operations(self, store, fake_shop):
        fake, _ = fake_shop
        cart = await store.add(ANNA, [BOOT_9])
        await store.add(ANNA, [MUG])
        await store.set_quantity(ANNA, cart.lines[0].id, 2)
        await store.remove(ANNA, [cart.lines[0].id])
        assert {r["token"] for r in fake.received} == {fake.token}
        fields = [r["field"] for r in fake.received if r["field"] != "cart"]
        assert fields == ["cartCreate", "cartLinesAdd", "cartLinesUpdate", "cartLinesRemove"]
        assert (await store.get(ANNA)).checkout_url.startswith("https://shop.example/cart/c/")

    async def test_a_user_error_is_a_clear_refusal_and_changes_nothing(self, store, fake_shop):
        fake, _ = fake_shop
        await store.add(ANNA, [MUG])
        with pytest.raises(CartError) as refused:
            await store.add(ANNA, [CartItem(MUG.product_id, MUG.title, MUG.unit_price, quantity=60)])
        assert refused.value.code == "rejected" and "Only 50" in refused.value.message
        assert [line.quantity for line in (await store.get(ANNA)).lines] == [1]

    async def test_a_product_without_a_variant_is_refused_before_shopify_is_asked(self, store, fake_shop):
        fake, _ = fake_shop
        with pytest.raises(CartError, match="no variant of Contract Boot in size 11"):
            await store.add(ANNA, [CartItem("contract-boot", "Contract Boot", 120.0, size="11")])
        assert fake.received == []

    async def test_top_level_errors_and_a_wrong_token_say_the_cart_is_unavailable(self, store, fake_shop, tmp_path):
        fake, endpoint = fake_shop
        fake.throttle_next = 1
        with pytest.raises(CartError, match="Throttled") as throttled:
            await store.add(ANNA, [MUG])
        assert throttled.value.code == "unavailable"
        async with aiohttp.ClientSession() as session:
            wrong = ShopifyCartStore(StorefrontClient(session, endpoint, "not-the-token"), _variants,
                                     CartOwners.open(tmp_path / "other.db"))
            with pytest.raises(CartError, match="HTTP 401") as refused:
                await wrong.add(ANNA, [MUG])
            assert "not-the-token" not in refused.value.message
            await wrong.close()

    async def test_a_cart_shopify_forgot_reads_as_empty_and_a_new_one_starts(self, store, fake_shop):
        fake, _ = fake_shop
        await store.add(ANNA, [MUG])
        fake.carts.clear()
        assert (await store.get(ANNA)).lines == ()
        assert [line.product_id for line in (await store.add(ANNA, [BOOT_9])).lines] == ["contract-boot"]
