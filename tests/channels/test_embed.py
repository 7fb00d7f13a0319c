"""Embedding over HTTP: the loader, the allow-list check and the frame-ancestors the chat page sends."""
from __future__ import annotations

from agent.config import ServerConfig

SHOP = "https://shop.example"


async def test_only_a_listed_origin_may_embed_the_chat(make_client):
    client = await make_client(ServerConfig(cors_origins=(SHOP,)))
    listed = await client.get("/webchat/embed", headers={"Origin": SHOP})
    assert listed.status == 200 and listed.headers["Access-Control-Allow-Origin"] == SHOP
    other = await client.get("/webchat/embed", headers={"Origin": "https://elsewhere.example"})
    assert other.status == 403 and "Access-Control-Allow-Origin" not in other.headers
    page = await client.get("/")
    assert "frame-ancestors 'self' https://shop.example" in page.headers["Content-Security-Policy"]


async def test_without_a_list_only_aisle_itself_may_frame_the_chat(make_client):
    client = await make_client(ServerConfig())
    assert (await client.get("/webchat/embed", headers={"Origin": SHOP})).status == 403
    page = await client.get("/")
    assert page.headers["Content-Security-Policy"].endswith("frame-ancestors 'self'")


async def test_the_loader_is_javascript_any_site_may_load(client):
    script = await client.get("/embed.js")
    assert script.status == 200 and script.content_type == "text/javascript"
    assert script.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "webchat/embed" in await script.text()
