"""The admin dashboard: figures from planted conversations, ratings and events; the token; sign-in.

Planted over three days (today, two days ago, forty days ago: outside a 7-day window) in the real
stores: the conversation store's SQLite file, the channels' database (the widget's thumbs) and the
recommendation event log, all read by the real app.
"""
from __future__ import annotations

import re
import sqlite3
import time

import pytest

from agent.config import ServerConfig
from agent.store import SQLiteStore
from channels.context import SERVICES
from channels.admin.dashboard import COOKIE
from channels.server import build_app
from channels.testing import FakeAgent, demo_products, serving
from channels.webchat.outbox import SCHEMA as WIDGET_SCHEMA
from knowledge.catalog_index import CatalogIndex
from knowledge.catalog_io import write_jsonl
from knowledge.embedders import HashingEmbedder
from knowledge.product import Product
from skills.recommend import RecommendSkill
from skills.recommend.events import Event, EventStore
from skills.recommend.service import Recommender, RecommendSettings, catalog_items

TOKEN = "dashboard-token-for-tests"
DAY = 86_400
EVIL_TITLE = '<img src=x onerror="window.pwned=1">"><svg onload=window.pwned=2> Boot'
EVIL = Product(id="evil-1", title=EVIL_TITLE, brand="X", colour="red", product_type="boots", price=10)


def today_start() -> float:
    return time.time() // DAY * DAY + 60  # a minute past midnight (UTC): today, and never in the future


def day_of(ts: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(ts))


async def plant_conversations(store: SQLiteStore, path) -> None:
    today = today_start()
    plan = {  # conversation -> (start, roles)
        "webchat:a": (today, ["user", "bot"]),
        "webchat:b": (today, ["user", "bot", "user", "handoff"]),
        "webchat:c": (today, ["bot"]),  # never a shopper's message: not a conversation
        "rest:d": (today - 2 * DAY, ["user", "bot"]),
        "rest:e": (today - 2 * DAY, ["user", "bot", "user", "bot"]),
        "telegram:f": (today - 2 * DAY, ["user", "handoff"]),
        "rest:g": (today - 40 * DAY, ["user", "handoff"]),  # outside the window
        "rest:h": (today - 10 * DAY, ["user", "bot"]),  # started before the window, active today
    }
    for conversation, (_, roles) in plan.items():
        for role in roles:
            await store.append(conversation, role, f"{role} says hi")
    with sqlite3.connect(path) as db:
        for conversation, (start, _) in plan.items():
            db.execute("UPDATE events SET ts = ? + seq WHERE conversation_id = ?", (start, conversation))
        db.execute("UPDATE events SET ts = ? WHERE conversation_id = 'rest:h' AND role = 'bot'", (today,))


async def plant_ratings(channels_db) -> None:
    today = today_start()
    rows = ([("s1", n, "up", today) for n in range(3)] + [("s1", 9, "down", today)] +
            [("s2", 1, "down", today - 2 * DAY)] + [("s3", n, "up", today - 40 * DAY) for n in range(5)])
    for row in rows:
        await channels_db.run("INSERT INTO widget_feedback (session, message_id, rating, ts) VALUES (?, ?, ?, ?)", row)


def plant_events(events: EventStore) -> None:
    today = today_start()
    planted = ([("view", f"sku-00{n}", today) for n in range(1, 5)] + [("click", "sku-001", today)] +
               [("view", f"sku-00{n}", today - 2 * DAY) for n in range(1, 7)] +
               [("click", "evil-1", today - 2 * DAY)] * 2 + [("add_to_cart", "evil-1", today - 2 * DAY)] +
               [("click", "sku-002", today - 40 * DAY)])
    events.add(Event(id=f"e{n}", user="webchat:s1", type=kind, item=item, ts=ts + n)
               for n, (kind, item, ts) in enumerate(planted))


