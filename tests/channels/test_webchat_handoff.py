"""The widget socket's numbered frames: resuming after a dropped connection, colleagues' messages,
handoff state, and thumbs up/down on answers."""
from __future__ import annotations

from agent.types import BotMessage
from channels.context import SERVICES


async def _receive(ws) -> dict:
    return await ws.receive_json(timeout=5)


async def _open(client, query: str = ""):
    ws = await client.ws_connect("/webchat/ws" + query)
    session = await _receive(ws)
    return ws, session["session_id"]


async def _say(ws, text: str) -> dict:
    await ws.send_json({"type": "message", "text": text})
    assert (await _receive(ws))["type"] == "typing"
    return await _receive(ws)


async def test_a_reconnect_gets_exactly_the_frames_it_missed(client):
    ws, session = await _open(client)
    first = await _say(ws, "show me boots")
    assert first["type"] == "bot" and isinstance(first["id"], int)
    await ws.close()

    services = client.app[SERVICES]  # a colleague writes while the shopper is away
    await services.postboxes.deliver(f"webchat:{session}", [BotMessage(text="Hi, Sam here.")], {"author": "Sam"})

    ws, _ = await _open(client, f"?session_id={session}&after={first['id']}")
    missed = await _receive(ws)
    assert missed["type"] == "bot" and missed["author"] == "Sam" and missed["id"] > first["id"]
    assert missed["messages"][0]["text"] == "Hi, Sam here."
    second = await _say(ws, "red sneakers")  # no history frame came in between
    assert second["messages"][0]["text"].startswith("I found 4") and second["id"] > missed["id"]
    await ws.close()


async def test_a_reload_gets_the_history_with_the_last_id(client):
    ws, session = await _open(client)
    answer = await _say(ws, "show me boots")
    await ws.close()
    ws, _ = await _open(client, f"?session_id={session}")
    history = await _receive(ws)
    assert history["type"] == "history" and history["last_id"] == answer["id"]
    assert [m["role"] for m in history["messages"]] == ["user", "bot"]
    await ws.close()


async def test_handoff_shows_the_place_in_the_queue_then_the_colleague_then_the_bot_again(client, fake_agent):
    queue = client.app[SERVICES].queue
    ws, session = await _open(client)
    cid = f"webchat:{session}"
    await ws.send_json({"type": "message", "text": "I want to talk to a person"})
    frames = [await _receive(ws) for _ in range(3)]
    assert [f["type"] for f in frames] == ["typing", "handoff", "bot"]
    assert frames[1]["status"] == "waiting" and frames[1]["position"] == 1
    assert [m["text"] for m in frames[2]["messages"]][-1].startswith("You're next in line")

    await queue.take(cid, "Sam")
    joined, state = await _receive(ws), await _receive(ws)
    assert joined["messages"][0]["text"] == "Sam from our team has joined the conversation."
    assert state == {"type": "handoff", "status": "active", "agent": "Sam", "id": state["id"]}
    assert await _say(ws, "hello?") == {"type": "idle"}  # the assistant stays silent
    await queue.reply(cid, "Sam", "Hi! How can I help?")
    reply = await _receive(ws)
    assert reply["author"] == "Sam" and reply["messages"][0]["text"] == "Hi! How can I help?"

    await ws.close()
    ws, _ = await _open(client, f"?session_id={session}")  # a reload still shows who holds it
    assert (await _receive(ws))["messages"][-1]["text"] == "Hi! How can I help?"
    assert (await _receive(ws))["status"] == "active"

    await queue.give_back(cid, "Sam")
    assert (await _receive(ws))["messages"][0]["text"].startswith("You're back with the shop assistant")
    assert (await _receive(ws))["status"] == "returned"
    assert (await _say(ws, "show me boots"))["messages"][0]["text"].startswith("I found 2")
    await ws.close()


async def test_thumbs_up_and_down_are_saved_for_the_shoppers_own_answers(client):
    ws, session = await _open(client)
    answer = await _say(ws, "show me boots")
    await ws.send_json({"type": "feedback", "message_id": answer["id"], "rating": "down"})
    assert await _receive(ws) == {"type": "feedback", "message_id": answer["id"], "rating": "down", "saved": True}
    await ws.send_json({"type": "feedback", "message_id": answer["id"], "rating": "up"})
    await _receive(ws)
    rows = await client.app[SERVICES].db.run("SELECT rating FROM widget_feedback WHERE session = ?", (session,))
    assert rows == [("up",)]

    other, _ = await _open(client)  # another visitor cannot rate this conversation's answers
    await other.send_json({"type": "feedback", "message_id": answer["id"], "rating": "down"})
    error = await _receive(other)
    assert error["type"] == "error" and "no such answer" in error["message"]
    await ws.close(), await other.close()


async def test_a_streamed_answer_arrives_in_pieces_then_whole(client, fake_agent):
    fake_agent.streams = True
    ws, _ = await _open(client)
    await ws.send_json({"type": "message", "text": "show me boots"})
    assert (await _receive(ws))["type"] == "typing"
    pieces = []
    while (frame := await _receive(ws))["type"] == "delta":
        pieces.append(frame["text"])
    assert len(pieces) > 3 and "".join(pieces) == frame["messages"][0]["text"]
    assert frame["type"] == "bot" and len(frame["messages"][0]["products"]) == 2
    await ws.close()
