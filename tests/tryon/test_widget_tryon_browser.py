"""The whole try-on flow in the widget, in headless Chromium, against the real app and agent."""
from __future__ import annotations

import asyncio
import base64

import pytest

from agent.config import ServerConfig
from channels.server import build_app
from tests.browser import chromium_launch_options
from tests.tryon.kit import person_photo

playwright_api = pytest.importorskip("playwright.async_api")

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DROP_PHOTO = """async (b64) => {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const data = new DataTransfer();
  data.items.add(new File([bytes], "again.jpg", { type: "image/jpeg" }));
  const chat = document.querySelector(".chat");
  chat.dispatchEvent(new DragEvent("dragenter", { dataTransfer: data, bubbles: true, cancelable: true }));
  const shown = chat.classList.contains("dragging");
  chat.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
  return shown && !chat.classList.contains("dragging");
}"""


async def loaded_image_widths(page, selector: str, timeout_s: float = 15.0) -> list[int]:
    """Natural widths of the matching images once one has loaded (polled from here: the page's CSP forbids eval)."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        widths = await page.eval_on_selector_all(selector, "imgs => imgs.map(i => i.naturalWidth)")
        if any(widths) or asyncio.get_running_loop().time() > deadline:
            return widths
        await asyncio.sleep(0.1)


async def test_shopper_uploads_a_photo_agrees_and_sees_the_preview(aiohttp_server, open_tryon_agent, tryon_config):
    server = await aiohttp_server(build_app(ServerConfig(), lambda: open_tryon_agent(tryon_config())))
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(**chromium_launch_options())
        try:
            page = await browser.new_page(viewport={"width": 1000, "height": 800})
            problems: list[str] = []
            page.on("pageerror", lambda error: problems.append(str(error)))
            await page.goto(str(server.make_url("/")))
            await page.get_by_text("online").wait_for()

            camera = page.locator("#camera-input")
            assert await camera.get_attribute("accept") == "image/*" and await camera.get_attribute("capture") == ""

            box = page.get_by_label("Message the shop assistant")
            await box.fill("red cotton t-shirt")
            await box.press("Enter")
            await page.locator(".card").first.wait_for()
            titles = await page.locator(".card-title").all_text_contents()
            ordinal = ["first", "second", "third", "fourth"][titles.index("Everyday Cotton T-Shirt")]

            await page.set_input_files("#photo-input", files=[
                {"name": "me.jpg", "mimeType": "image/jpeg", "buffer": person_photo()}])
            assert await loaded_image_widths(page, ".user-photo") == [600]
            await page.get_by_text("Before I use your photo").wait_for()
            await page.get_by_role("button", name="Yes, use my photo").click()
            await page.get_by_text("Thank you! Which one should I try on you?").wait_for()

            await box.fill(f"try the {ordinal} one on me")
            await box.press("Enter")
            await page.locator(".message.interim").get_by_text("Working on it, about 10 s…").wait_for()
            await page.get_by_text("Here's a quick preview of the Everyday Cotton T-Shirt on you").wait_for()
            picture = page.locator(".message.bot img.bubble-image")
            assert await loaded_image_widths(page, ".message.bot img.bubble-image") == [600]
            assert "/media/u/" in await picture.get_attribute("src")
            assert await picture.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [600, 900]

            assert await page.evaluate(DROP_PHOTO, base64.b64encode(person_photo(700, 1000)).decode())
            await page.get_by_text("Got your photo. Which one should I try on you?").wait_for()
            assert await page.locator(".user-photo").count() == 2

            await page.reload()  # the try-on picture is part of the conversation's history
            await page.get_by_text("Here's a quick preview").wait_for()
            assert await loaded_image_widths(page, ".message.bot img.bubble-image") == [600]
            assert problems == []
        finally:
            await browser.close()
