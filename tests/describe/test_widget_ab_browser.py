"""The A/B banner in a real headless Chromium: shown, its impression recorded, its click recorded."""
from __future__ import annotations

import asyncio

import pytest

from agent.config import ServerConfig
from channels.server import build_app
from channels.testing import FakeAgent, demo_products, serving
from skills.ads.abstore import ABStore
from skills.ads.copy import AdWriter
from skills.ads.experiments import Experiments
from skills.ads.safety import BrandSafety
from skills.describe.grounding import GroundingChecker
from tests.browser import chromium_launch_options

playwright_api = pytest.importorskip("playwright.async_api")

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def until(condition, timeout=10.0):
    for _ in range(int(timeout / 0.1)):
        if condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("condition not met in time")


async def test_the_banner_records_an_impression_and_a_click(aiohttp_server, tmp_path):
    products = demo_products()
    writer = AdWriter(BrandSafety(GroundingChecker(brands={p.brand for p in products})))
    by_id = {p.id: p for p in products}
    agent = FakeAgent(products, experiments=Experiments(ABStore(tmp_path / "ab.db"), writer, by_id.get))
    started = agent.experiments.start("sku-003", "onsite", count=3)
    experiment_id = started["experiment_id"]
    server = await aiohttp_server(build_app(ServerConfig(), serving(agent)))

    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(**chromium_launch_options())
        context = await browser.new_context()
        await context.route("https://shop.example/**", lambda route: route.fulfill(body="<p>shop</p>",
                                                                                   content_type="text/html"))
        page = await context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        await page.goto(str(server.make_url("/")))

        headline = page.locator(".promo-headline")
        await headline.wait_for()
        shown = {v["fields"]["headline"]: v["variant_id"] for v in started["variants"]}
        variant_id = shown[await headline.text_content()]
        counts = agent.experiments.store.counts
        await until(lambda: counts(experiment_id)[variant_id] == (1, 0))

        async with context.expect_page() as opened:
            await page.locator(".promo-link").click()
        assert (await opened.value).url == "https://shop.example/p/sku-003"
        await until(lambda: counts(experiment_id)[variant_id] == (1, 1))
        assert sum(shown for shown, _ in counts(experiment_id).values()) == 1
        assert problems == []
        await browser.close()
