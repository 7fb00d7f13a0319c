"""A shopper in the widget and a colleague in the agent console, two real browser sessions in
headless Chromium: a streamed answer rated, a handoff round trip, and the assistant back again."""
from __future__ import annotations

import pytest

from agent.config import ServerConfig
from channels.server import build_app
from channels.testing import serving
from tests.browser import chromium_launch_options

playwright_api = pytest.importorskip("playwright.async_api")

pytestmark = [pytest.mark.browser, pytest.mark.slow]
TOKEN = "console-browser-token"


async def drop_connections(app, session_id: str) -> None:
    """Close the widget's sockets of one session from the server side, like a network drop."""
    from channels.webchat.socket import WebchatSocket

    (widget,) = {r.handler.__self__ for r in app.router.routes() if isinstance(getattr(r.handler, "__self__", None),
                                                                                  WebchatSocket)}
    for ws in list(widget.sockets.get(session_id, ())):
        await ws.close()


@pytest.fixture
async def two_browsers():
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(**chromium_launch_options())
        pages, problems = [], []
        for _ in range(3):  # separate contexts: separate cookies and storage, like three people
            context = await browser.new_context(viewport={"width": 1100, "height": 800})
            page = await context.new_page()
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on("console", lambda msg: problems.append(msg.text)
                    if msg.type == "error" and not msg.text.startswith("Failed to load resource") else None)
            page.on("response", lambda r: problems.append(f"{r.status} {r.url}")  # /events: the fake agent keeps none
                    if r.status >= 400 and not r.url.endswith("/events") else None)
            pages.append(page)
        yield pages, problems
        await browser.close()


async def test_a_colleague_takes_over_answers_in_the_widget_and_hands_back(aiohttp_server, fake_agent, monkeypatch,
                                                                          two_browsers):
    monkeypatch.setenv("AISLE_CONSOLE_TOKEN", TOKEN)
    fake_agent.streams = True
    server = await aiohttp_server(build_app(ServerConfig(), serving(fake_agent)))
    (shopper, colleague, _), problems = two_browsers
    expect = playwright_api.expect

    await shopper.goto(str(server.make_url("/")))
    await expect(shopper.locator("#status")).to_have_text("online")
    box = shopper.get_by_label("Message the shop assistant")
    await box.fill("show me boots")
    await box.press("Enter")
    await expect(shopper.locator(".message.bot .card")).to_have_count(2)
    await expect(shopper.locator(".streaming")).to_have_count(0)  # the streamed bubble became the answer
    helped = shopper.get_by_role("button", name="This answer helped")
    await helped.click()
    await expect(helped).to_have_attribute("aria-pressed", "true")

    await shopper.get_by_role("button", name="Talk to a person").last.click()
    await expect(shopper.locator("#status")).to_have_text("waiting for a colleague · #1 in the queue")
    await expect(shopper.get_by_text("You're next in line.", exact=False)).to_be_visible()

    await colleague.goto(str(server.make_url("/console")))
    await colleague.get_by_label("Your name, as shoppers will see it").fill("Sam")
    await colleague.get_by_label("Team token").fill(TOKEN)
    await colleague.get_by_role("button", name="Sign in").click()
    ticket = colleague.locator(".ticket-button")
    await expect(ticket).to_contain_text("Web chat")
    await expect(ticket).to_contain_text("#1 · waiting")
    await ticket.click()
    transcript = colleague.locator("#transcript")
    await expect(transcript).to_contain_text("show me boots")
    await expect(transcript).to_contain_text("2. Heritage Leather Boot · USD 129.00")
    await colleague.get_by_role("button", name="Take over").click()

    await expect(shopper.locator("#status")).to_have_text("Sam from our team is here")
    await expect(shopper.get_by_text("Sam from our team has joined the conversation.")).to_be_visible()
    await box.fill("my boots are too big")
    await box.press("Enter")
    await expect(transcript).to_contain_text("my boots are too big")
    await colleague.get_by_role("button", name="Is there anything else I can help you with?", exact=True).click()
    await expect(colleague.get_by_label("Reply to the shopper")).to_have_value("Is there anything else I can help you with?")
    await colleague.get_by_label("Reply to the shopper").fill("Sorry about that! I'll send a smaller pair today.")
    bubbles = await shopper.locator(".message").count()
    await drop_connections(server.app, await shopper.evaluate("localStorage.getItem('aisle.session')"))
    await colleague.get_by_role("button", name="Send", exact=True).click()  # sent while the shopper is away
    agent_message = shopper.locator(".message.agent")
    await expect(agent_message).to_contain_text("Sam · customer service")
    await expect(agent_message).to_contain_text("I'll send a smaller pair today.")
    await expect(shopper.locator("#status")).to_have_text("Sam from our team is here")
    assert await shopper.locator(".message").count() == bubbles + 1  # resumed: nothing lost, nothing twice

    await colleague.get_by_role("button", name="Return to bot").click()
    await expect(colleague.get_by_text("Nobody is waiting.")).to_be_visible()
    await expect(shopper.locator("#status")).to_have_text("online")
    await expect(shopper.get_by_text("You're back with the shop assistant", exact=False)).to_be_visible()
    await box.fill("red sneakers under 80")
    await box.press("Enter")
    await expect(shopper.locator(".message.bot .cards")).to_have_count(2)
    assert [m.text for m in fake_agent.received][-2:] == ["my boots are too big", "red sneakers under 80"]
    assert problems == [], problems


