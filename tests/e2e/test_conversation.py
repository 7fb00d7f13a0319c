"""The real server, started as a user starts it, answering over REST and WebSocket."""
import json
import sqlite3

import aiohttp
import pytest

from tests.e2e.server_process import ServerProcess

pytestmark = pytest.mark.slow


async def rest(server, sender, message):
    async with aiohttp.ClientSession() as http:
        async with http.post(server.url + "/webhooks/rest/webhook",
                             json={"sender": sender, "message": message}) as response:
            assert response.status == 200, await response.text()
            return await response.json()


def products_in(replies):
    return [p for r in replies if "custom" in r for p in r["custom"].get("products", [])]


def texts_in(replies):
    return " ".join(r.get("text", "") for r in replies)


async def test_red_sneakers_under_80_over_rest(server):
    replies = await rest(server, "alice", "show me red sneakers under 80 dollars")
    products = products_in(replies)
    assert products, replies
    for product in products:
        assert product["colour"] == "red"
        assert product["product_type"] == "sneakers"
        assert product["price"] <= 80
        assert product["image"] and product["url"] and product["title"]
    assert all(r["recipient_id"] == "alice" for r in replies)


def catalog(server):
    path = server.data_dir / "demo" / "catalog.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.mark.parametrize("message, check", [
    ("blue jeans under 60", lambda p: p["colour"] == "blue" and p["product_type"] == "jeans" and p["price"] <= 60),
    ("black boots over 100 dollars",
     lambda p: p["colour"] == "black" and p["product_type"] == "boots" and p["price"] >= 100),
    ("kitchen stuff between 20 and 40 dollars", lambda p: p["category"] == "kitchen" and 20 <= p["price"] <= 40),
    ("white sneakers", lambda p: p["colour"] == "white" and p["product_type"] == "sneakers"),
])
async def test_results_satisfy_the_filters_or_the_reply_says_none_do(server, message, check):
    replies = await rest(server, "bob", message)
    products = products_in(replies)
    assert products, message
    matching = [p for p in catalog(server) if check(p) and p["stock"] > 0]  # sold out: not suggested unless asked
    if matching:
        assert all(check(p) for p in products), (message, products)
        assert len(products) == min(6, len(matching))
    else:
        assert "found no" in texts_in(replies).lower()


async def test_no_exact_match_is_said_honestly(server):
    replies = await rest(server, "carol", "purple sneakers under 5 dollars")
    assert "found no" in texts_in(replies).lower()
    assert products_in(replies), "the closest products are still shown"


async def test_greeting_and_out_of_scope(server):
    assert "shop assistant" in texts_in(await rest(server, "dave", "hello there")).lower()
    reply = texts_in(await rest(server, "dave", "what's the weather like in Paris today?"))
    assert "can't help" in reply.lower()


async def test_websocket_conversation(server):
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(server.url + "/ws") as ws:
            session = await receive(ws, "session")
            await ws.send_json({"type": "message", "text": "red sneakers under 80",
                                "session_id": session["session_id"]})
            bot = await receive(ws, "bot")
    products = [p for m in bot["messages"] for p in m.get("products", [])]
    assert products and all(p["colour"] == "red" and p["price"] <= 80 for p in products)


async def receive(ws, kind):
    for _ in range(10):
        frame = await ws.receive_json(timeout=30)
        if frame["type"] == kind:
            return frame
    raise AssertionError(f"no {kind!r} frame")


@pytest.mark.parametrize("body, status, words", [
    (b"{not json", 400, "json"),
    (json.dumps({"sender": "x"}).encode(), 400, "message"),  # a missing sender is Rasa's "default"
    (json.dumps({"sender": "x", "message": "a" * 1_000_000}).encode(), 413, ""),
])
async def test_bad_input_gets_a_clear_4xx_and_the_server_keeps_serving(server, body, status, words):
    async with aiohttp.ClientSession() as http:
        async with http.post(server.url + "/webhooks/rest/webhook", data=body,
                             headers={"Content-Type": "application/json"}) as response:
            assert response.status == status
            assert words in (await response.text()).lower()
    assert products_in(await rest(server, "erin", "red sneakers"))


async def test_conversation_survives_a_restart(tmp_path):
    first = ServerProcess(tmp_path / "data").start()
    try:
        await rest(first, "frank", "show me red sneakers under 80 dollars")
    finally:
        first.stop()
    with sqlite3.connect(tmp_path / "data" / "aisle.db") as db:
        rows = db.execute("SELECT role, text FROM events WHERE conversation_id = 'rest:frank' ORDER BY seq").fetchall()
    assert rows[0] == ("user", "show me red sneakers under 80 dollars") and rows[1][0] == "bot"

    second = ServerProcess(tmp_path / "data").start()
    try:
        await rest(second, "frank", "thanks")
        with sqlite3.connect(tmp_path / "data" / "aisle.db") as db:
            count = db.execute("SELECT COUNT(*) FROM events WHERE conversation_id = 'rest:frank'").fetchone()[0]
        assert count == 4
    finally:
        second.stop()


def buttons_in(replies):
    return [b["title"] for r in replies for b in r.get("buttons", [])]


async def test_ten_turns_with_refinements_an_order_a_policy_and_a_person(server):
    """The shopper of the README: search, narrow down, pick, ask, track, read a policy, get a person."""
    say = lambda text: rest(server, "gina", text)  # noqa: E731 - one conversation, one sender
    found = products_in(await say("running shoes"))
    assert found and all(p["product_type"] == "running shoes" for p in found)
    cheaper = products_in(await say("cheaper"))
    assert cheaper and max(p["price"] for p in cheaper) < sorted(p["price"] for p in found)[len(found) // 2]
    blue = products_in(await say("in blue?"))
    assert blue and all(p["colour"] == "blue" and p["product_type"] == "running shoes" for p in blue)
    picked = await say(f"the {'second' if len(blue) > 1 else 'first'} one, size 9")
    assert [p["id"] for p in products_in(picked)] == [blue[min(1, len(blue) - 1)]["id"]]
    assert "size 9" in texts_in(picked)
    assert "made of" in texts_in(await say("what is it made of?"))
    similar = products_in(await say("more like this"))
    assert similar and picked and all(p["id"] != blue[min(1, len(blue) - 1)]["id"] for p in similar)
    order = texts_in(await say("where is my last order?"))
    assert "Order ORD-" in order and "placed" in order
    assert "shipping.md" in texts_in(await say("how long does shipping take?"))
    handed = await say("this is useless, get me a person")  # asked for outright: handed over, no "shall I?"
    assert "colleague" in texts_in(handed) and "Talk to a person" not in buttons_in(handed)
    with sqlite3.connect(server.data_dir / "aisle.db") as db:
        state = json.loads(db.execute("SELECT state FROM conversations WHERE id = 'rest:gina'").fetchone()[0])
    assert state["handoff"]["status"] == "requested" and state["last_search"]["product_type"] == "running shoes"
    assert len(state["history"]) == 9
