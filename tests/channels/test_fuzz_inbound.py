"""Fuzzing every inbound route of the real app: generated bodies never get a 5xx.

One server (every channel on, the real aiohttp app on a free port, in a thread of its own) takes
bodies that hypothesis generates: JSON of random shapes, real payloads with a field replaced by
random JSON, nesting thousands deep, numbers thousands of digits long, lone surrogates, bytes that
are not UTF-8. Webhooks are signed correctly, so the parsers behind the signature checks are reached.
The widget's WebSocket gets the same frames and must answer each with a frame, never by closing.
"""
from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.config import ServerConfig
from agent.config_channels import ChannelsConfig
from channels.server import build_app
from channels.testing import FakeAgent, demo_products, serving
from tests.channels import test_chatwoot, test_messenger, test_slack, test_telegram, test_whatsapp
from tests.channels.contract import Delivery

pytestmark = pytest.mark.slow

ADMIN_TOKEN = "fuzz-admin-token-0123456789"
CONTRACTS = {  # route -> the platform's contract (how it signs) and a real delivery to start from
    "/webhooks/telegram": test_telegram.TestTelegramContract(),
    "/webhooks/slack/events": test_slack.TestSlackContract(),
    "/webhooks/whatsapp": test_whatsapp.TestWhatsAppContract(),
    "/webhooks/messenger": test_messenger.TestMessengerContract(),
    "/webhooks/chatwoot": test_chatwoot.TestChatwootContract(),
}
PLAIN_ROUTES = ["/webhooks/rest/webhook", "/webhooks/rest/webhook?stream=true", "/events", "/admin/catalog",
                "/ab/impression", "/ab/click", "/ab/experiments", "/tryon/callback/not-a-token", "/console/login",
                "/admin/login", "/media/upload"]
GET_ROUTES = ["/recommendations", "/recommendations/profile", "/ab/variant", "/admin/dashboard.json",
              "/webhooks/whatsapp", "/webhooks/messenger", "/products/{}", "/media/{}", "/admin/plots/{}.png",
              "/privacy/users/{}"]


class _SilentAgent(FakeAgent):
    """Answers nothing, so no reply waits behind a platform's pace: only the inbound side is under test."""

    async def handle(self, msg):
        self.received.append(msg)
        return []


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """The real app in a thread with its own event loop; `call(coro)` runs a coroutine there."""

    def __init__(self, app: web.Application) -> None:
        self.loop = asyncio.new_event_loop()
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.runner = web.AppRunner(app)
        self.call(self._start())

    async def _start(self) -> None:
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()
        self.session = aiohttp.ClientSession()

    def call(self, coro: Any, timeout: float = 30) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        async def stop() -> None:
            await self.session.close()
            await self.runner.cleanup()

        self.call(stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    environ = {"AISLE_ADMIN_TOKEN": ADMIN_TOKEN, "AISLE_CONSOLE_TOKEN": "fuzz-console-token-123456"}
    for contract in CONTRACTS.values():
        environ |= contract.secrets
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environ.items():
            patch.setenv(name, value)
        nowhere = f"http://127.0.0.1:{_free_port()}"  # outbound calls are refused at once
        configs = {name: contract.configure(nowhere) for name, contract in CONTRACTS.items()}
        platforms = ChannelsConfig(
            public_base_url="https://shop.example", telegram=configs["/webhooks/telegram"].telegram,
            slack=configs["/webhooks/slack/events"].slack, whatsapp=configs["/webhooks/whatsapp"].whatsapp,
            messenger=configs["/webhooks/messenger"].messenger, chatwoot=configs["/webhooks/chatwoot"].chatwoot)
        channels = ("rest", "webchat", "admin", "ab", "media", "events", "telegram", "slack", "whatsapp",
                    "messenger", "chatwoot", "console")
        app = build_app(ServerConfig(requests_per_second_per_ip=0), serving(_SilentAgent(demo_products())),
                        channels=channels, platforms=platforms,
                        channels_db=tmp_path_factory.mktemp("fuzz") / "channels.db")
        running = Server(app)
        yield running
        running.close()


# -- what is generated -----------------------------------------------------------------------------

_scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
            | st.text(max_size=30))
json_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=12)
surrogates = st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=3)


