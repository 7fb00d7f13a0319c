"""The widget in headless Chromium against the real server: type, see matching product cards."""
import pytest
from playwright.async_api import async_playwright

from tests.browser import chromium_launch_options

pytestmark = [pytest.mark.slow, pytest.mark.browser]


async def test_shopper_finds_red_sneakers_in_the_widget(server):
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(**chromium_launch_options())
        try:
            page = await browser.new_page()
            await page.goto(server.url + "/")
            box = page.get_by_label("Message the shop assistant")
            await box.fill("show me red sneakers under 80 dollars")
            await box.press("Enter")
            cards = page.locator(".message.bot .card")
            await cards.first.wait_for(timeout=30_000)
            texts = await cards.all_inner_texts()
            assert texts and all("Red" in text for text in texts)
            prices = [float(t.split("$")[-1].split()[0].replace(",", "")) for t in texts]
            assert all(price <= 80 for price in prices), texts
            first_image = cards.first.locator("img")
            assert await first_image.evaluate("img => img.complete && img.naturalWidth > 0")
            href = await cards.first.locator("a").first.get_attribute("href")
            assert href and "/products/sku-" in href
        finally:
            await browser.close()
