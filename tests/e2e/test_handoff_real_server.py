"""The real server's dialog core hands a conversation to the queue; a colleague works it in the console."""
import aiohttp
import pytest

from tests.e2e.conftest import CONSOLE_TOKEN
from tests.e2e.test_conversation import rest, texts_in

pytestmark = pytest.mark.slow


async def _until(ws, kind: str) -> dict:
    while True:
        frame = await ws.receive_json(timeout=30)
        if frame["type"] == kind:
            return frame


async def test_a_colleague_sees_what_the_assistant_understood_takes_over_and_hands_back(server):
    say = lambda text: rest(server, "hugo", text)  # noqa: E731
    assert await say("red sneakers under 80 dollars")
    accepted = texts_in(await say("I want to talk to a person"))  # an explicit request: no offer first
    assert "colleague" in accepted and ("next in line" in accepted or "number" in accepted)

    async with aiohttp.ClientSession() as http:
        ws = await http.ws_connect(server.url + "/console/ws?name=Sam",
                                   headers={"Authorization": f"Bearer {CONSOLE_TOKEN}"})
        queue = await _until(ws, "queue")
        assert "rest:hugo" in [t["conversation_id"] for t in queue["items"]]
        await ws.send_json({"type": "open", "conversation_id": "rest:hugo"})
        view = await _until(ws, "conversation")
        first = view["turns"][0]
        assert first["text"] == "red sneakers under 80 dollars"
        assert first["understood"]["intent"] == "search_products" and first["understood"]["skill"] == "search"
        assert view["turns"][1]["products"], "the console shows the products the assistant showed"
        assert "handoff" in [t["role"] for t in view["turns"]]

        await ws.send_json({"type": "take", "conversation_id": "rest:hugo"})
        await _until(ws, "conversation")
        assert await say("hello, anyone there?") == []  # the assistant stays silent while Sam holds it
        await ws.send_json({"type": "return", "conversation_id": "rest:hugo"})
        await _until(ws, "conversation")
        await ws.close()
    assert texts_in(await say("show me red sneakers")).strip()
