"""A new channel on the messaging base, as docs/channels.md ("Writing a channel") shows it: a text-only
gateway (think SMS) whose adapter is a webhook and a `send`, and which passes the whole channel contract.

The gateway shows neither cards, nor buttons, nor images, so the shopper gets those as text: a
numbered line per product with its link, the options to type, the image's link. The inbox, the
de-duplication, the photo and turn path and the postbox are the base's.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from aiohttp import web

from agent.config_channels import ChannelsConfig
from agent.types import BotMessage, QuickReply
from channels.context import SERVICES, ChannelHooks
from channels.messaging.base import InboundMessage, MessagingChannel
from channels.outbound import Pace
from channels.registry import available_channels, register_channel
from channels.rendering import Shows
from channels.shapes import as_text
from channels.testing import demo_products
from channels.validation import parse_json_object
from channels.webhooks import hmac_hex, refuse, secret_from_env, signature_matches
from tests.channels.contract import ChannelContract, Delivery
from tests.channels.fake_platform import Call, FakePlatform

SECRET, TOKEN, PHONE = "textline-signing-secret", "textline-api-token", "+4915112345678"
PACE = Pace(per_key=1.0, burst=5, overall=20.0)  # what the gateway allows: a message a second per phone
GATEWAY = {"url": ""}  # where the fake gateway listens (a real plug-in reads its own configuration)


# -- the channel: everything a new platform needs ---------------------------------------------


class TextLine(MessagingChannel):
    """A gateway that shows text only: the base turns cards, buttons and images into text."""

    name = "textline"
    shows = Shows(cards=False, buttons=False, images=False)

    def __init__(self, hooks: ChannelHooks, base_url: str, token: str) -> None:
        super().__init__(hooks.services)
        self.url, self.auth = f"{base_url}/messages", {"Authorization": f"Bearer {token}"}

    async def send(self, sender: str, message: BotMessage, fields: dict[str, Any]) -> None:
        if message.text:
            await self.services.outbound.call(self.name, "messages", "POST", self.url, headers=self.auth,
                                              json={"to": sender, "text": message.text}, pace=PACE, key=sender)


def setup(app: web.Application, hooks: ChannelHooks) -> None:
    secret = secret_from_env("AISLE_TEXTLINE_SECRET", "textline")
    channel = TextLine(hooks, GATEWAY["url"], secret_from_env("AISLE_TEXTLINE_TOKEN", "textline").decode())

    async def webhook(request: web.Request) -> web.Response:
        body = await request.read()
        if not signature_matches(request.headers.get("X-Textline-Signature"), "sha256=" + hmac_hex(secret, body)):
            return refuse(401, "the signature does not match")
        payload = parse_json_object(body)
        message = InboundMessage(as_text(payload.get("from")), as_text(payload.get("text")),
                                 message_id=as_text(payload.get("id")))
        return await channel.acknowledge(request, message if message.sender and message.message_id else None)

    app.router.add_post("/webhooks/textline", webhook)


if "textline" not in available_channels():
    register_channel("textline", setup)


# -- the contract, against a fake gateway -------------------------------------------------------


class TestTextLineContract(ChannelContract):
    channel, sender = "textline", PHONE
    secrets = {"AISLE_TEXTLINE_SECRET": SECRET, "AISLE_TEXTLINE_TOKEN": TOKEN}
    forged_status = (401,)

    def make_platform(self) -> FakePlatform:
        fake = FakePlatform()
        fake.route("POST", "/messages", lambda call: {"ok": True})
        return fake

    def configure(self, url: str) -> ChannelsConfig:
        GATEWAY["url"] = url
        return ChannelsConfig(public_base_url="https://shop.example")

    def text_delivery(self, text: str, event_id: str) -> Delivery:
        return Delivery.json("/webhooks/textline", {"id": event_id, "from": PHONE, "text": text})

    button_delivery = text_delivery  # no buttons: the shopper types the option

    def sign(self, delivery: Delivery) -> dict[str, str]:
        mac = hmac.new(SECRET.encode(), delivery.body, hashlib.sha256).hexdigest()
        return {"X-Textline-Signature": f"sha256={mac}"}

    def forge(self, headers: dict[str, str]) -> dict[str, str]:
        return {"X-Textline-Signature": "sha256=" + "0" * 64}

    def texts(self, calls: list[Call]) -> list[str]:
        return [c.json["text"] for c in calls if c.path == "/messages" and c.json.get("to") == PHONE]

    def buttons(self, calls: list[Call]) -> list[str]:
        """The options, as the text offers them to type."""
        lines = [line for text in self.texts(calls) for line in text.splitlines() if line.startswith("Options: ")]
        return [option for line in lines for option in line.removeprefix("Options: ").split(" | ")]

    def fail_next_send(self, platform: FakePlatform) -> None:
        platform.fail_next("/messages", 429, headers={"Retry-After": "1"})

    # -- the fallbacks -----------------------------------------------------------------------------

    async def test_cards_and_images_reach_a_text_only_platform_as_lines_with_links(self, channel_client, platform):
        shoes = demo_products()[:3]
        reply = BotMessage(text="Here you go:", products=tuple(shoes), image=shoes[0].image,
                           quick_replies=(QuickReply("Cheaper", "cheaper"),))
        await _deliver(channel_client, reply)
        (text,) = await self.said(platform, "Here you go:")
        lines = text.splitlines()
        for n, shoe in enumerate(shoes, 1):
            (line,) = [line for line in lines if shoe.title in line]
            assert line.startswith(f"{n}. ") and f"{shoe.price:.2f}" in line and line.endswith(shoe.url)
        assert f"https://shop.example/media/{shoes[0].image}" in lines
        assert lines[-1] == "Options: Cheaper"


async def _deliver(client: Any, reply: BotMessage) -> None:
    assert await client.app[SERVICES].postboxes.deliver(f"textline:{PHONE}", [reply])


def test_an_inbound_message_survives_the_inbox_and_an_earlier_versions_flat_record():
    message = InboundMessage("4711", "red boots", "file-9", "8121", {"mime": "image/png", "callback": "cb-1"})
    assert InboundMessage.from_record(json.loads(json.dumps(message.to_record()))) == message
    flat = {"chat": "4711", "text": "red boots", "photo": "file-9", "mime": "image/png"}
    assert InboundMessage.from_record(flat) == InboundMessage("4711", "red boots", "file-9", "", {"mime": "image/png"})
