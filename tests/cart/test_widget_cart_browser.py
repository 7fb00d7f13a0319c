"""The ten-turn conversation in the widget, in a real Chromium: the cart badge, the cart view, the checkout link."""
from __future__ import annotations

import re

import pytest

from agent.config import ServerConfig
from channels.server import build_app
from channels.testing import serving
from skills.cart import SQLiteCartStore, conversation_owner
from tests.agent.conftest import shop  # noqa: F401  (the session's demo shop)
from tests.browser import chromium_launch_options
from tests.cart.shop import Reply, cart_agent, close, ten_turns

playwright_api = pytest.importorskip("playwright.async_api")
pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHECKOUT = "https://shop.example/checkout?cart={cart_id}"
ANSWERS = "#messages > li.message.bot:not(.interim):not(.welcome):not(.streaming)"


def _amount(text: str) -> float:
    return float(re.sub(r"[^0-9.]", "", text))


async def _cart_in_widget(page) -> dict:
    """The cart as the widget shows it, read from the page (the panel need not be open)."""
    lines = []
    for line in await page.locator(".cart-line").all():
        size = line.locator(".cart-line-size")
        lines.append({"title": await line.locator(".cart-line-title").text_content(),
                      "size": (await size.text_content()).removeprefix("Size ") if await size.count() else ""})
    badge = page.locator(".cart-count")
    total = page.locator(".cart-total-amount")
    checkout = page.locator(".cart-checkout")
    return {"count": int(await badge.text_content()) if await badge.is_visible() else 0,
            "total": _amount(await total.text_content()) if await total.count() else 0.0, "lines": lines,
            "checkout_url": await checkout.get_attribute("href") if await checkout.count() else ""}


async def test_ten_turns_in_the_widget_with_the_cart_shown(shop, tmp_path, aiohttp_server):  # noqa: F811
    carts = SQLiteCartStore.open(tmp_path / "carts.db", CHECKOUT)
    agent = cart_agent(shop, tmp_path, carts)
    server = await aiohttp_server(build_app(ServerConfig(), serving(agent)))
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(**chromium_launch_options())
        try:
            page = await browser.new_page(viewport={"width": 1000, "height": 900})
            problems: list[str] = []
            page.on("pageerror", lambda error: problems.append(str(error)))
            await page.goto(str(server.make_url("/")))
            await page.get_by_text("online").wait_for()
            box = page.get_by_label("Message the shop assistant")
            cart_button = page.locator(".cart-button")
            assert await cart_button.get_attribute("aria-label") == "Your cart, 0 items"

            async def turn(text: str) -> Reply:
                answers = await page.locator(ANSWERS).count()
                updates = await cart_button.get_attribute("data-updates")
                await box.fill(text)
                await box.press("Enter")
                await page.locator(ANSWERS).nth(answers).wait_for(timeout=60_000)
                last = page.locator(ANSWERS).nth(answers)
                ids = [await card.get_attribute("data-product-id") for card in await last.locator(".card").all()]
                changed = await cart_button.get_attribute("data-updates") != updates
                return Reply(await last.locator(".bubble").first.text_content(), [shop.catalog.by_id(i) for i in ids],
                             await _cart_in_widget(page) if changed else None)

            last = await ten_turns(turn)
            cart = await carts.get(conversation_owner("webchat:" + await page.evaluate(
                "localStorage.getItem('aisle.session')")))
            assert last["checkout_url"] == cart.checkout_url and cart.count == 2
            assert await cart_button.get_attribute("aria-label") == "Your cart, 2 items"

            await cart_button.click()
            panel = page.get_by_role("region", name="Your cart")
            await panel.wait_for()
            assert await panel.locator(".cart-line-quantity").all_text_contents() == [f"2 × ${cart.lines[0].unit_price:,.2f}"]
            await page.context.route("https://shop.example/**", lambda route: route.fulfill(
                status=200, content_type="text/html", body="<title>Checkout</title><h1>Checkout</h1>"))
            async with page.context.expect_page() as opened:
                await panel.get_by_role("link", name="Checkout").click()
            checkout_page = await opened.value
            await checkout_page.wait_for_load_state()
            assert checkout_page.url == cart.checkout_url
            await checkout_page.close()

            await page.reload()  # the conversation comes back, and with it the cart
            await page.locator(ANSWERS).nth(9).wait_for()
            assert await cart_button.get_attribute("aria-label") == "Your cart, 2 items"
            assert await page.locator(".cart-count").text_content() == "2"
            assert problems == []
        finally:
            await browser.close()
            await close(agent)
            await carts.close()
