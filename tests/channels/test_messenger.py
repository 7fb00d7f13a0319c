"""Messenger against a fake Send API on localhost: the contract, the handshake, carousels, echoes, photos."""
from __future__ import annotations

import hashlib
import hmac
import time

import pytest

from agent.config_channels import ChannelsConfig, MessengerConfig
from agent.errors import ChannelError
from channels.context import SERVICES
from channels.testing import HANDOFF_ACCEPTED
from tests.channels.contract import ChannelContract, Delivery
from tests.channels.fake_platform import Call, FakePlatform
from tests.channels.test_whatsapp import photo_bytes

PAGE_TOKEN, APP_SECRET, VERIFY_TOKEN = "EAAB-page-token", "messenger-app-secret", "messenger-verify"
PSID, PAGE = "2468013579", "1357924680"


def signature(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def page_event(event: dict, hours_ago: float = 0.0) -> dict:
    """A page webhook payload; `hours_ago` dates the shopper's message (Meta's `timestamp`, in ms)."""
    sent_ms = int((time.time() - hours_ago * 3600) * 1000)
    return {"object": "page", "entry": [{"id": PAGE, "time": sent_ms, "messaging": [
        {"sender": {"id": PSID}, "recipient": {"id": PAGE}, "timestamp": sent_ms, **event}]}]}


class TestMessengerContract(ChannelContract):
    channel, sender = "messenger", PSID
    secrets = {"AISLE_MESSENGER_PAGE_TOKEN": PAGE_TOKEN, "AISLE_MESSENGER_APP_SECRET": APP_SECRET,
               "AISLE_MESSENGER_VERIFY_TOKEN": VERIFY_TOKEN}
    forged_status = (403,)

    def make_platform(self) -> FakePlatform:
        fake = FakePlatform()
        fake.route("POST", "/v21.0/me/messages", lambda call: {"recipient_id": call.json["recipient"]["id"],
                                                               "message_id": f"m_{len(fake.calls)}"}
                   if call.headers.get("Authorization") == f"Bearer {PAGE_TOKEN}" else {"error": {"code": 190}})
        fake.route("GET", "/cdn/photo.png", lambda call: photo_bytes())
        return fake

    def configure(self, url: str) -> ChannelsConfig:
        return ChannelsConfig(public_base_url="https://shop.example", messenger=MessengerConfig(base_url=url))

    def text_delivery(self, text: str, event_id: str) -> Delivery:
        return Delivery.json("/webhooks/messenger", page_event({"message": {"mid": f"m_{event_id}", "text": text}}))

    def button_delivery(self, payload: str, event_id: str) -> Delivery:
        return Delivery.json("/webhooks/messenger", page_event({"message": {
            "mid": f"m_{event_id}", "text": "Boots instead", "quick_reply": {"payload": payload}}}))

    def sign(self, delivery: Delivery) -> dict[str, str]:
        return {"X-Hub-Signature-256": signature(delivery.body)}

    def forge(self, headers: dict[str, str]) -> dict[str, str]:
        return {"X-Hub-Signature-256": signature(b"other", APP_SECRET)}

    def _sent(self, calls: list[Call]) -> list[dict]:
        return [c.json["message"] for c in calls if c.path.endswith("/me/messages") and c.json["recipient"]["id"] == PSID]

    def texts(self, calls: list[Call]) -> list[str]:
        texts = []
        for m in self._sent(calls):
            elements = ((m.get("attachment") or {}).get("payload") or {}).get("elements") or []
            texts.append("\n".join([m.get("text", ""), *(e["title"] for e in elements)]).strip())
        return texts

    def buttons(self, calls: list[Call]) -> list[str]:
        return [q["title"] for m in self._sent(calls) for q in m.get("quick_replies", [])]

    def fail_next_send(self, platform: FakePlatform) -> None:
        platform.fail_next("/me/messages", 400, body={"error": {"code": 613, "message": "Calls to this api have "
                                                                "exceeded the rate limit."}})

    # -- Messenger's own --------------------------------------------------------------------------

    async def test_the_handshake_answers_the_challenge_only_for_the_verify_token(self, channel_client):
        query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "CHALLENGE_ACCEPTED"}
        response = await channel_client.get("/webhooks/messenger", params=query)
        assert response.status == 200 and await response.text() == "CHALLENGE_ACCEPTED"
        assert (await channel_client.get("/webhooks/messenger", params={**query, "hub.mode": "other"})).status == 403

    async def test_products_are_a_carousel_with_choose_and_view(self, channel_client, platform):
        await self.post(channel_client, self.text_delivery("black boots", "ev-carousel"))
        calls = await platform.wait_for(lambda calls: any("attachment" in m for m in self._sent(calls)))
        template = next(m for m in self._sent(calls) if "attachment" in m)["attachment"]["payload"]
        (card,) = template["elements"]
        assert card["image_url"] == "https://shop.example/media/images/sku-006.png"
        assert card["buttons"] == [{"type": "postback", "title": "Choose", "payload": "the first one"},
                                   {"type": "web_url", "url": "https://shop.example/p/sku-006", "title": "View"}]

    async def test_a_postback_is_a_message_and_echoes_are_ignored(self, channel_client, platform, fake_agent):
        echo = page_event({"message": {"mid": "m_echo", "is_echo": True, "text": "I found 2 matches"}})
        await self.post(channel_client, Delivery.json("/webhooks/messenger", echo))
        postback = page_event({"postback": {"mid": "m_pb", "title": "Choose", "payload": "show me boots"}})
        await self.post(channel_client, Delivery.json("/webhooks/messenger", postback))
        await self.said(platform, "I found 2 matches")
        assert [m.text for m in fake_agent.received] == ["show me boots"]

    async def test_a_photo_attachment_is_downloaded(self, channel_client, platform, fake_agent):
        photo = page_event({"message": {"mid": "m_photo", "attachments": [
            {"type": "image", "payload": {"url": platform.url + "/cdn/photo.png"}}]}})
        await self.post(channel_client, Delivery.json("/webhooks/messenger", photo))
        await platform.wait_for(lambda calls: bool(self._sent(calls)))
        (message,) = fake_agent.received
        assert message.attachments[0].data == photo_bytes()

    async def test_the_like_sticker_is_a_thumbs_up_not_a_photo(self, channel_client, platform, fake_agent):
        like = page_event({"message": {"mid": "m_like", "sticker_id": 369239263222822, "attachments": [
            {"type": "image", "payload": {"url": platform.url + "/cdn/like.png", "sticker_id": 369239263222822}}]}})
        assert (await self.post(channel_client, Delivery.json("/webhooks/messenger", like))).status == 200
        await platform.wait_for(lambda calls: bool(self._sent(calls)))
        (message,) = fake_agent.received
        assert message.attachments == () and "\N{THUMBS UP SIGN}" in message.text
        assert not any(c.path.startswith("/cdn/") for c in platform.calls)  # never downloaded for try-on

    # -- Meta's messaging window: RESPONSE within 24 hours, then HUMAN_AGENT for a colleague -------

    async def hand_off(self, client, platform, hours_ago: float) -> str:
        """A shopper who asked for a person `hours_ago` hours ago, now in the queue."""
        asked = page_event({"message": {"mid": f"m_ask_{hours_ago}", "text": "I want to talk to a person"}}, hours_ago)
        await self.post(client, Delivery.json("/webhooks/messenger", asked))
        await self.said(platform, HANDOFF_ACCEPTED)
        return f"messenger:{PSID}"

    def sends(self, calls: list[Call], words: str) -> list[dict]:
        return [c.json for c in calls if c.path.endswith("/me/messages") and words in c.json["message"].get("text", "")]

    async def test_a_colleague_answering_after_24_hours_uses_the_human_agent_tag(self, channel_client, platform):
        queue = channel_client.app[SERVICES].queue
        cid = await self.hand_off(channel_client, platform, hours_ago=25)
        (accepted,) = self.sends(platform.calls, HANDOFF_ACCEPTED)
        assert accepted["messaging_type"] == "RESPONSE" and "tag" not in accepted  # the bot's answer in the turn

        await queue.reply(cid, "Sam", "Sorry for the wait! Your refund is on its way.")
        calls = await platform.wait_for(lambda calls: self.sends(calls, "refund is on its way"))
        for words in ("Sam from our team has joined", "refund is on its way"):
            (sent,) = self.sends(calls, words)
            assert (sent["messaging_type"], sent["tag"]) == ("MESSAGE_TAG", "HUMAN_AGENT")

        await queue.give_back(cid, "Sam")  # an automatic notice may not go out after 24 hours
        assert self.sends(await platform.settle(), "back with the shop assistant") == []

    async def test_a_colleague_answering_within_24_hours_sends_a_plain_response(self, channel_client, platform):
        cid = await self.hand_off(channel_client, platform, hours_ago=23)
        await channel_client.app[SERVICES].queue.reply(cid, "Sam", "Hi, Sam here.")
        (sent,) = self.sends(await platform.wait_for(lambda calls: self.sends(calls, "Sam here")), "Sam here")
        assert sent["messaging_type"] == "RESPONSE" and "tag" not in sent

    async def test_after_7_days_a_reply_is_refused_with_a_reason_for_the_colleague(self, channel_client, platform):
        cid = await self.hand_off(channel_client, platform, hours_ago=8 * 24)
        with pytest.raises(ChannelError, match="within 7 days"):
            await channel_client.app[SERVICES].queue.reply(cid, "Sam", "Are you still there?")
        assert self.sends(await platform.settle(), "still there") == []

    async def test_the_shoppers_last_message_time_survives_a_restart(self, start, platform):
        first = await start()
        cid = await self.hand_off(first, platform, hours_ago=30)
        restarted = await start()
        await restarted.app[SERVICES].queue.reply(cid, "Sam", "Back again: here is your answer.")
        (sent,) = self.sends(await platform.wait_for(lambda calls: self.sends(calls, "your answer")), "your answer")
        assert sent["tag"] == "HUMAN_AGENT"
