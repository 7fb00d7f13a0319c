"""Property-based fuzzing of every inbound parser and endpoint: whatever a client sends, the server answers
with a status below 500 (or a WebSocket error frame) and keeps serving.

The real app over the fake agent runs on one event loop for the whole module; Hypothesis drives it with
arbitrary JSON, wrong types, huge and odd strings and raw bytes: about 1,150 cases, 1,300 requests.
"""
from __future__ import annotations

import asyncio
import json

import pytest
from aiohttp import WSMsgType
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.config import ServerConfig
from channels.server import build_app
from channels.testing import FakeAgent, demo_products, serving

TOKEN = "fuzz-admin-token"
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=300),
    lambda children: st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=20), children, max_size=6),
    max_leaves=25)
FIELD_VALUES = JSON | st.text(alphabet=st.characters(), max_size=3000)
REST_BODIES = st.fixed_dictionaries({}, optional={"sender": FIELD_VALUES, "message": FIELD_VALUES,
                                                  "metadata": FIELD_VALUES}) | JSON
RAW = st.binary(max_size=2000) | st.text(max_size=2000).map(str.encode)
FAST = settings(max_examples=180, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def served():
    loop = asyncio.new_event_loop()
    mp = pytest.MonkeyPatch()
    mp.setenv("AISLE_ADMIN_TOKEN", TOKEN)
    server = ServerConfig(requests_per_second_per_ip=0, messages_per_minute=0, max_body_bytes=16384)
    client = TestClient(TestServer(build_app(server, serving(FakeAgent(demo_products())))), loop=loop)
    loop.run_until_complete(client.start_server())
    yield loop, client
    loop.run_until_complete(client.close())
    mp.undo()
    loop.close()


def status(served, method: str, path: str, **kwargs) -> int:
    loop, client = served

    async def call() -> int:
        async with client.request(method, path, **kwargs) as response:
            await response.read()
            return response.status

    return loop.run_until_complete(call())


@FAST
@given(body=REST_BODIES)
def test_rest_webhook_json(served, body):
    assert status(served, "POST", "/webhooks/rest/webhook", json=body) < 500


@FAST
@given(body=RAW, content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded"]))
def test_rest_webhook_raw_bytes(served, body, content_type):
    assert status(served, "POST", "/webhooks/rest/webhook", data=body, headers={"Content-Type": content_type}) < 500


@FAST
@given(body=JSON, path=st.sampled_from(["/events", "/ab/impression", "/ab/click", "/ab/experiments"]))
def test_events_and_ab_json(served, body, path):
    assert status(served, "POST", path, json=body) < 500


@FAST
@given(query=st.dictionaries(st.sampled_from(["user", "session_id", "product", "mode", "k", "anchor"]),
                             st.text(max_size=80), max_size=4))
def test_recommendation_queries(served, query):
    assert status(served, "GET", "/recommendations", params=query) < 500
    assert status(served, "DELETE", "/recommendations/profile", params=query) < 500


@FAST
@given(body=JSON, authorised=st.booleans())
def test_admin_catalog(served, body, authorised):
    headers = {"Authorization": f"Bearer {TOKEN}"} if authorised else {}
    assert status(served, "POST", "/admin/catalog", json=body, headers=headers) < 500


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(fields=st.dictionaries(st.sampled_from(["photo", "session_id", "consent", "file", "x"]), RAW, max_size=3),
       content_type=st.sampled_from(["image/jpeg", "image/png", "application/octet-stream", "text/plain"]))
def test_media_upload(served, fields, content_type):
    import aiohttp

    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value, filename="p.jpg", content_type=content_type)
    assert status(served, "POST", "/media/upload", data=form) < 500


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(frames=st.lists(JSON.map(json.dumps) | st.text(max_size=500) |
                       st.fixed_dictionaries({"type": st.sampled_from(["message", "feedback", "x"])},
                                             optional={"text": FIELD_VALUES, "session_id": FIELD_VALUES,
                                                       "message_id": JSON, "rating": JSON}).map(json.dumps),
                       min_size=1, max_size=4))
def test_widget_socket_frames(served, frames):
    loop, client = served

    async def talk() -> None:
        async with client.ws_connect("/webchat/ws") as ws:
            assert (await ws.receive_json(timeout=10))["type"] == "session"
            for frame in frames:
                await ws.send_str(frame)
                while True:  # until the frame is answered: an answer, an error, feedback or idle
                    reply = await ws.receive(timeout=10)
                    assert reply.type == WSMsgType.TEXT, reply
                    kind = json.loads(reply.data)["type"]
                    if kind in ("bot", "error", "feedback", "idle"):
                        break
            assert (await client.get("/health")).status == 200

    loop.run_until_complete(talk())
