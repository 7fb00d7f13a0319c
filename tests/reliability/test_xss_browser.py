"""Markup in catalog text and in shoppers' messages stays text, in a real headless Chromium.

Product titles, descriptions and links, and what shoppers type, carry the usual payloads (`<img
onerror>`, `<script>`, `"><svg onload>`, `javascript:` links). Each page that shows them (the
agent console, the admin dashboard, the chat widget) must show them literally: no dialog opens, no
payload runs (`window.pwned` stays unset), no element with an event-handler attribute or an inline
script appears. The admin dashboard must also render its four plots.
"""
from __future__ import annotations

import time

import aiohttp
import pytest

from agent.config import ServerConfig
from agent.store import SQLiteStore
from channels.server import build_app
from channels.testing import FakeAgent, demo_products, serving
from knowledge.catalog_index import CatalogIndex
from knowledge.catalog_io import write_jsonl
from knowledge.embedders import HashingEmbedder
from knowledge.product import Product
from skills.recommend import RecommendSkill
from skills.recommend.events import Event, EventStore
from skills.recommend.service import Recommender, RecommendSettings, catalog_items
from tests.browser import chromium_launch_options

playwright_api = pytest.importorskip("playwright.async_api")

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CONSOLE_TOKEN, ADMIN_TOKEN = "xss-console-token", "xss-admin-token"
IMG = '<img src=x onerror="window.pwned=1;alert(1)"> Boot'
SVG = '"><svg onload="window.pwned=3;alert(3)"> Boot'
SCRIPT = "<script>window.pwned=2;alert(2)</script>"
EVIL_PRODUCTS = [
    Product(id="evil-img", title=IMG, colour="red", product_type="boots", price=20, description=SCRIPT,
            url="javascript:window.pwned=4;alert(4)"),
    Product(id="evil-svg", title=SVG, colour="red", product_type="boots", price=30,
            description="<iframe src=javascript:alert(5)>", url="JaVaScRiPt:alert(6)"),
]
SHOPPER_SAYS = [f"red boots {SCRIPT}", f'{SVG} <img src=x onerror=alert(7)> talk to a person']
INJECTED = """() => ({
  handlers: [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => /^on/i.test(a.name))).length,
  inlineScripts: document.querySelectorAll('script:not([src])').length,
  scriptLinks: [...document.querySelectorAll('a[href], iframe[src]')].filter(
    e => /^\\s*javascript:/i.test(e.getAttribute('href') || e.getAttribute('src') || '')).length,
  pwned: window.pwned === undefined ? null : window.pwned,
})"""
CLEAN = {"handlers": 0, "inlineScripts": 0, "scriptLinks": 0, "pwned": None}


@pytest.fixture
async def browser():
    async with playwright_api.async_playwright() as playwright:
        chromium = await playwright.chromium.launch(**chromium_launch_options())
        yield chromium
        await chromium.close()


async def open_page(browser, url: str):
    """A page in its own context; every dialog it opens is recorded (and dismissed)."""
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    page = await context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    await page.goto(url)
    return page


async def until(page, predicate: str, timeout_s: float = 10.0) -> None:
    """Poll `predicate` (wait_for_function evaluates strings, which the admin page's policy forbids)."""
    deadline = time.monotonic() + timeout_s
    while not await page.evaluate(predicate):
        assert time.monotonic() < deadline, f"still false after {timeout_s} s: {predicate}"
        await page.wait_for_timeout(50)


async def assert_inert(page) -> None:
    await page.wait_for_timeout(150)  # an onerror or onload would have fired by now
    assert await page.evaluate(INJECTED) == CLEAN
    assert page.dialogs == []


@pytest.fixture
async def shop(tmp_path, monkeypatch):
    """A fake agent over a catalog with hostile text, with a real recommendation event log."""
    monkeypatch.setenv("AISLE_CONSOLE_TOKEN", CONSOLE_TOKEN)
    monkeypatch.setenv("AISLE_ADMIN_TOKEN", ADMIN_TOKEN)
    products = [*demo_products(), *EVIL_PRODUCTS]
    index = CatalogIndex.open(write_jsonl(products, tmp_path / "catalog.jsonl"), tmp_path / "index",
                              HashingEmbedder(dim=64), progress=False)
    events = EventStore.open(tmp_path / "events.db")
    agent = FakeAgent(products, store=SQLiteStore.open(tmp_path / "aisle.db"),
                      skills=(RecommendSkill(Recommender(catalog_items(index), events, RecommendSettings())),))
    now = time.time()
    events.add(Event(id=f"e{n}", user="webchat:someone", type=kind, item=item, ts=now - 60 + n)
               for n, (kind, item) in enumerate([("view", "evil-img"), ("click", "evil-img"), ("click", "evil-img"),
                                                 ("view", "evil-svg"), ("click", "evil-svg"), ("view", "sku-001"),
                                                 ("view", "sku-002"), ("view", "sku-003")]))
    yield agent
    events.close()
    await agent.store.close()


