"""WhatsApp Cloud API against a fake Graph API on localhost: the contract, the handshake, lists, photos."""
from __future__ import annotations

import hashlib
import hmac
import io
import time

import pytest

from PIL import Image

from agent.config_channels import ChannelsConfig, WhatsAppConfig
from agent.errors import ChannelError
from channels.context import SERVICES
from channels.testing import HANDOFF_ACCEPTED
from tests.channels.contract import ChannelContract, Delivery
from tests.channels.fake_platform import Call, FakePlatform

ACCESS_TOKEN, APP_SECRET, VERIFY_TOKEN = "EAAG-whatsapp-token", "whatsapp-app-secret", "my-verify-token"
PHONE_ID, WA_ID = "106540352242922", "16315551234"


def meta_signature(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def notification(message: dict) -> dict:
    return {"object": "whatsapp_business_account", "entry": [{"id": "WABA_ID", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550000000", "phone_number_id": PHONE_ID},
        "contacts": [{"profile": {"name": "Ann"}, "wa_id": WA_ID}], "messages": [message]}}]}]}


def photo_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), (10, 120, 40)).save(buffer, "PNG")
    return buffer.getvalue()


class TestWhatsAppContract(ChannelContract):
    channel, sender = "whatsapp", WA_ID
    secrets = {"AISLE_WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN, "AISLE_WHATSAPP_APP_SECRET": APP_SECRET,
               "AISLE_WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN}
    forged_status = (403,)

    def make_platform(self) -> FakePlatform:
        fake = FakePlatform()
        authorised = lambda call: call.headers.get("Authorization") == f"Bearer {ACCESS_TOKEN}"  # noqa: E731
        fake.route("POST", f"/v21.0/{PHONE_ID}/messages", lambda call: {
            "messaging_product": "whatsapp", "contacts": [{"wa_id": call.json["to"]}],
            "messages": [{"id": f"wamid.out{len(fake.calls)}"}]} if authorised(call) else {"error": {"code": 190}})
        fake.route("GET", "/v21.0/media-7", lambda call: {"url": fake.url + "/files/media-7", "mime_type": "image/png",
                                                          "id": "media-7"})
        fake.route("GET", "/files/media-7", lambda call: photo_bytes() if authorised(call) else {"error": "auth"})
        return fake

    def configure(self, url: str) -> ChannelsConfig:
        return ChannelsConfig(enabled=("whatsapp",), whatsapp=WhatsAppConfig(base_url=url, phone_number_id=PHONE_ID))

    def text_delivery(self, text: str, event_id: str) -> Delivery:
        return Delivery.json("/webhooks/whatsapp", notification({
            "from": WA_ID, "id": f"wamid.{event_id}", "timestamp": str(int(time.time())), "type": "text",
            "text": {"body": text}}))

    def button_delivery(self, payload: str, event_id: str) -> Delivery:
        return Delivery.json("/webhooks/whatsapp", notification({
            "from": WA_ID, "id": f"wamid.{event_id}", "timestamp": str(int(time.time())), "type": "interactive",
            "interactive": {"type": "button_reply", "button_reply": {"id": payload, "title": "Boots instead"}}}))

    def sign(self, delivery: Delivery) -> dict[str, str]:
        return {"X-Hub-Signature-256": meta_signature(delivery.body)}

    def forge(self, headers: dict[str, str]) -> dict[str, str]:
        return {"X-Hub-Signature-256": meta_signature(b"{}", "not-the-app-secret")}

    def _sent(self, calls: list[Call]) -> list[dict]:
        return [c.json for c in calls if c.path.endswith("/messages") and c.json["to"] == WA_ID]

    def texts(self, calls: list[Call]) -> list[str]:
        texts = []
        for m in self._sent(calls):
            if m["type"] == "text":
                texts.append(m["text"]["body"])
            elif m["type"] == "interactive":
                rows = [r["title"] for s in m["interactive"]["action"].get("sections", []) for r in s["rows"]]
                texts.append("\n".join([m["interactive"]["body"]["text"], *rows]))
        return texts

    def buttons(self, calls: list[Call]) -> list[str]:
        return [b["reply"]["title"] for m in self._sent(calls) if m["type"] == "interactive"
                for b in m["interactive"]["action"].get("buttons", [])]

    def fail_next_send(self, platform: FakePlatform) -> None:
        platform.fail_next("/messages", 429, headers={"Retry-After": "1"},
                           body={"error": {"code": 130429, "message": "Rate limit hit"}})

    # -- WhatsApp's own ---------------------------------------------------------------------------

    async def test_the_handshake_answers_the_challenge_only_for_the_verify_token(self, channel_client):
        query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
        response = await channel_client.get("/webhooks/whatsapp", params=query)
        assert response.status == 200 and await response.text() == "1158201444"
        wrong = await channel_client.get("/webhooks/whatsapp", params={**query, "hub.verify_token": "guess"})
        assert wrong.status == 403

    async def test_products_are_an_interactive_list_whose_rows_pick_a_product(self, channel_client, platform):
        await self.post(channel_client, self.text_delivery("red sneakers under 80", "ev-list"))
        calls = await platform.wait_for(lambda calls: any(m["type"] == "interactive" for m in self._sent(calls)))
        listing = next(m for m in self._sent(calls) if m["type"] == "interactive")["interactive"]
        assert listing["type"] == "list" and listing["body"]["text"].startswith("I found 4 matches")
        rows = listing["action"]["sections"][0]["rows"]
        assert rows[0] == {"id": "the first one", "title": "Canvas Everyday", "description": "USD 45.00 · red · Loop & Co"}

    async def test_a_photo_is_fetched_by_media_id_with_the_token(self, channel_client, platform, fake_agent):
        delivery = Delivery.json("/webhooks/whatsapp", notification({
            "from": WA_ID, "id": "wamid.photo", "type": "image",
            "image": {"id": "media-7", "mime_type": "image/png", "sha256": "x", "caption": "try this on me"}}))
        assert (await self.post(channel_client, delivery)).status == 200
        await platform.wait_for(lambda calls: bool(self._sent(calls)))
        (message,) = fake_agent.received
        assert message.text == "try this on me"
        assert message.attachments[0].data == photo_bytes() and message.attachments[0].content_type == "image/png"

    async def test_status_updates_are_acknowledged_and_ignored(self, channel_client, platform, fake_agent):
        statuses = {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": {
            "statuses": [{"id": "wamid.out1", "status": "delivered", "recipient_id": WA_ID}]}}]}]}
        assert (await self.post(channel_client, Delivery.json("/webhooks/whatsapp", statuses))).status == 200
        assert fake_agent.received == [] and await platform.settle() == []

    # -- the 24-hour customer-service window -------------------------------------------------------

    async def hand_off(self, client, platform, hours_ago: float) -> str:
        """A shopper who asked for a person `hours_ago` hours ago (WhatsApp's `timestamp`), now in the queue."""
        asked = notification({"from": WA_ID, "id": f"wamid.ask{hours_ago}", "type": "text",
                              "timestamp": str(int(time.time() - hours_ago * 3600)),
                              "text": {"body": "I want to talk to a person"}})
        await self.post(client, Delivery.json("/webhooks/whatsapp", asked))
        await self.said(platform, HANDOFF_ACCEPTED)
        return f"whatsapp:{WA_ID}"

    async def test_a_colleague_replying_within_24_hours_reaches_the_shopper(self, channel_client, platform):
        cid = await self.hand_off(channel_client, platform, hours_ago=23)
        await channel_client.app[SERVICES].queue.reply(cid, "Sam", "Hi, Sam here.")
        assert "Hi, Sam here." in await self.said(platform, "Sam here")

    async def test_after_24_hours_a_colleagues_reply_is_refused_with_the_reason_and_nothing_is_sent(
            self, channel_client, platform):
        cid = await self.hand_off(channel_client, platform, hours_ago=25)
        with pytest.raises(ChannelError, match="within 24 hours.*approved template"):
            await channel_client.app[SERVICES].queue.reply(cid, "Sam", "Are you still there?")
        assert not [text for text in self.texts(await platform.settle()) if "still there" in text]

