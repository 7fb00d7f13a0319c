"""The widget in headless Chromium reports the product cards a shopper is shown and opens, by itself."""
from __future__ import annotations

import asyncio

import pytest

from agent.config import ServerConfig
from channels.server import build_app
from channels.testing import FakeAgent, demo_products, draw_product_images, serving
from skills.recommend import RecommendSkill
from skills.recommend.events import EventStore
from skills.recommend.items import ItemTable
from skills.recommend.service import Recommender, RecommendSettings
from tests.browser import chromium_launch_options

playwright_api = pytest.importorskip("playwright.async_api")

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def until(check, timeout: float = 20.0):
    for _ in range(int(timeout / 0.2)):
        value = check()
        if value:
            return value
        await asyncio.sleep(0.2)
    raise AssertionError("timed out waiting for the widget's events")


async def test_cards_shown_and_opened_become_impressions_and_clicks(aiohttp_server, tmp_path):
    products = demo_products()
    media_root = tmp_path / "media"
    draw_product_images(products, media_root)
    store = EventStore.open(tmp_path / "events.db")
    recommender = Recommender(lambda: ItemTable(tuple(products)), store, RecommendSettings())
    agent = FakeAgent(products, media_root, skills=(RecommendSkill(recommender),))
    server = await aiohttp_server(build_app(ServerConfig(), serving(agent)))
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(**chromium_launch_options())
        page = await browser.new_page(viewport={"width": 1000, "height": 760})
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        await page.goto(str(server.make_url("/")))
        await page.get_by_text("online").wait_for()
        box = page.get_by_label("Message the shop assistant")
        await box.fill("show me red sneakers under 80 dollars")
        await box.press("Enter")
        cards = page.locator(".message.bot .card")
        await cards.nth(3).wait_for()
        user = "webchat:" + await page.evaluate("localStorage.getItem('aisle.session')")
        shown = {await cards.nth(i).get_attribute("data-product-id") for i in range(4)}

        seen = await until(lambda: [e for e in store.for_user(user) if e.type == "impression"] if
                           len([e for e in store.for_user(user) if e.type == "impression"]) >= 4 else None)
        assert {e.item for e in seen} == shown and all(e.source == "widget" for e in seen)
        assert not [e for e in store.for_user(user) if e.type == "view"]  # shown is not viewed

        async with page.context.expect_page():
            await cards.first.locator("a").click()
        clicks = await until(lambda: [e for e in store.for_user(user) if e.type == "click"])
        assert clicks[0].item == await cards.first.get_attribute("data-product-id")
        await browser.close()
    assert not problems
