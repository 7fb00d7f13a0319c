"""The agent console over HTTP and its WebSocket: sign-in, cookies, who may connect, the actions."""
from __future__ import annotations

import pytest

from agent.config import ServerConfig
from agent.config_channels import ChannelsConfig, ConsoleConfig
from channels.server import build_app, default_channels
from channels.testing import serving

TOKEN = "console-team-token-123"


@pytest.fixture
def console_env(monkeypatch):
    monkeypatch.setenv("AISLE_CONSOLE_TOKEN", TOKEN)


@pytest.fixture
async def console(console_env, aiohttp_client, fake_agent, tmp_path):
    config = ChannelsConfig(console=ConsoleConfig(canned_replies=("Hello, I'm here to help.",)))
    app = build_app(ServerConfig(), serving(fake_agent), platforms=config, channels_db=tmp_path / "channels.db")
    return await aiohttp_client(app)


async def sign_in(client, token: str = TOKEN, name: str = "Sam"):
    return await client.post("/console/login", json={"token": token, "name": name})


def test_the_console_is_served_only_when_its_token_is_set():
    assert "console" in default_channels(ServerConfig(), environ={"AISLE_CONSOLE_TOKEN": "x"})
    assert "console" not in default_channels(ServerConfig(), environ={})


async def test_sign_in_sets_a_strict_http_only_cookie_scoped_to_the_console(console):
    page = await console.get("/console")
    assert page.status == 200 and "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert await (await console.get("/console/me")).json() == {"agent": None}
    response = await sign_in(console)
    assert response.status == 204
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/console" in cookie
    assert await (await console.get("/console/me")).json() == {"agent": "Sam"}
    await console.post("/console/logout")
    assert await (await console.get("/console/me")).json() == {"agent": None}


async def test_a_wrong_token_is_refused_and_guessing_is_slowed_down(console):
    assert (await sign_in(console, token="console-team-token-124")).status == 401
    assert await (await console.get("/console/me")).json() == {"agent": None}
    for _ in range(9):
        await sign_in(console, token="guess")
    limited = await sign_in(console)
    assert limited.status == 429 and int(limited.headers["Retry-After"]) >= 1


async def test_the_socket_needs_a_session_or_the_bearer_token_and_the_same_origin(console):
    from aiohttp import WSServerHandshakeError

    with pytest.raises(WSServerHandshakeError) as refused:
        await console.ws_connect("/console/ws")
    assert refused.value.status == 401
    ws = await console.ws_connect("/console/ws?name=Robot", headers={"Authorization": f"Bearer {TOKEN}"})
    hello = await ws.receive_json(timeout=5)
    assert hello["agent"] == "Robot" and [c["text"] for c in hello["canned"]] == ["Hello, I'm here to help."]
    await ws.close()
    await sign_in(console)
    with pytest.raises(WSServerHandshakeError) as elsewhere:
        await console.ws_connect("/console/ws", headers={"Origin": "https://evil.example"})
    assert elsewhere.value.status == 403


async def _until(ws, kind: str, **match) -> dict:
    while True:
        frame = await ws.receive_json(timeout=5)
        if frame["type"] == kind and all(frame.get(k) == v for k, v in match.items()):
            return frame


async def test_a_colleague_sees_the_queue_and_the_transcript_takes_over_replies_and_returns(console, fake_agent):
    await sign_in(console)
    ws = await console.ws_connect("/console/ws")
    await _until(ws, "hello")
    assert (await _until(ws, "queue"))["items"] == []

    await console.post("/webhooks/rest/webhook", json={"sender": "ann", "message": "red sneakers under 80"})
    await console.post("/webhooks/rest/webhook", json={"sender": "ann", "message": "talk to a person"})
    (ticket,) = (await _until(ws, "queue"))["items"]
    assert ticket["conversation_id"] == "rest:ann" and ticket["position"] == 1 and ticket["status"] == "waiting"

    await ws.send_json({"type": "open", "conversation_id": "rest:ann"})
    view = await _until(ws, "conversation")
    roles = [t["role"] for t in view["turns"]]
    assert roles == ["user", "bot", "user", "bot", "notice"]
    assert [p["title"] for p in view["turns"][1]["products"]][:2] == ["Canvas Everyday", "Velocity Runner"]
    assert view["turns"][1]["quick_replies"][0] == "Cheaper"

    await ws.send_json({"type": "take", "conversation_id": "rest:ann"})
    assert (await _until(ws, "queue"))["items"][0]["agent"] == "Sam"
    await ws.send_json({"type": "note", "conversation_id": "rest:ann", "text": "Wants size 9."})
    await ws.send_json({"type": "reply", "conversation_id": "rest:ann", "text": "Hi Ann, Sam here."})
    view = await _until(ws, "conversation")
    while not any(t["role"] == "agent" for t in view["turns"]):
        view = await _until(ws, "conversation")
    assert [t["text"] for t in view["turns"] if t["role"] == "note"] == ["Wants size 9."]
    assert (await fake_agent.store.load_state("rest:ann"))["handoff"]["status"] == "active"

    silent = await console.post("/webhooks/rest/webhook", json={"sender": "ann", "message": "thanks"})
    assert await silent.json() == []  # the assistant stays out of it
    await ws.send_json({"type": "return", "conversation_id": "rest:ann"})
    assert (await _until(ws, "queue"))["items"] == []
    back = await console.post("/webhooks/rest/webhook", json={"sender": "ann", "message": "show me boots"})
    assert (await back.json())[0]["text"].startswith("I found 2")
    await ws.send_json({"type": "take", "conversation_id": "rest:ann"})
    assert "not in the queue" in (await _until(ws, "error"))["message"]
    await ws.close()


