"""The widget's WebSocket protocol, driven like a browser would."""
from __future__ import annotations

import aiohttp
import pytest

from agent.config import ServerConfig
from channels.testing import FakeAgent, demo_products


async def _receive(ws) -> dict:
    return await ws.receive_json(timeout=5)


async def _open(client, path: str = "/webchat/ws", **kwargs):
    ws = await client.ws_connect(path, **kwargs)
    session = await _receive(ws)
    assert session["type"] == "session"
    return ws, session


async def test_conversation_over_the_socket(client, fake_agent):
    ws, session = await _open(client)
    assert len(session["session_id"]) >= 16
    assert session["max_message_chars"] == 4000

    query = "show me red sneakers under 80 dollars"
    await ws.send_json({"type": "message", "text": query, "session_id": session["session_id"]})
    assert await _receive(ws) == {"type": "typing"}
    bot = await _receive(ws)

    assert bot["type"] == "bot"
    (message,) = bot["messages"]
    assert message["text"].startswith("I found 4 matches")
    assert message["products"][0]["image"] == "/media/images/sku-004.png"
    assert message["quick_replies"][0] == {"title": "Cheaper", "payload": "show me red sneakers under 62 dollars"}
    assert fake_agent.received[0].sender_id == session["session_id"]
    assert fake_agent.received[0].channel == "webchat"
    await ws.close()


async def test_a_message_of_several_thousand_characters_is_taken(client, fake_agent):
    ws, session = await _open(client)
    text = "Long story, sorry. " * 180 + "Show me red sneakers under 80 dollars, €, ñ, 😀."
    assert 3000 < len(text) <= session["max_message_chars"]
    await ws.send_json({"type": "message", "text": text})
    assert await _receive(ws) == {"type": "typing"}
    assert (await _receive(ws))["type"] == "bot"
    assert fake_agent.received[-1].text == text.strip()
    await ws.close()


BAD_FRAMES = [
    ("not json", "malformed JSON"),
    ("[1]", "must be a JSON object, got array"),
    ('{"type": "hello"}', 'unknown frame type "hello"'),
    ('{"type": "message"}', "'text' is missing"),
    ('{"type": "message", "text": 5}', "'text' must be a string"),
    ('{"type": "message", "text": "  "}', "'text' is empty"),
    ('{"type": "message", "text": "' + "x" * 4001 + '"}', "the limit is 4000"),
    ('{"type": "message", "text": "hi", "session_id": "../../x"}', "'session_id' must be"),
    ('{"type": "message", "text": ' + "[" * 5000 + "]" * 5000 + "}", "deep: the limit is 64"),
    ('{"type": "message", "text": "hi", "n": ' + "9" * 5000 + "}", "5000 characters"),
]


@pytest.mark.parametrize(("frame", "says"), BAD_FRAMES, ids=[s for _, s in BAD_FRAMES])
async def test_bad_frames_get_an_error_and_the_socket_stays_open(client, fake_agent, frame, says):
    ws, _ = await _open(client)
    await ws.send_str(frame)
    error = await _receive(ws)
    assert error["type"] == "error"
    assert says in error["message"]

    await ws.send_json({"type": "message", "text": "boots"})
    assert (await _receive(ws))["type"] == "typing"
    assert (await _receive(ws))["messages"][0]["text"].startswith("I found 2")
    assert [m.text for m in fake_agent.received] == ["boots"]
    await ws.close()


async def test_binary_frames_are_refused_politely(client):
    ws, _ = await _open(client)
    await ws.send_bytes(b"\x00\x01")
    assert (await _receive(ws))["message"].startswith("binary frames are not supported")
    await ws.close()


async def test_reconnecting_with_the_session_replays_the_history(client):
    ws, session = await _open(client, "/ws")
    await ws.send_json({"type": "message", "text": "boots"})
    await _receive(ws), await _receive(ws)
    await ws.close()

    again, resumed = await _open(client, f"/webchat/ws?session_id={session['session_id']}")
    history = await _receive(again)

    assert resumed["session_id"] == session["session_id"]
    assert history["type"] == "history"
    turns = [(m["role"], m["text"]) for m in history["messages"]]
    assert turns == [("user", "boots"), ("bot", "I found 2 matches, from $115:")]
    assert history["messages"][1]["products"][0]["image"] == "/media/images/sku-008.png"
    await again.close()


async def test_an_invalid_session_id_gets_a_fresh_one(client):
    ws, session = await _open(client, "/webchat/ws?session_id=<script>")
    assert session["session_id"] != "<script>"
    await ws.close()


async def test_agent_failure_is_an_error_frame_and_the_socket_survives(make_client, caplog):
    class FlakyAgent(FakeAgent):
        async def handle(self, msg):
            if msg.text == "first":
                raise RuntimeError("backend down")
            return await super().handle(msg)

    client = await make_client(agent=FlakyAgent(demo_products()))
    ws, session = await _open(client)
    await ws.send_json({"type": "message", "text": "first"})
    assert (await _receive(ws))["type"] == "typing"
    error = await _receive(ws)
    assert error["type"] == "error" and "try again" in error["message"]
    assert f"webchat:{session['session_id']}" in caplog.text

    await ws.send_json({"type": "message", "text": "boots"})
    await _receive(ws)
    assert (await _receive(ws))["type"] == "bot"
    await ws.close()


async def test_frames_over_the_body_limit_close_the_socket(make_client):
    client = await make_client(ServerConfig(max_body_bytes=1024))
    ws, _ = await _open(client)
    await ws.send_str("x" * 5000)
    closing = await ws.receive(timeout=5)
    assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
    assert ws.close_code == aiohttp.WSCloseCode.MESSAGE_TOO_BIG


async def test_other_sites_cannot_open_the_socket(make_client):
    client = await make_client()
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect("/webchat/ws", headers={"Origin": "https://evil.example"})
    assert refused.value.status == 403
    own = await client.ws_connect("/webchat/ws", headers={"Origin": f"http://{client.host}:{client.port}"})
    assert (await _receive(own))["type"] == "session"
    await own.close()
    shop = await (await make_client(ServerConfig(cors_origins=("https://shop.example",)))).ws_connect(
        "/webchat/ws", headers={"Origin": "https://shop.example"}
    )
    await shop.close()
