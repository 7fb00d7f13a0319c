"""The channel contract: what every messaging channel does, tested against a fake of its platform.

A platform's test module subclasses `ChannelContract` (as `Test<Platform>Contract`), says how its
platform is faked, how a delivery is built and signed, and how to read what was sent back; every
test below then runs for that channel, through the real app on a free port and a fake platform
on another:

>>> class TestTelegramContract(ChannelContract):
...     channel, sender, secrets = "telegram", "4711", {"AISLE_TELEGRAM_BOT_TOKEN": "123:abc", ...}
...     def make_platform(self): ...
...     def text_delivery(self, text, event_id): ...
"""
from __future__ import annotations

import copy
import json
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest

from agent.config import ServerConfig
from agent.config_channels import ChannelsConfig
from channels.context import SERVICES
from channels.server import build_app
from channels.testing import HANDOFF_ACCEPTED, FakeAgent, demo_products, serving
from tests.channels.fake_platform import Call, FakePlatform


@dataclass
class Delivery:
    """One webhook request as the platform would send it (before signing)."""

    path: str
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, path: str, payload: dict[str, Any], **headers: str) -> "Delivery":
        return cls(path, json.dumps(payload).encode("utf-8"), headers=headers)


class ChannelContract:
    channel: ClassVar[str]
    sender: ClassVar[str]  # the shopper, as the channel names the conversation: `<channel>:<sender>`
    secrets: ClassVar[dict[str, str]]  # environment variables the channel reads
    retry_headers: ClassVar[dict[str, str]] = {}  # what the platform adds when it delivers again
    handoff_in_console: ClassVar[bool] = True  # False where the platform's own inbox takes handoffs
    forged_status: ClassVar[tuple[int, ...]] = (401, 403)

    # -- what each platform's test class provides ------------------------------------------------

    def make_platform(self) -> FakePlatform:
        raise NotImplementedError

    def configure(self, url: str) -> ChannelsConfig:
        raise NotImplementedError

    def text_delivery(self, text: str, event_id: str) -> Delivery:
        raise NotImplementedError

    def button_delivery(self, payload: str, event_id: str) -> Delivery:
        raise NotImplementedError

    def sign(self, delivery: Delivery) -> dict[str, str]:
        raise NotImplementedError

    def forge(self, headers: dict[str, str]) -> dict[str, str]:
        raise NotImplementedError

    def texts(self, calls: list[Call]) -> list[str]:
        """Every piece of text the shopper was sent (messages, captions, card titles)."""
        raise NotImplementedError

    def buttons(self, calls: list[Call]) -> list[str]:
        """The titles of the buttons the shopper was shown."""
        raise NotImplementedError

    # -- fixtures --------------------------------------------------------------------------------

    @pytest.fixture
    async def platform(self, aiohttp_server) -> FakePlatform:
        fake = self.make_platform()
        server = await aiohttp_server(fake.app)
        fake.url = str(server.make_url("")).rstrip("/")
        return fake

    @pytest.fixture
    def start(self, platform, aiohttp_client, monkeypatch, tmp_path, fake_agent):
        """`await start(agent=None)`: the real app serving only this channel; same database each time."""
        for name, value in self.secrets.items():
            monkeypatch.setenv(name, value)

        async def start(agent: Any = None, server: ServerConfig | None = None):
            app = build_app(server or ServerConfig(), serving(agent or fake_agent), channels=(self.channel,),
                            platforms=self.configure(platform.url), channels_db=tmp_path / "channels.db")
            return await aiohttp_client(app)

        return start

    @pytest.fixture
    async def channel_client(self, start):
        return await start()

    async def post(self, client, delivery: Delivery, headers: dict[str, str] | None = None):
        signed = self.sign(delivery) if headers is None else headers
        all_headers = {"Content-Type": delivery.content_type, **delivery.headers, **signed}
        return await client.post(delivery.path, data=delivery.body, headers=all_headers)

    async def said(self, platform: FakePlatform, words: str) -> list[str]:
        calls = await platform.wait_for(lambda calls: any(words in text for text in self.texts(calls)))
        return self.texts(calls)

    # -- the contract ----------------------------------------------------------------------------

    async def test_a_message_is_answered_in_the_platform_with_every_product(self, channel_client, platform,
                                                                              fake_agent):
        response = await self.post(channel_client, self.text_delivery("show me red sneakers under 80", "ev-1"))
        assert response.status == 200
        titles = ("I found 4 matches", "Canvas Everyday", "Velocity Runner", "Court Classic Low", "Trail Blaze 2")
        await platform.wait_for(lambda calls: all(t in "\n".join(self.texts(calls)) for t in titles))
        (message,) = fake_agent.received
        assert (message.channel, message.sender_id, message.text) == (self.channel, self.sender,
                                                                      "show me red sneakers under 80")

    async def test_quick_replies_are_buttons_and_pressing_one_says_its_payload(self, channel_client, platform,
                                                                                  fake_agent):
        await self.post(channel_client, self.text_delivery("red sneakers under 80", "ev-1"))
        await platform.wait_for(lambda calls: "Cheaper" in self.buttons(calls))
        assert {"Cheaper", "Boots instead"} <= set(self.buttons(platform.calls))
        await self.post(channel_client, self.button_delivery("show me boots", "ev-2"))
        await self.said(platform, "I found 2 matches")
        assert [m.text for m in fake_agent.received] == ["red sneakers under 80", "show me boots"]

    async def test_a_forged_signature_is_refused_and_nothing_is_processed(self, channel_client, platform,
                                                                             fake_agent):
        delivery = self.text_delivery("red sneakers", "ev-forged")
        response = await self.post(channel_client, delivery, self.forge(self.sign(delivery)))
        assert response.status in self.forged_status
        unsigned = await self.post(channel_client, delivery, {})
        assert unsigned.status in self.forged_status
        assert fake_agent.received == [] and await platform.settle() == []
        accepted = await self.post(channel_client, delivery)  # the same delivery, correctly signed: not spoiled
        assert accepted.status == 200
        await self.said(platform, "I found 4 matches")

    async def test_a_retried_delivery_is_answered_once_even_after_a_restart(self, start, platform, fake_agent):
        client = await start()
        delivery = self.text_delivery("show me boots", "ev-7")
        assert (await self.post(client, delivery)).status == 200
        await self.said(platform, "I found 2 matches")
        again = Delivery(delivery.path, delivery.body, delivery.content_type, {**delivery.headers, **self.retry_headers})
        assert (await self.post(client, again)).status == 200
        restarted = await start()  # a new process on the same database
        assert (await self.post(restarted, again)).status == 200
        await platform.settle()
        assert [m.text for m in fake_agent.received] == ["show me boots"]
        assert sum("I found 2 matches" in text for text in self.texts(platform.calls)) == 1

    async def test_a_429_is_retried_after_the_wait_the_platform_asks_for(self, channel_client, platform):
        self.fail_next_send(platform)
        await self.post(channel_client, self.text_delivery("show me boots", "ev-9"))
        texts = await self.said(platform, "I found 2 matches")
        assert sum("I found 2 matches" in text for text in texts) == 1

    def fail_next_send(self, platform: FakePlatform) -> None:
        """Make the platform answer the next send with 429 and `Retry-After: 1`."""
        raise NotImplementedError

    async def test_a_colleague_reaches_the_shopper_in_this_channel(self, channel_client, platform):
        services = channel_client.app[SERVICES]
        from agent.types import BotMessage

        cid = f"{self.channel}:{self.sender}"
        assert await services.postboxes.deliver(cid, [], {"handoff": "waiting", "position": 2})
        assert await platform.settle() == []  # a state change alone sends nothing on a messaging platform
        assert await services.postboxes.deliver(cid, [BotMessage(text="Hi, Sam here from the shop.")])
        await self.said(platform, "Hi, Sam here from the shop.")

    async def test_handoff_round_trip_through_the_queue(self, channel_client, platform, fake_agent):
        if not self.handoff_in_console:
            pytest.skip("this platform's own inbox takes handoffs")
        queue = channel_client.app[SERVICES].queue
        cid = f"{self.channel}:{self.sender}"
        await self.post(channel_client, self.text_delivery("I want to talk to a person", "h-1"))
        await self.said(platform, HANDOFF_ACCEPTED)
        await self.said(platform, "You're next in line")
        assert [t["conversation_id"] for t in queue.snapshot()] == [cid]

        await queue.take(cid, "Sam")
        await self.said(platform, "Sam from our team has joined")
        await self.post(channel_client, self.text_delivery("my sneakers are too small", "h-2"))
        await queue.reply(cid, "Sam", "Sorry about that! I'll send you a bigger pair.")
        texts = await self.said(platform, "I'll send you a bigger pair")
        assert not any("Tell me what you are looking for" in text for text in texts)  # the bot stayed silent
        assert [m.text for m in fake_agent.received][-1] == "my sneakers are too small"

        await queue.give_back(cid, "Sam")
        await self.said(platform, "You're back with the shop assistant")
        await self.post(channel_client, self.text_delivery("show me boots", "h-3"))
        await self.said(platform, "I found 2 matches")
        assert queue.snapshot() == []

    # -- unexpected shapes: 200-and-ignore or 400, never a 500 -----------------------------------

    async def test_unexpected_field_shapes_are_ignored_or_refused_never_a_500(self, start, platform, caplog):
        """Every field of a real delivery, in turn replaced by another JSON type or removed, correctly signed."""
        silent = _SilentAgent(demo_products())  # replies would queue behind the platform's pace for minutes
        channel_client = await start(agent=silent, server=ServerConfig(requests_per_second_per_ip=0))
        statuses: set[int] = set()
        for n, delivery in enumerate(self._shape_variants()):
            response = await self.post(channel_client, delivery)
            statuses.add(response.status)
            assert response.status in (200, 400), (response.status, delivery.body[:300])
        await platform.settle(0.5)
        await channel_client.app[SERVICES].dispatcher.close(grace_s=0.5)  # sends paced behind each other: enough
        crashes = [r for r in caplog.records if r.exc_info and r.exc_info[0] in SHAPE_ERRORS]
        assert crashes == [], crashes[0].getMessage()
        assert 200 in statuses and silent.received  # the untouched fields still make a message

    def _shape_variants(self):
        makers = (lambda n: self.text_delivery("red sneakers", f"shape-{n}"),
                  lambda n: self.button_delivery("show me boots", f"shape-b{n}"))
        count = 0
        for make in makers:
            for path in _paths(_payload_of(make(0))):
                for replacement in (*ODD_VALUES, _MISSING):
                    count += 1
                    delivery = make(count)
                    yield _with_payload(delivery, _replaced(_payload_of(delivery), path, replacement))