async def test_outside_business_hours_the_shopper_is_asked_to_leave_a_message(console_env, aiohttp_client,
                                                                               fake_agent, tmp_path):
    from agent.config_channels import HandoffConfig

    closed = ChannelsConfig(handoff=HandoffConfig(hours=("sun 00:00-00:01",), timezone="Pacific/Kiritimati"))
    client = await aiohttp_client(build_app(ServerConfig(), serving(fake_agent), platforms=closed))
    replies = await (await client.post("/webhooks/rest/webhook",
                                       json={"sender": "bo", "message": "talk to a person"})).json()
    assert "Leave your message here" in replies[-1]["text"] and "at 00:00" in replies[-1]["text"]


async def test_a_session_outlasts_a_restart_and_only_its_hash_is_stored(console_env, aiohttp_client, fake_agent,
                                                                        tmp_path, monkeypatch):
    import sqlite3

    def start():
        app = build_app(ServerConfig(), serving(fake_agent), platforms=ChannelsConfig(),
                        channels_db=tmp_path / "channels.db")
        return aiohttp_client(app)

    first = await start()
    session_id = (await sign_in(first)).cookies["aisle_console"].value
    cookie = {"Cookie": f"aisle_console={session_id}"}
    restarted = await start()  # a new process on the same database
    assert await (await restarted.get("/console/me", headers=cookie)).json() == {"agent": "Sam"}
    ws = await restarted.ws_connect("/console/ws", headers=cookie)
    assert (await _until(ws, "hello"))["agent"] == "Sam"
    await ws.close()

    stored = sqlite3.connect(tmp_path / "channels.db").execute("SELECT * FROM console_sessions").fetchall()
    assert len(stored) == 1 and session_id not in repr(stored)
    monkeypatch.setenv("AISLE_CONSOLE_TOKEN", "a-new-team-token")  # a new token signs everyone out
    rotated = await start()
    assert await (await rotated.get("/console/me", headers=cookie)).json() == {"agent": None}


async def test_a_session_ends_when_it_expires(console_env, tmp_path):
    from channels.channel_db import ChannelDB
    from channels.console.auth import SCHEMA, ConsoleSessions

    db = ChannelDB.open(tmp_path / "channels.db")
    db.script(SCHEMA)
    now = [1_000_000.0]
    sessions = ConsoleSessions(TOKEN.encode(), lambda: db, hours=12, clock=lambda: now[0])
    assert await sessions.sign_in("wrong", "Sam") is None
    session_id = await sessions.sign_in(TOKEN, "Sam")
    now[0] += 11 * 3600
    assert await sessions.agent(session_id) == "Sam"
    now[0] += 2 * 3600
    assert await sessions.agent(session_id) is None
    db.close()


async def test_past_conversations_are_found_by_words_order_number_customer_and_product(console, fake_agent):
    await console.post("/webhooks/rest/webhook", json={"sender": "ann", "message": "where is ORD-123456?"})
    await console.post("/webhooks/rest/webhook", json={"sender": "bo", "message": "red sneakers under 80"})
    await fake_agent.store.save_state("telegram:cy", {"customer": "cy@example.com"})
    await sign_in(console)
    ws = await console.ws_connect("/console/ws")
    await _until(ws, "hello")

    async def search(query: str) -> list[str]:
        await ws.send_json({"type": "search", "query": query})
        return [r["conversation_id"] for r in (await _until(ws, "search", query=query))["results"]]

    assert await search("ord 123456") == ["rest:ann"]  # as a shopper might type it
    assert await search("cy@example.com") == ["telegram:cy"]
    assert await search("Canvas Everyday") == ["rest:bo"]  # a product the assistant showed bo
    assert await search("under 80") == ["rest:bo"]
    assert await search("nobody ever said this") == []
    await ws.send_json({"type": "search", "query": "x" * 500})
    assert "too long" in (await _until(ws, "error"))["message"]
    await ws.close()