@pytest.fixture
async def shop(tmp_path, monkeypatch):
    monkeypatch.setenv("AISLE_ADMIN_TOKEN", TOKEN)
    products = [*demo_products(), EVIL]
    index = CatalogIndex.open(write_jsonl(products, tmp_path / "catalog.jsonl"), tmp_path / "index",
                              HashingEmbedder(dim=64), progress=False)
    events = EventStore.open(tmp_path / "events.db")
    agent = FakeAgent(products, store=SQLiteStore.open(tmp_path / "aisle.db"),
                      skills=(RecommendSkill(Recommender(catalog_items(index), events, RecommendSettings())),))
    await plant_conversations(agent.store, tmp_path / "aisle.db")
    plant_events(events)
    app = build_app(ServerConfig(), serving(agent), channels=("rest", "webchat", "admin"))
    yield app
    events.close()
    await agent.store.close()


@pytest.fixture
async def admin(aiohttp_client, shop):
    client = await aiohttp_client(shop)
    db = client.app[SERVICES].db
    db.script(WIDGET_SCHEMA)
    await plant_ratings(db)
    return client


BEARER = {"Authorization": f"Bearer {TOKEN}"}


async def test_the_figures_are_computed_from_what_was_planted(admin):
    response = await admin.get("/admin/dashboard.json?days=7", headers=BEARER)
    assert response.status == 200 and response.headers["Cache-Control"] == "no-store"
    figures = await response.json()
    today, two_days_ago = day_of(today_start()), day_of(today_start() - 2 * DAY)
    days = {d["day"]: d for d in figures["days"]}
    assert len(days) == 7 and figures["days"][-1]["day"] == today
    assert figures["since"] == day_of(today_start() - 6 * DAY)
    assert (days[today]["conversations"], days[today]["handed_off"], days[today]["containment_rate"]) == (2, 1, 0.5)
    assert (days[two_days_ago]["conversations"], days[two_days_ago]["handed_off"]) == (3, 1)
    assert days[two_days_ago]["containment_rate"] == 0.6667 and days[two_days_ago]["handoff_rate"] == 0.3333
    assert (days[today]["thumbs_up"], days[today]["thumbs_down"], days[today]["csat"]) == (3, 1, 0.75)
    assert days[two_days_ago]["csat"] == 0.0
    assert (days[today]["card_views"], days[today]["card_clicks"], days[today]["click_through_rate"]) == (4, 1, 0.25)
    assert (days[two_days_ago]["card_views"], days[two_days_ago]["card_clicks"]) == (6, 2)
    quiet = days[day_of(today_start() - DAY)]
    assert quiet["conversations"] == 0 and quiet["containment_rate"] is None and quiet["csat"] is None
    totals = figures["totals"]
    assert (totals["conversations"], totals["contained"], totals["handed_off"]) == (5, 3, 2)
    assert (totals["containment_rate"], totals["handoff_rate"], totals["csat"]) == (0.6, 0.4, 0.6)
    assert (totals["card_views"], totals["card_clicks"], totals["click_through_rate"]) == (10, 3, 0.3)
    assert figures["top_clicked"] == [{"id": "evil-1", "title": EVIL_TITLE, "clicks": 2},
                                      {"id": "sku-001", "title": "Velocity Runner", "clicks": 1}]
    wider = await (await admin.get("/admin/dashboard.json?days=60", headers=BEARER)).json()
    assert wider["totals"]["conversations"] == 7 and wider["totals"]["thumbs_up"] == 8


@pytest.mark.parametrize("path", ["/admin/dashboard.json", "/admin/plots/csat.png", "/admin"])
@pytest.mark.parametrize("how", [{}, {"headers": {"Authorization": "Bearer wrong"}},
                                 {"headers": {"Cookie": f"{COOKIE}=9999999999.{'0' * 64}"}},
                                 {"params": {"token": TOKEN}}])
async def test_without_the_token_every_dashboard_route_answers_401(admin, path, how):
    response = await admin.get(path, **how)
    assert response.status == 401
    body = await response.text()
    assert "Velocity" not in body and "conversations" not in body
    if path == "/admin":  # the sign-in form, under the page's policy
        assert 'name="token"' in body and "default-src 'none'" in response.headers["Content-Security-Policy"]


