"""A customer signed in on the shop's site reaches Aisle signed in: the embed tag's data-user-id and
data-user-hash travel into the widget and with each message, and the server checks the hash."""
from __future__ import annotations

import hashlib
import hmac

import pytest
from aiohttp import web

from agent.config import ServerConfig
from tests.browser import chromium_launch_options

playwright_api = pytest.importorskip("playwright.async_api")

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SECRET = "the-shops-identity-secret"
SHOP_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Loop &amp; Co</title></head>
<body><h1>Your account</h1>
<script src="{aisle}/embed.js" async data-user-id="{user}" data-user-hash="{hash}"></script></body></html>"""


@pytest.fixture
async def shop_and_aisle(aiohttp_server, app_factory, monkeypatch):
    monkeypatch.setenv("AISLE_IDENTITY_SECRET", SECRET)
    where: dict[str, str] = {}

    async def page(request: web.Request) -> web.Response:
        user = request.query.get("user", "")
        signed = hmac.new(request.query.get("secret", SECRET).encode(), user.encode(), hashlib.sha256).hexdigest()
        return web.Response(text=SHOP_PAGE.format(aisle=where["aisle"], user=user, hash=signed),
                            content_type="text/html")

    shop_app = web.Application()
    shop_app.router.add_get("/", page)
    shop = await aiohttp_server(shop_app)
    aisle = await aiohttp_server(app_factory(ServerConfig(cors_origins=(f"http://127.0.0.1:{shop.port}",))))
    where["aisle"] = str(aisle.make_url("")).rstrip("/")
    return f"http://127.0.0.1:{shop.port}/"


async def chat_once(browser, url: str) -> None:
    page = await browser.new_page()
    await page.goto(url)
    await page.get_by_role("button", name="Chat with our shop assistant").click()
    frame = page.frame_locator("#aisle-chat-frame")
    await frame.get_by_text("online").wait_for()
    composer = frame.get_by_label("Message the shop assistant")
    await composer.fill("show me boots")
    await composer.press("Enter")
    await frame.locator(".message.bot .card").first.wait_for()
    await page.close()


async def test_the_signed_in_customer_reaches_the_agent_and_a_forged_hash_does_not(shop_and_aisle, fake_agent):
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(**chromium_launch_options())
        try:
            await chat_once(browser, shop_and_aisle + "?user=ann%40example.com")
            assert fake_agent.received[-1].metadata.get("customer") == "ann@example.com"
            await chat_once(browser, shop_and_aisle + "?user=ann%40example.com&secret=guessed")
            assert "customer" not in fake_agent.received[-1].metadata
        finally:
            await browser.close()
