"""Slack against a fake Web API on localhost: the contract, request signing, replays, retries, Block Kit."""
from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import time
import urllib.parse

from agent.config_channels import ChannelsConfig, SlackConfig
from channels.testing import FakeAgent, demo_products
from tests.channels.contract import ChannelContract, Delivery
from tests.channels.fake_platform import Call, FakePlatform

BOT_TOKEN = "xoxb-test-token"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
IM = "D024BE91L"


def slack_signature(body: bytes, timestamp: str, secret: str = SIGNING_SECRET) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def event(inner: dict, event_id: str) -> dict:
    return {"token": "unused", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
            "event_id": event_id, "event_time": int(time.time()), "event": inner}


class TestSlackContract(ChannelContract):
    channel, sender = "slack", IM
    secrets = {"AISLE_SLACK_BOT_TOKEN": BOT_TOKEN, "AISLE_SLACK_SIGNING_SECRET": SIGNING_SECRET}
    retry_headers = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}

    def make_platform(self) -> FakePlatform:
        fake = FakePlatform()

        def post_message(call: Call) -> dict:
            if call.headers.get("Authorization") != f"Bearer {BOT_TOKEN}":
                return {"ok": False, "error": "invalid_auth"}
            return {"ok": True, "channel": call.json["channel"], "ts": f"{time.time():.6f}"}

        fake.route("POST", "/api/chat.postMessage", post_message)
        return fake

    def configure(self, url: str) -> ChannelsConfig:
        return ChannelsConfig(public_base_url="https://shop.example", slack=SlackConfig(base_url=url + "/api"))

    def text_delivery(self, text: str, event_id: str) -> Delivery:
        inner = {"type": "message", "channel": IM, "channel_type": "im", "user": "U2147483697", "text": text,
                 "ts": "1355517523.000005"}
        return Delivery.json("/webhooks/slack/events", event(inner, event_id))

    def button_delivery(self, payload: str, event_id: str) -> Delivery:
        action = {"type": "block_actions", "trigger_id": "trig-" + event_id, "user": {"id": "U2147483697"},
                  "channel": {"id": IM}, "container": {"type": "message", "message_ts": "1.2"},
                  "actions": [{"type": "button", "action_id": "reply-1", "value": payload,
                               "action_ts": "1548426417.840180"}]}
        body = urllib.parse.urlencode({"payload": json.dumps(action)}).encode()
        return Delivery("/webhooks/slack/actions", body, "application/x-www-form-urlencoded")

    def sign(self, delivery: Delivery) -> dict[str, str]:
        timestamp = str(int(time.time()))
        return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": slack_signature(delivery.body, timestamp)}

    def forge(self, headers: dict[str, str]) -> dict[str, str]:
        timestamp = headers["X-Slack-Request-Timestamp"]
        return {**headers, "X-Slack-Signature": slack_signature(b"something else", timestamp)}

    def _messages(self, calls: list[Call]) -> list[dict]:
        return [c.json for c in calls if c.path.endswith("/chat.postMessage") and c.json["channel"] == IM]

    def texts(self, calls: list[Call]) -> list[str]:
        return [m["text"] for m in self._messages(calls)]

    def buttons(self, calls: list[Call]) -> list[str]:
        return [e["text"]["text"] for m in self._messages(calls) for b in m["blocks"] if b["type"] == "actions"
                for e in b["elements"]]

    def fail_next_send(self, platform: FakePlatform) -> None:
        platform.fail_next("/chat.postMessage", 429, headers={"Retry-After": "1"}, body={"ok": False,
                                                                                         "error": "ratelimited"})

    # -- Slack's own ------------------------------------------------------------------------------

    async def test_url_verification_answers_the_challenge_only_when_signed(self, channel_client):
        delivery = Delivery.json("/webhooks/slack/events", {"type": "url_verification", "challenge": "3eZbrw1aB",
                                                            "token": "unused"})
        response = await self.post(channel_client, delivery)
        assert response.status == 200 and await response.json() == {"challenge": "3eZbrw1aB"}
        assert (await self.post(channel_client, delivery, self.forge(self.sign(delivery)))).status == 401

    async def test_a_correctly_signed_but_replayed_request_is_refused(self, channel_client, platform, fake_agent):
        delivery = self.text_delivery("show me boots", "ev-old")
        old = str(int(time.time()) - 6 * 60)
        headers = {"X-Slack-Request-Timestamp": old, "X-Slack-Signature": slack_signature(delivery.body, old)}
        response = await self.post(channel_client, delivery, headers)
        assert response.status == 401 and "too old" in (await response.json())["error"]
        assert fake_agent.received == [] and await platform.settle() == []

    async def test_a_signed_action_body_that_is_not_utf8_is_a_400_naming_the_payload(self, channel_client, platform):
        delivery = Delivery("/webhooks/slack/actions", b"payload=%7B%22a%22%3A1%7D\xff\xfe", "application/x-www-form-urlencoded")
        response = await self.post(channel_client, delivery)
        assert response.status == 400 and "payload" in (await response.json())["error"]
        assert await platform.settle() == []

    async def test_cards_are_block_kit_sections_with_image_choose_and_view(self, channel_client, platform):
        await self.post(channel_client, self.text_delivery("black boots", "ev-cards"))
        (message,) = self._messages(await platform.wait_for(lambda calls: bool(self._messages(calls))))
        section, actions = message["blocks"][1], message["blocks"][2]
        assert section["text"]["text"] == "*Heritage Leather Boot*\nUSD 129.00 · black · Oakline"
        assert section["accessory"]["image_url"] == "https://shop.example/media/images/sku-006.png"
        assert [e.get("value") or e.get("url") for e in actions["elements"]] == [
            "the first one", "https://shop.example/p/sku-006"]

    async def test_the_fallback_text_links_products_by_their_public_address(self, start, platform, media_root):
        products = [dataclasses.replace(p, url="") for p in demo_products()]  # Aisle's own product pages
        client = await start(agent=FakeAgent(products, media_root))
        await self.post(client, self.text_delivery("black boots", "fallback"))
        calls = await platform.wait_for(lambda calls: bool(self._messages(calls)))
        (line,) = [x for x in self._messages(calls)[0]["text"].splitlines() if x.startswith("1. ")]
        assert line.endswith(" https://shop.example/products/" + line.split("/")[-1]) and "/products/sku-" in line

    async def test_the_bots_own_messages_and_edits_are_ignored(self, channel_client, platform, fake_agent):
        own = event({"type": "message", "channel": IM, "channel_type": "im", "bot_id": "B1", "text": "I found"}, "e1")
        edit = event({"type": "message", "subtype": "message_changed", "channel": IM, "channel_type": "im"}, "e2")
        for payload in (own, edit):
            assert (await self.post(channel_client, Delivery.json("/webhooks/slack/events", payload))).status == 200
        assert fake_agent.received == [] and await platform.settle() == []

    async def test_a_mention_in_a_channel_is_answered_in_its_thread(self, channel_client, platform, fake_agent):
        inner = {"type": "app_mention", "channel": "C0LAN2Q65", "user": "U1", "text": "<@U0LAN0Z89> black boots",
                 "ts": "1515449522.000016"}
        await self.post(channel_client, Delivery.json("/webhooks/slack/events", event(inner, "ev-m")))
        calls = await platform.wait_for(lambda calls: bool(calls))
        assert calls[0].json["channel"] == "C0LAN2Q65" and calls[0].json["thread_ts"] == "1515449522.000016"
        assert fake_agent.received[0].text == "black boots"
        assert fake_agent.received[0].sender_id == "C0LAN2Q65:1515449522.000016"