async def test_signing_in_sets_a_strict_cookie_that_opens_the_page_and_the_plots(admin):
    wrong = await admin.post("/admin/login", data={"token": "nope"}, allow_redirects=False)
    assert wrong.status == 401 and "not right" in await wrong.text() and COOKIE not in wrong.cookies
    forged = await admin.post("/admin/login", data={"token": TOKEN}, headers={"Origin": "https://evil.example"},
                              allow_redirects=False)
    assert forged.status == 403
    behind_tls = await admin.post("/admin/login", data={"token": TOKEN}, allow_redirects=False,
                                  headers={"Origin": f"https://{admin.server.host}:{admin.server.port}"})
    assert behind_tls.status == 303  # a proxy ended TLS: same host, other scheme
    response = await admin.post("/admin/login", data={"token": TOKEN}, allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/admin"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/admin" in cookie and TOKEN not in cookie
    page = await admin.get("/admin?days=7")
    html = await page.text()
    assert page.status == 200 and "script-src" not in page.headers["Content-Security-Policy"]
    assert "<script" not in html and EVIL_TITLE not in html and "&lt;img src=x onerror=" in html
    assert re.search(r'id="totals".*Conversations</th><td>5<', html)
    plot = await admin.get("/admin/plots/containment.png?days=7")
    assert plot.status == 200 and plot.content_type == "image/png" and (await plot.read())[:8] == b"\x89PNG\r\n\x1a\n"
    assert (await admin.get("/admin/plots/nothing.png")).status == 404
    assert (await admin.get("/admin/dashboard.json?days=0")).status == 400
    await admin.post("/admin/logout", allow_redirects=False)
    assert (await admin.get("/admin/dashboard.json")).status == 401


async def test_sign_in_attempts_are_limited_per_address(admin):
    statuses = [(await admin.post("/admin/login", data={"token": "guess"}, allow_redirects=False)).status
                for _ in range(7)]
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429, 429]


@pytest.mark.parametrize("days", ["-1", "abc", "1e3", "99999999999999999999", "", "366", "３"])
async def test_a_bad_window_is_a_400_naming_days(admin, days):
    response = await admin.get("/admin/dashboard.json", params={"days": days}, headers=BEARER)
    assert response.status == 400 and (await response.json())["field"] == "days"


@pytest.mark.parametrize(("body", "content_type"), [
    (b"token=%ff%fe", "application/x-www-form-urlencoded"),
    (b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded"),
    (b'{"token": "dashboard-token-for-tests"}', "application/json"),
    (b"--x\r\nContent-Disposition: form-data; name=\"token\"; filename=\"t.txt\"\r\n\r\n"
     b"dashboard-token-for-tests\r\n--x--\r\n", "multipart/form-data; boundary=x"),
])
async def test_odd_sign_in_bodies_are_refused_without_a_server_error(admin, body, content_type):
    response = await admin.post("/admin/login", data=body, headers={"Content-Type": content_type},
                                allow_redirects=False)
    assert response.status in (400, 401) and COOKIE not in response.cookies


async def test_signing_out_revokes_the_session_cookie_itself(admin):
    response = await admin.post("/admin/login", data={"token": TOKEN}, allow_redirects=False)
    cookie = response.cookies[COOKIE].value
    kept = {COOKIE: cookie}  # what an attacker who copied the cookie still holds after the sign-out
    assert (await admin.get("/admin/dashboard.json", cookies=kept)).status == 200
    assert (await admin.post("/admin/logout", allow_redirects=False)).status == 303
    assert (await admin.get("/admin/dashboard.json", cookies=kept)).status == 401
    assert (await admin.get("/admin/plots/csat.png", cookies=kept)).status == 401
    again = await admin.post("/admin/login", data={"token": TOKEN}, allow_redirects=False)
    assert (await admin.get("/admin/dashboard.json", cookies={COOKIE: again.cookies[COOKIE].value})).status == 200
