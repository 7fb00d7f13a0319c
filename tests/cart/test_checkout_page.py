"""The demo checkout page the embedded cart links to by default: the items priced from the catalog, escaped."""
from __future__ import annotations

from urllib.parse import quote

from aiohttp.test_utils import TestClient, TestServer

from agent.config import ServerConfig
from channels.routes.checkout_page import parse_items
from channels.server import build_app
from channels.testing import FakeAgent, demo_products, serving
from knowledge.product import Product


def test_items_are_parsed_and_malformed_entries_skipped():
    assert parse_items("a%2F9:2,b:1,c:zero,:3,d:0") == [("a", "9", 2), ("b", "", 1)]


async def test_the_page_lists_the_cart_with_its_total_and_escapes_catalog_text():
    products = demo_products()
    sized = next(p for p in products if p.sizes)
    evil = Product(id="evil-1", title="<script>alert(1)</script> Mug", price=5.0, stock=3)
    agent = FakeAgent([*products, evil])
    async with TestClient(TestServer(build_app(ServerConfig(), serving(agent)))) as client:
        items = f"{quote(sized.id + '/' + sized.sizes[0], safe='')}:2,{evil.id}:1"
        response = await client.get(f"/checkout?cart=c1&items={items}")
        page = await response.text()
        assert response.status == 200 and "default-src 'none'" in response.headers["Content-Security-Policy"]
        assert f"size {sized.sizes[0]}" in page and f"{sized.price * 2 + 5:.2f}" in page
        assert "<script>alert" not in page and "&lt;script&gt;" in page
        empty = await client.get("/checkout?cart=c1&items=nothing")
        assert empty.status == 404
