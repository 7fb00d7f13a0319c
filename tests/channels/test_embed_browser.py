"""The widget on a shop's own site: one script tag, a shop on another origin, the allow-list enforced.

Two real servers: the shop's pages on one port, Aisle on another. Chromium sees
`http://127.0.0.1:<shop>` (listed in `server.cors_origins`) and `http://localhost:<shop>` (the same
pages, but an origin that is not listed).
"""
from __future__ import annotations

import pytest
from aiohttp import web

from agent.config import ServerConfig
from tests.browser import chromium_launch_options

playwright_api = pytest.importorskip("playwright.async_api")

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOP_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Loop &amp; Co</title>
<style>div {{ display: block; }}</style></head>
<body><h1>Loop &amp; Co sneakers</h1><a href="#top">Our story</a>
<script src="{aisle}/embed.js" async data-title="Ask our shop assistant" data-position="left"></script>
</body></html>"""
FRAMED_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Framed</title></head>
<body><iframe id="direct" title="chat" src="{aisle}/" width="400" height="600"></iframe></body></html>"""


@pytest.fixture
async def shop_and_aisle(aiohttp_server, app_factory):
    """(shop port, Aisle URL): Aisle lists only `http://127.0.0.1:<shop port>` as an origin that may embed it."""
    where: dict[str, str] = {}

    async def page(request: web.Request) -> web.Response:
        template = FRAMED_PAGE if request.path == "/framed" else SHOP_PAGE
        return web.Response(text=template.format(aisle=where["aisle"]), content_type="text/html")

    shop_app = web.Application()
    shop_app.router.add_get("/", page)
    shop_app.router.add_get("/framed", page)
    shop = await aiohttp_server(shop_app)
    aisle = await aiohttp_server(app_factory(ServerConfig(cors_origins=(f"http://127.0.0.1:{shop.port}",))))
    where["aisle"] = str(aisle.make_url("")).rstrip("/")
    return shop.port, where["aisle"]


@pytest.fixture
async def browser():
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(**chromium_launch_options())
        yield browser
        await browser.close()


async def test_a_listed_shop_gets_a_launcher_and_the_embedded_widget_answers_with_cards(shop_and_aisle, browser):
    shop_port, aisle = shop_and_aisle
    page = await browser.new_page(viewport={"width": 1100, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(f"http://127.0.0.1:{shop_port}/")

    launcher = page.get_by_role("button", name="Ask our shop assistant")
    await launcher.wait_for()
    assert await launcher.get_attribute("aria-expanded") == "false"
    box = await launcher.bounding_box()
    assert box["x"] < 100  # data-position="left"

    await launcher.focus()
    await page.keyboard.press("Enter")  # the keyboard opens it; focus moves into the chat
    frame = page.frame_locator("#aisle-chat-frame")
    composer = frame.get_by_label("Message the shop assistant")
    await frame.get_by_text("online").wait_for()
    await page.wait_for_function("document.activeElement && document.activeElement.id === 'aisle-chat-frame'")
    assert await page.get_by_role("button", name="Close the chat").get_attribute("aria-expanded") == "true"

    await composer.fill("show me red sneakers under 80 dollars")
    await composer.press("Enter")
    cards = frame.locator(".message.bot .card")
    await cards.nth(3).wait_for()
    assert await cards.first.locator(".card-title").text_content() == "Canvas Everyday"
    assert await cards.first.locator("img").get_attribute("src") == f"{aisle}/media/images/sku-004.png"
    inner = next(f for f in page.frames if f.url.startswith(aisle))
    await inner.wait_for_function("[...document.querySelectorAll('.card img')].every(i => i.complete && i.naturalWidth)")

    await composer.press("Escape")  # Escape inside the chat closes it and gives focus back to the launcher
    await page.locator("#aisle-chat-panel").wait_for(state="hidden")
    assert await page.evaluate("document.activeElement.id") == "aisle-chat-launcher"
    assert await launcher.get_attribute("aria-expanded") == "false"

    await page.set_viewport_size({"width": 390, "height": 800})  # a phone: the chat takes the whole screen
    await launcher.click()
    await frame.get_by_role("button", name="Close the chat").wait_for()
    panel = await page.locator("#aisle-chat-panel").bounding_box()
    assert (panel["x"], panel["y"], panel["width"], panel["height"]) == (0, 0, 390, 800)
    assert await frame.locator(".card").count() == 4  # the conversation is still there
    await frame.get_by_role("button", name="Close the chat").click()
    await launcher.wait_for()
    assert errors == []


async def test_a_site_that_is_not_listed_gets_no_launcher_and_cannot_frame_the_chat(shop_and_aisle, browser):
    shop_port, aisle = shop_and_aisle
    page = await browser.new_page()
    async with page.expect_console_message(lambda msg: "may not embed the chat" in msg.text):
        await page.goto(f"http://localhost:{shop_port}/")
    assert await page.locator("#aisle-chat-launcher").count() == 0

    await page.goto(f"http://127.0.0.1:{shop_port}/framed")  # a listed site may frame the chat page itself
    await page.frame_locator("#direct").get_by_label("Message the shop assistant").wait_for()

    await page.goto(f"http://localhost:{shop_port}/framed")  # any other site: the browser refuses the frame
    (direct,) = page.main_frame.child_frames
    assert not direct.url.startswith(aisle)
    assert await page.frame_locator("#direct").locator("#input").count() == 0