async def test_canned_replies_are_the_teams_own_with_variables_filled_for_each_shopper(console, fake_agent):
    await console.post("/webhooks/rest/webhook", json={"sender": "ann", "message": "talk to a person"})
    await fake_agent.store.save_state("rest:ann", {**await fake_agent.store.load_state("rest:ann"),
                                                   "customer": "ann@example.com"})
    await sign_in(console)
    sam = await console.ws_connect("/console/ws")
    await _until(sam, "hello")
    alex = await console.ws_connect("/console/ws?name=Alex", headers={"Authorization": f"Bearer {TOKEN}"})
    await _until(alex, "hello")

    await sam.send_json({"type": "canned_add", "text": "Hi, {agent} here: I'll check {email} for you."})
    items = (await _until(alex, "canned"))["items"]  # every colleague sees the new reply
    assert [c["text"] for c in items][-1] == "Hi, {agent} here: I'll check {email} for you."
    await sam.send_json({"type": "canned_add", "text": "Your {parcel} is coming"})
    assert "unknown variable {parcel}" in (await _until(sam, "error"))["message"]

    await sam.send_json({"type": "reply", "conversation_id": "rest:ann", "text": items[-1]["text"]})
    view = await _until(sam, "conversation")
    while not any(t["role"] == "agent" for t in view["turns"]):
        view = await _until(sam, "conversation")
    assert [t["text"] for t in view["turns"] if t["role"] == "agent"] == ["Hi, Sam here: I'll check ann@example.com for you."]
    await sam.send_json({"type": "reply", "conversation_id": "rest:ann", "text": "Your order {order} is {order_status}"})
    assert "no value for {order}" in (await _until(sam, "error"))["message"]

    await sam.send_json({"type": "canned_delete", "id": items[-1]["id"]})
    assert all(c["id"] != items[-1]["id"] for c in (await _until(alex, "canned"))["items"])
    await sam.close()
    await alex.close()


async def test_a_colleague_sends_product_cards_and_exports_the_shoppers_data(console, fake_agent):
    await console.post("/webhooks/rest/webhook", json={"sender": "ann", "message": "talk to a person"})
    await sign_in(console)
    ws = await console.ws_connect("/console/ws")
    await _until(ws, "hello")
    await ws.send_json({"type": "products", "query": "boot"})
    found = (await _until(ws, "products"))["items"]
    assert found and all("boot" in p["title"].lower() for p in found)
    await ws.send_json({"type": "reply", "conversation_id": "rest:ann", "text": "These might suit you:",
                        "products": [found[0]["id"]]})
    view = await _until(ws, "conversation")
    while not any(t["role"] == "agent" for t in view["turns"]):
        view = await _until(ws, "conversation")
    (said,) = [t for t in view["turns"] if t["role"] == "agent"]
    assert [p["title"] for p in said["products"]] == [found[0]["title"]]
    await ws.send_json({"type": "reply", "conversation_id": "rest:ann", "text": "x", "products": ["no-such-sku"]})
    assert "no product 'no-such-sku'" in (await _until(ws, "error"))["message"]

    await ws.send_json({"type": "export", "conversation_id": "rest:ann"})
    exported = (await _until(ws, "export"))["data"]
    assert exported["user"] == "ann" and exported["conversations"][0]["id"] == "rest:ann"
    assert "These might suit you:" in [m["text"] for m in exported["conversations"][0]["messages"]]
    await ws.close()


async def test_the_teams_canned_replies_outlast_a_restart_and_the_configured_ones_are_copied_once(tmp_path):
    from channels.channel_db import ChannelDB
    from channels.console.canned import SCHEMA, CannedReplies

    def opened() -> CannedReplies:
        db = ChannelDB.open(tmp_path / "channels.db")
        db.script(SCHEMA)
        return CannedReplies(db, ["Hello!"])

    first = opened()
    await first.add("Thanks for waiting, {first_name}.")
    (hello, _), = [[c["id"] for c in await first.all()]]
    await first.delete(hello)
    first.db.close()
    assert [c["text"] for c in await opened().all()] == ["Thanks for waiting, {first_name}."]


async def test_a_waiting_conversation_is_assigned_to_a_colleague_who_sees_it_as_theirs(console):
    await console.post("/webhooks/rest/webhook", json={"sender": "ann", "message": "talk to a person"})
    await sign_in(console)
    sam = await console.ws_connect("/console/ws")
    await _until(sam, "hello")
    alex = await console.ws_connect("/console/ws?name=Alex", headers={"Authorization": f"Bearer {TOKEN}"})
    queue = await _until(sam, "queue", colleagues=["Alex", "Sam"])  # who can be chosen
    assert queue["items"][0]["status"] == "waiting"
    await sam.send_json({"type": "assign", "conversation_id": "rest:ann", "to": "Alex"})
    (ticket,) = (await _until(alex, "queue", items=[{**queue["items"][0], "assigned": "Alex"}]))["items"]
    assert ticket["status"] == "waiting" and ticket["agent"] == ""  # still Alex's to take
    await sam.close()
    await alex.close()
