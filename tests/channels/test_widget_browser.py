"""The chat widget in a real headless Chromium: search, cards, quick replies, reload."""
from __future__ import annotations

import asyncio

import pytest

from tests.browser import chromium_launch_options

playwright_api = pytest.importorskip("playwright.async_api")

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
async def browser_page():
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(**chromium_launch_options())
        page = await browser.new_page(viewport={"width": 1000, "height": 760})
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        yield page, problems
        await browser.close()


async def _image_widths(page, selector: str) -> list[int]:
    """The natural width of each matching image: 0 for one that failed to load."""
    return await page.eval_on_selector_all(selector, "imgs => imgs.map(i => i.naturalWidth)")


async def test_shopper_searches_clicks_a_quick_reply_and_reloads(aiohttp_server, app_factory, fake_agent, browser_page):
    page, problems = browser_page
    server = await aiohttp_server(app_factory())
    await page.goto(str(server.make_url("/")))
    await page.get_by_text("online").wait_for()

    box = page.get_by_label("Message the shop assistant")
    await box.fill("show me red sneakers under 80 dollars")
    await box.press("Enter")

    cards = page.locator(".message.bot .card")
    await cards.nth(3).wait_for()
    assert await cards.count() == 4
    assert await cards.first.locator(".card-title").text_content() == "Canvas Everyday"
    assert await cards.first.locator(".card-meta").text_content() == "red · Loop & Co"
    assert await cards.first.locator("a").get_attribute("href") == "https://shop.example/p/sku-004"
    await page.wait_for_function("[...document.querySelectorAll('.card img')].every(i => i.complete)")
    assert await _image_widths(page, ".card img") == [320] * 4

    await page.get_by_role("button", name="Cheaper").click()
    await page.locator(".message.bot .cards").nth(1).wait_for()
    users = await page.locator(".message.user .bubble").all_text_contents()
    assert users == ["show me red sneakers under 80 dollars", "Cheaper"]
    cheaper = await page.locator(".cards").nth(1).locator(".card-title").all_text_contents()
    assert cheaper == ["Canvas Everyday", "Velocity Runner"]
    assert [m.text for m in fake_agent.received][-1] == "show me red sneakers under 62 dollars"

    await page.reload()
    await page.locator(".message.bot .cards").nth(1).wait_for()
    users = await page.locator(".message.user .bubble").all_text_contents()
    assert users == ["show me red sneakers under 80 dollars", "show me red sneakers under 62 dollars"]
    assert await page.locator(".card").count() == 6
    assert await page.locator(".quick-reply").all_text_contents() == ["Cheaper", "Boots instead", "Talk to a person"]

    assert await page.locator(".cards").first.locator(".card-choose").count() == 0  # only the latest cards
    await page.get_by_role("button", name="Choose Velocity Runner").click()
    await page.locator(".message.user .bubble").nth(2).wait_for()
    assert await page.locator(".message.user .bubble").nth(2).text_content() == "Velocity Runner"
    await page.wait_for_function("document.querySelectorAll('.message.bot').length >= 4")
    assert [m.text for m in fake_agent.received][-1] == "the second one"
    assert problems == []


async def test_catalog_text_is_shown_as_text_never_as_markup(aiohttp_server, app_factory, browser_page):
    from channels.testing import FakeAgent
    from knowledge.product import Product

    page, problems = browser_page
    evil = Product(
        id="x", title="<img src=x onerror=window.pwned=1> Runner", colour="red", product_type="sneakers",
        url="javascript:window.pwned=2",
    )
    server = await aiohttp_server(app_factory(agent=FakeAgent([evil])))
    await page.goto(str(server.make_url("/")))
    await page.get_by_label("Message the shop assistant").fill("red sneakers")
    await page.get_by_role("button", name="Send message").click()

    title = page.locator(".card-title")
    await title.wait_for()
    assert await title.text_content() == "<img src=x onerror=window.pwned=1> Runner"
    assert await page.locator(".card a").get_attribute("href") == str(server.make_url("/products/x"))
    assert await page.evaluate("window.pwned") is None
    assert problems == []


async def test_a_streamed_answer_is_written_into_one_bubble_then_replaced_by_the_final_answer(
        aiohttp_server, app_factory, fake_agent, browser_page):
    page, problems = browser_page
    fake_agent.streams, fake_agent.stream_pause_s = True, 0.15
    server = await aiohttp_server(app_factory())
    await page.goto(str(server.make_url("/")))
    await page.get_by_text("online").wait_for()
    box = page.get_by_label("Message the shop assistant")
    await box.fill("show me boots")
    await box.press("Enter")

    writing = page.locator(".message.bot.streaming .bubble")
    await writing.wait_for()
    partial = await writing.text_content()
    while len(partial.split()) < 3:  # (the page's policy forbids evaluated predicates)
        await asyncio.sleep(0.05)
        partial = await writing.text_content()
    assert await page.locator(".message.bot.streaming").get_attribute("aria-hidden") == "true"  # heard once, at the end

    await page.locator(".message.bot .cards").wait_for()
    assert await page.locator(".message.bot.streaming").count() == 0
    answer = page.locator(".message.bot:has(.cards)")
    assert await answer.count() == 1  # the streamed bubble became the answer, not a second copy of it
    final = await answer.locator(".bubble").first.text_content()
    assert final.startswith(partial.strip()) and len(final) > len(partial.strip())
    assert problems == []


async def test_cards_say_when_stock_is_low_or_out_and_a_too_long_message_is_kept_with_a_notice(
        aiohttp_server, app_factory, browser_page):
    from channels.testing import FakeAgent
    from knowledge.product import Product

    page, problems = browser_page
    shoes = [Product(id=f"s{n}", title=f"Runner {n}", colour="red", product_type="sneakers", price=50.0, stock=stock)
             for n, stock in ((1, 30), (2, 2), (3, 0))]
    server = await aiohttp_server(app_factory(agent=FakeAgent(shoes)))
    await page.goto(str(server.make_url("/")))
    box = page.get_by_label("Message the shop assistant")
    await box.fill("red sneakers")
    await box.press("Enter")
    cards = page.locator(".card")
    await playwright_api.expect(cards).to_have_count(3)
    stock = {await c.locator(".card-title").text_content(): await c.locator(".card-stock").all_text_contents()
             for c in await cards.all()}
    assert stock == {"Runner 1": [], "Runner 2": ["only 2 left"], "Runner 3": ["out of stock"]}

    long = "so " * 1400 + "red sneakers"  # over the 4,000 characters the server reads
    await box.fill(long)
    await box.press("Enter")
    await playwright_api.expect(page.get_by_text("I can read up to 4,000", exact=False)).to_be_visible()
    assert await box.input_value() == long, "nothing the shopper typed is lost"
    assert problems == []
