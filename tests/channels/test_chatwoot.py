"""Chatwoot against a fake Chatwoot on localhost: the contract, Agent Bot events, handoff by toggle_status."""
from __future__ import annotations

import hashlib
import hmac
import time
import zlib

from agent.config_channels import ChannelsConfig, ChatwootConfig
from channels.testing import HANDOFF_ACCEPTED
from tests.channels.contract import ChannelContract, Delivery
from tests.channels.fake_platform import Call, FakePlatform

BOT_TOKEN, WEBHOOK_SECRET = "chatwoot-bot-token", "chatwoot-webhook-secret"
ACCOUNT, CONVERSATION = 3, 77
MESSAGES = f"/api/v1/accounts/{ACCOUNT}/conversations/{CONVERSATION}/messages"
TOGGLE = f"/api/v1/accounts/{ACCOUNT}/conversations/{CONVERSATION}/toggle_status"
LABELS = f"/api/v1/accounts/{ACCOUNT}/conversations/{CONVERSATION}/labels"
PRIORITY = f"/api/v1/accounts/{ACCOUNT}/conversations/{CONVERSATION}/toggle_priority"


def chatwoot_signature(body: bytes, timestamp: str, secret: str = WEBHOOK_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def message_created(text: str, message_id: int, status: str = "pending") -> dict:
    return {"event": "message_created", "id": message_id, "content": text, "message_type": "incoming",
            "content_type": "text", "content_attributes": {}, "private": False,
            "sender": {"id": 12, "name": "Ann", "type": "contact"}, "inbox": {"id": 2, "name": "Website"},
            "account": {"id": ACCOUNT, "name": "Shop"},
            "conversation": {"id": CONVERSATION, "status": status, "channel": "Channel::WebWidget", "inbox_id": 2}}


class TestChatwootContract(ChannelContract):
    channel, sender = "chatwoot", f"{ACCOUNT}:{CONVERSATION}"
    secrets = {"AISLE_CHATWOOT_BOT_TOKEN": BOT_TOKEN, "AISLE_CHATWOOT_WEBHOOK_SECRET": WEBHOOK_SECRET}
    handoff_in_console = False

    def make_platform(self) -> FakePlatform:
        fake = FakePlatform()
        authorised = lambda call: call.headers.get("api_access_token") == BOT_TOKEN  # noqa: E731
        fake.route("POST", MESSAGES, lambda call: {"id": len(fake.calls), **call.json} if authorised(call)
                   else {"error": "unauthorised"})
        fake.route("POST", TOGGLE, lambda call: {"payload": {"success": True, "current_status": call.json["status"]}})
        fake.route("POST", LABELS, lambda call: {"payload": call.json["labels"]})  # Chatwoot answers the new list
        fake.route("POST", PRIORITY, lambda call: {} if call.json["priority"] in ("urgent", "high", "medium", "low",
                                                                                  "none") else {"error": "bad"})
        return fake

    def configure(self, url: str) -> ChannelsConfig:
        return ChannelsConfig(enabled=("chatwoot",), public_base_url="https://shop.example",
                              chatwoot=ChatwootConfig(base_url=url))

    def text_delivery(self, text: str, event_id: str) -> Delivery:
        return Delivery.json("/webhooks/chatwoot", message_created(text, 1000 + zlib.crc32(event_id.encode()) % 10**6),
                             **{"X-Chatwoot-Delivery": f"delivery-{event_id}"})

    def button_delivery(self, payload: str, event_id: str) -> Delivery:
        event = {**message_created("", 2000), "event": "message_updated", "message_type": "outgoing",
                 "content_type": "input_select",
                 "content_attributes": {"submitted_values": [{"title": "Boots instead", "value": payload}]}}
        return Delivery.json("/webhooks/chatwoot", event, **{"X-Chatwoot-Delivery": f"delivery-{event_id}"})

    def sign(self, delivery: Delivery) -> dict[str, str]:
        timestamp = str(int(time.time()))
        return {"X-Chatwoot-Timestamp": timestamp, "X-Chatwoot-Signature": chatwoot_signature(delivery.body, timestamp)}

    def forge(self, headers: dict[str, str]) -> dict[str, str]:
        return {**headers, "X-Chatwoot-Signature": chatwoot_signature(b"{}", headers["X-Chatwoot-Timestamp"])}

    def _sent(self, calls: list[Call]) -> list[dict]:
        """What the shopper sees: private notes are for the team only."""
        return [c.json for c in calls if c.path == MESSAGES and not c.json.get("private")]

    def texts(self, calls: list[Call]) -> list[str]:
        return [m["content"] for m in self._sent(calls)]

    def buttons(self, calls: list[Call]) -> list[str]:
        return [item["title"] for m in self._sent(calls) if m.get("content_type") == "input_select"
                for item in m["content_attributes"]["items"]]

    def fail_next_send(self, platform: FakePlatform) -> None:
        platform.fail_next("/messages", 429, headers={"Retry-After": "1"})

    # -- Chatwoot's own ---------------------------------------------------------------------------

    async def test_asking_for_a_person_opens_the_conversation_in_the_inbox(self, channel_client, platform, fake_agent):
        await self.post(channel_client, self.text_delivery("talk to a person please", "h1"))
        calls = await platform.wait_for(lambda calls: any(c.path == TOGGLE for c in calls)
                                        and HANDOFF_ACCEPTED in self.texts(calls))
        assert [c.json for c in calls if c.path == TOGGLE] == [{"status": "open"}]
        notes = [c.json for c in calls if c.path == MESSAGES and c.json.get("private")]
        assert len(notes) == 1 and "Request: talk to a person please" in notes[0]["content"]
        assert [c.json for c in calls if c.path == LABELS] == [{"labels": ["aisle-asked", "aisle-normal"]}]
        assert [c.json for c in calls if c.path == PRIORITY] == [{"priority": "medium"}]
        order = [c.path for c in calls if c.path in (LABELS, TOGGLE)]
        assert order == [LABELS, TOGGLE]  # the context is there before the conversation shows up in the inbox
        open_now = Delivery.json("/webhooks/chatwoot", message_created("are you there?", 3001, status="open"),
                                 **{"X-Chatwoot-Delivery": "delivery-open"})
        assert (await self.post(channel_client, open_now)).status == 200
        await platform.settle()
        assert [m.text for m in fake_agent.received] == ["talk to a person please"]  # a person holds it now
        assert not any("queue" in text for text in self.texts(platform.calls))

    async def test_an_impatient_shopper_reaches_the_inbox_as_urgent(self, channel_client, platform):
        await self.post(channel_client, self.text_delivery("this is taking forever, let me talk to a person", "u1"))
        calls = await platform.wait_for(lambda calls: any(c.path == TOGGLE for c in calls))
        assert [c.json for c in calls if c.path == PRIORITY] == [{"priority": "urgent"}]
        assert {"labels": ["aisle-asked", "aisle-urgent"]} in [c.json for c in calls if c.path == LABELS]

    async def test_cards_and_options_use_chatwoots_content_types(self, channel_client, platform):
        await self.post(channel_client, self.text_delivery("black boots", "cards"))
        calls = await platform.wait_for(lambda calls: any(m.get("content_type") == "input_select"
                                                          for m in self._sent(calls)))
        (cards,) = [m for m in self._sent(calls) if m.get("content_type") == "cards"]
        (item,) = cards["content_attributes"]["items"]
        assert item["media_url"] == "https://shop.example/media/images/sku-006.png"
        assert item["actions"] == [{"type": "link", "text": "View", "uri": "https://shop.example/p/sku-006"},
                                   {"type": "postback", "text": "Choose", "payload": "the first one"}]
        assert all(m["message_type"] == "outgoing" and m["private"] is False for m in self._sent(calls))

    async def test_a_stale_signed_webhook_is_refused(self, channel_client, platform, fake_agent):
        delivery = self.text_delivery("black boots", "stale")
        old = str(int(time.time()) - 3600)
        headers = {"X-Chatwoot-Timestamp": old, "X-Chatwoot-Signature": chatwoot_signature(delivery.body, old)}
        assert (await self.post(channel_client, delivery, headers)).status == 401
        assert fake_agent.received == [] and await platform.settle() == []

    async def test_without_a_configured_secret_unsigned_webhooks_are_accepted(self, start, platform, monkeypatch,
                                                                               fake_agent):
        monkeypatch.delenv("AISLE_CHATWOOT_WEBHOOK_SECRET")
        client = await start()
        await self.post(client, self.text_delivery("black boots", "unsigned"), headers={})
        await self.said(platform, "I found 1 match")

    async def test_a_resolved_conversation_arrives_flat_and_clears_the_handoff(self, channel_client, platform,
                                                                              fake_agent):
        cid = f"chatwoot:{ACCOUNT}:{CONVERSATION}"
        await self.post(channel_client, self.text_delivery("talk to a person please", "r1"))
        await platform.wait_for(lambda calls: any(c.path == TOGGLE for c in calls))
        assert (await fake_agent.store.load_state(cid))["handoff"]["status"] == "requested"
        resolved = Delivery.json("/webhooks/chatwoot", conversation_resolved(), **{"X-Chatwoot-Delivery": "res-1"})
        assert (await self.post(channel_client, resolved)).status == 200
        assert (await fake_agent.store.load_state(cid))["handoff"] is None

    async def test_an_updated_choice_is_answered_once(self, channel_client, platform, fake_agent):
        await self.post(channel_client, self.button_delivery("show me boots", "u1"))
        await self.said(platform, "I found 2 matches")
        again = self.button_delivery("show me boots", "u2")  # the same message updated again (read, edited)
        assert (await self.post(channel_client, again)).status == 200
        await platform.settle()
        assert [m.text for m in fake_agent.received] == ["show me boots"]

    async def test_an_update_of_an_answered_message_is_not_answered_again(self, channel_client, platform,
                                                                            fake_agent):
        await self.post(channel_client, self.text_delivery("black boots", "m1"))
        await self.said(platform, "I found 1 match")
        updated = {**message_created("black boots", 1000 + len("m1")), "event": "message_updated"}
        delivery = Delivery.json("/webhooks/chatwoot", updated, **{"X-Chatwoot-Delivery": "delivery-m1-updated"})
        assert (await self.post(channel_client, delivery)).status == 200
        await platform.settle()
        assert [m.text for m in fake_agent.received] == ["black boots"]

    async def test_the_intro_text_comes_before_the_cards(self, channel_client, platform):
        await self.post(channel_client, self.text_delivery("black boots", "order"))
        calls = await platform.wait_for(lambda calls: any(m.get("content_type") == "input_select"
                                                          for m in self._sent(calls)))
        kinds = [(m.get("content_type") or "text", m["content"]) for m in self._sent(calls)]
        assert kinds[0][0] == "text" and kinds[0][1].startswith("I found 1 match") and kinds[1][0] == "cards"
        assert kinds[2][0] == "input_select" and "I found" not in kinds[2][1]


def conversation_resolved() -> dict:
    """What an Agent Bot receives when a colleague resolves the conversation: the conversation itself, flat."""
    return {"event": "conversation_resolved", "id": CONVERSATION, "inbox_id": 2, "status": "resolved",
            "channel": "Channel::WebWidget", "can_reply": True, "additional_attributes": {}, "labels": [],
            "contact_inbox": {"id": 5, "contact_id": 12, "inbox_id": 2, "source_id": "abc"},
            "messages": [{"id": 3100, "content": "All sorted!", "account_id": ACCOUNT, "inbox_id": 2,
                          "conversation_id": CONVERSATION, "message_type": 1, "private": False}],
            "meta": {"sender": {"id": 12, "name": "Ann", "type": "contact"}, "assignee": None},
            "unread_count": 0, "timestamp": 1765000000, "created_at": 1765000000}