async def test_the_agent_console_shows_hostile_products_and_messages_as_text(aiohttp_server, shop, browser):
    server = await aiohttp_server(build_app(ServerConfig(), serving(shop)))
    client_url = str(server.make_url("/webhooks/rest/webhook"))
    async with aiohttp.ClientSession() as session:
        for text in SHOPPER_SAYS:
            async with session.post(client_url, json={"sender": "s1", "message": text}) as response:
                assert response.status == 200

    page = await open_page(browser, str(server.make_url("/console")))
    expect = playwright_api.expect
    await page.get_by_label("Your name, as shoppers will see it").fill(SVG)
    await page.get_by_label("Team token").fill(CONSOLE_TOKEN)
    await page.get_by_role("button", name="Sign in").click()
    ticket = page.locator(".ticket-button")
    await expect(ticket).to_contain_text("red boots <script>")  # the shopper's request, shown as text
    await ticket.click()
    transcript = page.locator("#transcript")
    await expect(transcript).to_contain_text(SHOPPER_SAYS[0])
    texts = await page.locator("#transcript .turn-text").all_text_contents()
    assert SHOPPER_SAYS[0] in texts and SHOPPER_SAYS[1] in texts
    shown = await page.locator("#transcript .shown li").all_text_contents()
    assert any(IMG in item for item in shown) and any(SVG in item for item in shown)
    await page.get_by_role("button", name="Take over").click()
    await expect(page.locator("#conv-meta")).to_contain_text("held by")
    await assert_inert(page)


async def test_the_admin_dashboard_renders_its_plots_and_shows_product_titles_as_text(aiohttp_server, shop, browser):
    server = await aiohttp_server(build_app(ServerConfig(), serving(shop)))
    page = await open_page(browser, str(server.make_url("/admin")))
    await page.get_by_label("Admin token").fill(ADMIN_TOKEN)
    problems: list[str] = []  # from here on (the sign-in form itself is a 401)
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    await page.get_by_role("button", name="Sign in").click()
    await page.locator("#top-clicked").wait_for()
    titles = await page.locator("#top-clicked td.title").all_text_contents()
    assert titles == [IMG, SVG]
    assert "token" not in page.url and ADMIN_TOKEN not in page.url
    await until(page, "() => document.images.length === 4 && [...document.images].every(i => i.complete)")
    widths = await page.eval_on_selector_all(".plot img", "imgs => imgs.map(i => i.naturalWidth)")
    assert widths == [640, 640, 640, 640]
    assert await page.locator("#plot-click_through .total strong").text_content() == "60.0 %"  # 3 clicks, 5 views
    await assert_inert(page)
    assert problems == []  # no policy violation, no failed load


async def test_the_widget_shows_what_the_shopper_typed_and_hostile_cards_as_text(aiohttp_server, shop, browser):
    server = await aiohttp_server(build_app(ServerConfig(), serving(shop)))
    page = await open_page(browser, str(server.make_url("/")))
    box = page.get_by_label("Message the shop assistant")
    await box.fill(SHOPPER_SAYS[0])
    await box.press("Enter")
    await page.locator(".message.bot .card").nth(1).wait_for()
    assert SHOPPER_SAYS[0] in await page.locator(".message.user .bubble").all_text_contents()
    titles = await page.locator(".card-title").all_text_contents()
    assert IMG in titles and SVG in titles
    await assert_inert(page)


async def test_a_product_page_shows_a_hostile_title_description_and_link_as_text(aiohttp_server, shop, browser):
    server = await aiohttp_server(build_app(ServerConfig(), serving(shop)))
    page = await open_page(browser, str(server.make_url("/products/evil-img")))
    assert IMG in await page.locator("h1").text_content()
    assert SCRIPT in await page.locator("body").text_content()
    await assert_inert(page)