async def sign_in(page, server, name: str) -> None:
    await page.goto(str(server.make_url("/console")))
    await page.get_by_label("Your name, as shoppers will see it").fill(name)
    await page.get_by_label("Team token").fill(TOKEN)
    await page.get_by_role("button", name="Sign in").click()


async def test_the_context_is_in_view_a_transfer_is_picked_up_and_a_late_question_is_answered(
        aiohttp_server, fake_agent, monkeypatch, two_browsers):
    monkeypatch.setenv("AISLE_CONSOLE_TOKEN", TOKEN)
    server = await aiohttp_server(build_app(ServerConfig(), serving(fake_agent)))
    (shopper, sam, alex), problems = two_browsers
    expect = playwright_api.expect

    await shopper.goto(str(server.make_url("/")))
    box = shopper.get_by_label("Message the shop assistant")
    await box.fill("show me boots")
    await box.press("Enter")
    await expect(shopper.locator(".message.bot .card")).to_have_count(2)
    await shopper.get_by_role("button", name="Talk to a person").last.click()
    await expect(shopper.locator("#status")).to_have_text("waiting for a colleague · #1 in the queue")

    await sign_in(sam, server, "Sam")
    await sign_in(alex, server, "Alex")
    ticket = sam.locator(".ticket-button")
    await expect(ticket).to_contain_text("“show me boots”")  # the request, not "a person please"
    await ticket.click()
    context = sam.locator("#context")
    for part in ("Why", "Request", "Summary"):
        await expect(context.get_by_role("heading", name=part)).to_be_in_viewport()
    await expect(context).to_contain_text("Shopper: show me boots")
    await sam.get_by_role("button", name="Take over").click()
    await expect(shopper.locator("#status")).to_have_text("Sam from our team is here")

    await sam.get_by_label("Transfer to a colleague").select_option("Alex")
    await sam.get_by_role("button", name="Transfer", exact=True).click()
    await expect(shopper.get_by_text("Sam has passed your conversation to Alex", exact=False)).to_be_visible()
    await alex.get_by_role("button", name="Mine").click()
    mine = alex.locator(".ticket-button")
    await expect(mine).to_contain_text("passed to Alex by Sam")
    await mine.click()
    await alex.get_by_role("button", name="Take over").click()
    await expect(shopper.locator("#status")).to_have_text("Alex from our team is here")

    await box.fill("do you have sneakers too?")
    await box.press("Enter")
    await expect(alex.locator("#transcript")).to_contain_text("do you have sneakers too?")
    await alex.get_by_role("button", name="Return to bot").click()
    await expect(shopper.get_by_text("You're back with the shop assistant", exact=False)).to_be_visible()
    with_cards = shopper.locator(".message.bot").filter(has=shopper.locator(".card"))
    await expect(with_cards).to_have_count(2)  # the question asked while Alex held it, answered now
    await expect(with_cards.last).to_contain_text("I found")
    assert problems == [], problems