class _SilentAgent(FakeAgent):
    async def handle(self, msg):
        self.received.append(msg)
        return []


SHAPE_ERRORS = (TypeError, AttributeError, KeyError, IndexError, ValueError)
ODD_VALUES = ("text", 7, True, None, ["x"], [{"a": 1}], {})
_MISSING = object()


def _payload_of(delivery: Delivery) -> Any:
    if delivery.content_type == "application/json":
        return json.loads(delivery.body)
    form = urllib.parse.parse_qs(delivery.body.decode("utf-8"))
    return json.loads(form["payload"][0])


def _with_payload(delivery: Delivery, payload: Any) -> Delivery:
    if delivery.content_type == "application/json":
        body = json.dumps(payload).encode("utf-8")
    else:
        body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode("utf-8")
    return Delivery(delivery.path, body, delivery.content_type, dict(delivery.headers))


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """The path (keys and list positions) of every value in a decoded JSON document, the root excepted."""
    found = []
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        found.append((*prefix, key))
        found.extend(_paths(child, (*prefix, key)))
    return found


def _replaced(document: Any, path: tuple, replacement: Any) -> Any:
    document = copy.deepcopy(document)
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    if replacement is _MISSING:
        del parent[path[-1]]
    else:
        parent[path[-1]] = copy.deepcopy(replacement)
    return document
