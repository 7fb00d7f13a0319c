"""The ten-turn conversation over the REST channel, with Shopify's Storefront cart (the fake) keeping the cart."""
from __future__ import annotations

import aiohttp
import pytest

from agent.config import ServerConfig
from channels.server import build_app
from channels.testing import serving
from skills.cart.shopify_api import StorefrontClient
from skills.cart.shopify_store import CartOwners, ShopifyCartStore
from skills.cart.variants import VariantMap
from tests.agent.conftest import shop  # noqa: F401  (the session's demo shop)
from tests.cart.fake_storefront import FakeStorefront
from tests.cart.shop import Reply, cart_agent, close, ten_turns

pytestmark = pytest.mark.slow


def storefront_for(catalog) -> tuple[FakeStorefront, dict]:
    """A fake shop selling every catalog product (a variant per size, the catalog's stock) and the mapping."""
    fake, mapping = FakeStorefront(), {}
    for n, product in enumerate(catalog.products, 1):
        if product.sizes:
            mapping[product.id] = {size: f"gid://shopify/ProductVariant/{n}{k:02d}" for k, size in enumerate(product.sizes)}
            for size, variant in mapping[product.id].items():
                fake.variant(variant, product.title, size, product.price, product.stock)
        else:
            mapping[product.id] = f"gid://shopify/ProductVariant/{n}00"
            fake.variant(mapping[product.id], product.title, "Default Title", product.price, product.stock)
    return fake, mapping


async def test_ten_turns_over_rest_on_the_shopify_cart(shop, tmp_path, aiohttp_server, aiohttp_client):  # noqa: F811
    fake, mapping = storefront_for(shop.catalog)
    endpoint = fake.endpoint(await aiohttp_server(fake.app()))
    async with aiohttp.ClientSession() as session:
        carts = ShopifyCartStore(StorefrontClient(session, endpoint, fake.token),
                                 VariantMap(shop.catalog.by_id, mapping), CartOwners.open(tmp_path / "carts.db"))
        agent = cart_agent(shop, tmp_path, carts)
        client = await aiohttp_client(build_app(ServerConfig(), serving(agent)))

        async def turn(text: str) -> Reply:
            response = await client.post("/webhooks/rest/webhook", json={"sender": "dana", "message": text})
            assert response.status == 200
            items = await response.json()
            customs = [item["custom"] for item in items if "custom" in item]
            cards = next((c["products"] for c in customs if c["type"] == "products"), [])
            cart = next((c["cart"] for c in customs if c["type"] == "cart"), None)
            return Reply(" ".join(item["text"] for item in items if item.get("text")),
                         [shop.catalog.by_id(card["id"]) for card in cards], cart)

        try:
            last = await ten_turns(turn)
        finally:
            await close(agent)
            await carts.close()
    assert last["checkout_url"].startswith("https://shop.example/cart/c/")
    shopify_cart = next(iter(fake.carts.values()))
    assert [(line.variant.product_title, line.quantity) for line in shopify_cart] == \
        [(last["lines"][0]["title"], 2)]
    assert {r["field"] for r in fake.received} >= {"cartCreate", "cartLinesAdd", "cartLinesUpdate",
                                                    "cartLinesRemove", "cart"}