def _hostile() -> st.SearchStrategy[bytes]:
    deep = st.integers(100, 6000).map(lambda n: b'{"message": ' + b"[" * n + b"]" * n + b"}")
    long_number = st.integers(65, 6000).map(lambda n: b'{"sender": "s", "message": ' + b"9" * n + b"}")
    with_surrogate = surrogates.map(lambda s: json.dumps({"sender": s, "message": "hi " + s}).encode())
    return deep | long_number | with_surrogate | st.binary(max_size=200)


bodies = json_values.map(lambda value: json.dumps(value).encode()) | _hostile()


@st.composite
def mutated(draw, contract) -> bytes:
    """A real delivery of the platform with one field replaced by random JSON (or random bytes)."""
    document = json.loads(contract.text_delivery("red sneakers", "fuzz").body)
    node, path = document, []
    while isinstance(node, (dict, list)) and node and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(node) if isinstance(node, dict) else list(range(len(node)))))
        path.append(key)
        node = node[key]
    if not path:
        return draw(bodies)
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = draw(json_values | surrogates)
    return json.dumps(document).encode()


async def _post(server: Server, route: str, body: bytes) -> int:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {ADMIN_TOKEN}"}
    contract = CONTRACTS.get(route)
    if contract is not None:
        headers |= contract.sign(Delivery(route, body))
    async with server.session.post(server.url + route, data=body, headers=headers) as response:
        await response.read()
        return response.status


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.function_scoped_fixture])


@FUZZ
@given(route=st.sampled_from(PLAIN_ROUTES + list(CONTRACTS)), body=bodies)
def test_no_route_answers_a_generated_body_with_a_5xx(server, route, body):
    assert server.call(_post(server, route, body)) < 500, (route, body[:200])


@FUZZ
@given(data=st.data())
def test_no_signed_webhook_answers_a_mutated_delivery_with_a_5xx(server, data):
    route = data.draw(st.sampled_from(sorted(CONTRACTS)))
    body = data.draw(mutated(CONTRACTS[route]))
    assert server.call(_post(server, route, body)) in (200, 400), (route, body[:200])


@FUZZ
@given(route=st.sampled_from(["/webhooks/slack/actions"]), payload=bodies)
def test_slack_actions_take_any_form_payload_without_a_5xx(server, route, payload):
    delivery = Delivery(route, b"payload=" + urllib.parse.quote(payload, safe="").encode(),
                        "application/x-www-form-urlencoded")
    headers = {"Content-Type": delivery.content_type, **CONTRACTS["/webhooks/slack/events"].sign(delivery)}

    async def post() -> int:
        async with server.session.post(server.url + route, data=delivery.body, headers=headers) as response:
            return response.status

    assert server.call(post()) in (200, 400)


@FUZZ
@given(token=st.text(min_size=1, max_size=80).filter(lambda t: "/" not in t and t not in (".", "..")))
def test_media_links_of_any_characters_are_refused_without_a_5xx(server, token):
    async def get() -> int:
        async with server.session.get(server.url + "/media/u/" + urllib.parse.quote(token, safe="")) as response:
            return response.status

    assert server.call(get()) < 500


@FUZZ
@given(route=st.sampled_from(GET_ROUTES), word=st.text(max_size=40),
       query=st.dictionaries(st.sampled_from(["session_id", "user", "context", "mode", "k", "days", "experiment",
                                              "hub.mode", "hub.verify_token", "hub.challenge"]),
                             st.text(max_size=40), max_size=4))
def test_no_get_route_answers_generated_parameters_with_a_5xx(server, route, word, query):
    path = route.format(urllib.parse.quote(word, safe="")) + "?" + urllib.parse.urlencode(query)

    async def get() -> int:
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        async with server.session.get(server.url + path, headers=headers) as response:
            return response.status

    assert server.call(get()) < 500, path


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frames=st.lists(bodies, min_size=1, max_size=4))
def test_the_widget_socket_answers_every_generated_frame_and_stays_open(server, frames):
    async def talk() -> None:
        async with server.session.ws_connect(server.url + "/webchat/ws") as ws:
            assert (await ws.receive_json(timeout=10))["type"] == "session"
            for frame in frames:
                await ws.send_str(frame.decode("utf-8", "replace"))
                answer = await ws.receive(timeout=10)
                assert answer.type == aiohttp.WSMsgType.TEXT, (answer, frame[:200])
            assert not ws.closed

    started = time.monotonic()
    server.call(talk())
    assert time.monotonic() - started < 20
