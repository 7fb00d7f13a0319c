"""Media files, product pages, health, headers and CORS."""
from __future__ import annotations

import pytest
from yarl import URL

from agent.config import ServerConfig
from channels.testing import FakeAgent, demo_products
from knowledge.product import Product


async def test_health_reports_products_and_channels(client):
    response = await client.get("/health")
    assert await response.json() == {"status": "ok", "products": 8, "channels": ["rest", "webchat", "ab", "media", "events"]}
    assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_media_serves_images_with_a_sandbox_policy(client):
    response = await client.get("/media/images/sku-001.png")
    assert response.status == 200
    assert (await response.read()).startswith(b"\x89PNG")
    assert "sandbox" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "path",
    [
        "/media/../conftest.py",
        "/media/%2e%2e/secret.txt",
        "/media/images/%2e%2e/%2e%2e/secret.txt",
        "/media/..%2fsecret.txt",
        "/media/%2fetc%2fpasswd",
        "/media//etc/passwd",
        "/media/.hidden",
        "/media/images/missing.png",
        "/media/images",
    ],
)
async def test_media_refuses_anything_outside_the_media_folder(client, media_root, path):
    (media_root.parent / "secret.txt").write_text("secret")
    (media_root / ".hidden").write_text("hidden")
    response = await client.get(URL(path, encoded=True))
    assert response.status == 404
    assert b"secret" not in await response.read()


async def test_media_without_a_media_root_is_404(make_client):
    client = await make_client(agent=FakeAgent(demo_products(), media_root=None))
    assert (await client.get("/media/images/sku-001.png")).status == 404


async def test_product_page_escapes_catalog_text(make_client):
    evil = Product(
        id="sku-x", title='<script>alert("x")</script> Runner', brand="A&B", price=10,
        description="<img src=x onerror=alert(1)>", image='images/a".png', url='https://shop.example/p?a="><b>',
    )
    client = await make_client(agent=FakeAgent([evil]))
    response = await client.get("/products/sku-x")
    page = await response.text()

    assert response.status == 200
    assert "<script>" not in page and "<img src=x" not in page and '"><b>' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Runner" in page
    assert "A&amp;B" in page
    assert "script-src" not in response.headers["Content-Security-Policy"]  # default-src 'none': no script at all


async def test_unknown_product_is_a_404_page(client):
    response = await client.get("/products/nope")
    assert response.status == 404
    assert "Product not found" in await response.text()


async def test_chat_page_has_a_content_security_policy(client):
    response = await client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert response.status == 200
    assert "script-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'self'" in csp
    assert 'aria-live="polite"' in await response.text()
    assert (await client.get("/static/widget.js")).status == 200


async def test_cors_allows_only_configured_origins(make_client):
    client = await make_client(ServerConfig(cors_origins=("https://shop.example",)))
    body = {"sender": "s", "message": "boots"}

    allowed = await client.post("/webhooks/rest/webhook", json=body, headers={"Origin": "https://shop.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://shop.example"
    other = await client.post("/webhooks/rest/webhook", json=body, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = await client.options(
        "/webhooks/rest/webhook",
        headers={"Origin": "https://shop.example", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status == 204
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    page = await client.get("/")
    assert "frame-ancestors 'self' https://shop.example" in page.headers["Content-Security-Policy"]


def test_safe_media_path_stays_inside_the_root(media_root):
    from channels.routes.site import safe_media_path

    outside = media_root.parent / "outside.txt"
    outside.write_text("x")
    link = media_root / "images" / "link.png"
    if not link.exists():
        link.symlink_to(outside)
    assert safe_media_path(media_root, "images/sku-001.png") == (media_root / "images/sku-001.png").resolve()
    for bad in ("../outside.txt", "images/../../outside.txt", str(outside), "images/link.png", "images", ""):
        assert safe_media_path(media_root, bad) is None, bad
