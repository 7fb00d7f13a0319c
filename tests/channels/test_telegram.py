"""Telegram against a fake Bot API on localhost: the contract, photos, long payloads, callbacks."""
from __future__ import annotations

import io
import itertools
import zlib

from PIL import Image

from agent.config_channels import ChannelsConfig, TelegramConfig
from tests.channels.contract import ChannelContract, Delivery
from tests.channels.fake_platform import Call, FakePlatform

TOKEN = "123456:telegram-test-token"
SECRET = "telegram-webhook-secret-1"
CHAT = "4711"
_ids = itertools.count(1000)


def update_id(event_id: str) -> int:
    """Telegram's update ids are integers; map the contract's event ids to stable ones."""
    return zlib.crc32(event_id.encode())


def photo_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 500), (200, 30, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


class TestTelegramContract(ChannelContract):
    channel, sender = "telegram", CHAT
    secrets = {"AISLE_TELEGRAM_BOT_TOKEN": TOKEN, "AISLE_TELEGRAM_SECRET_TOKEN": SECRET}

    def make_platform(self) -> FakePlatform:
        fake = FakePlatform()
        for method in ("sendMessage", "sendPhoto", "answerCallbackQuery"):
            fake.route("POST", f"/bot{TOKEN}/{method}", lambda call: {"ok": True, "result": {"message_id": next(_ids)}})
        fake.route("POST", f"/bot{TOKEN}/getFile", lambda call: {"ok": True, "result": {
            "file_id": call.json["file_id"], "file_path": "photos/file_7.jpg"}})
        fake.route("GET", f"/file/bot{TOKEN}/photos/file_7.jpg", lambda call: photo_bytes())
        return fake

    def configure(self, url: str) -> ChannelsConfig:
        return ChannelsConfig(public_base_url="https://shop.example", telegram=TelegramConfig(base_url=url))

    def text_delivery(self, text: str, event_id: str) -> Delivery:
        return Delivery.json("/webhooks/telegram", {"update_id": update_id(event_id), "message": {
            "message_id": 5, "date": 1700000000, "text": text,
            "from": {"id": 99, "is_bot": False, "first_name": "Ann"}, "chat": {"id": int(CHAT), "type": "private"}}})

    def button_delivery(self, payload: str, event_id: str) -> Delivery:
        return Delivery.json("/webhooks/telegram", {"update_id": update_id(event_id), "callback_query": {
            "id": "cbq-" + event_id, "from": {"id": 99, "first_name": "Ann"}, "data": payload,
            "message": {"message_id": 6, "chat": {"id": int(CHAT), "type": "private"}}}})

    def sign(self, delivery: Delivery) -> dict[str, str]:
        return {"X-Telegram-Bot-Api-Secret-Token": SECRET}

    def forge(self, headers: dict[str, str]) -> dict[str, str]:
        return {"X-Telegram-Bot-Api-Secret-Token": "guessed-secret"}

    def texts(self, calls: list[Call]) -> list[str]:
        sent = [c.json for c in calls if c.path.endswith(("/sendMessage", "/sendPhoto"))]
        return [m.get("text") or m.get("caption") or "" for m in sent if str(m.get("chat_id")) == CHAT]

    def buttons(self, calls: list[Call]) -> list[str]:
        sent = [c.json for c in calls if c.path.endswith(("/sendMessage", "/sendPhoto"))]
        return [b["text"] for m in sent for row in (m.get("reply_markup") or {}).get("inline_keyboard", [])
                for b in row]

    def fail_next_send(self, platform: FakePlatform) -> None:
        platform.fail_next("/sendMessage", 429, body={"ok": False, "error_code": 429,
                                                      "description": "Too Many Requests: retry after 1",
                                                      "parameters": {"retry_after": 1}})

    # -- Telegram's own ---------------------------------------------------------------------------

    async def test_cards_are_photos_with_view_and_choose_buttons(self, channel_client, platform):
        await self.post(channel_client, self.text_delivery("black boots", "ev-cards"))
        calls = await platform.wait_for(lambda calls: any(c.path.endswith("/sendPhoto") for c in calls))
        (card,) = [c.json for c in calls if c.path.endswith("/sendPhoto")]
        assert card["photo"] == "https://shop.example/media/images/sku-006.png"
        assert card["caption"].startswith("Heritage Leather Boot\nUSD 129.00 · black · Oakline")
        (row,) = card["reply_markup"]["inline_keyboard"]
        assert row == [{"text": "View", "url": "https://shop.example/p/sku-006"},
                       {"text": "Choose", "callback_data": "the first one"}]

    async def test_a_payload_longer_than_64_bytes_is_kept_and_comes_back(self, channel_client, platform, fake_agent):
        from agent.types import BotMessage, QuickReply
        from channels.context import SERVICES

        long = "show me red sneakers with white soles and a padded collar under 80 dollars please"
        message = BotMessage(text="Pick one", quick_replies=(QuickReply("Padded ones", long),))
        await channel_client.app[SERVICES].postboxes.deliver(f"telegram:{CHAT}", [message])
        calls = await platform.wait_for(lambda calls: "Padded ones" in self.buttons(calls))
        data = calls[-1].json["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        assert data.startswith("k:") and len(data.encode()) <= 64
        await self.post(channel_client, self.button_delivery(data, "ev-long"))
        await platform.wait_for(lambda calls: any(c.path.endswith("/answerCallbackQuery") for c in calls))
        await self.said(platform, "I found")
        assert fake_agent.received[-1].text == long

    async def test_a_photo_is_downloaded_and_handed_to_the_agent(self, channel_client, platform, fake_agent):
        delivery = Delivery.json("/webhooks/telegram", {"update_id": 777, "message": {
            "message_id": 9, "chat": {"id": int(CHAT)}, "caption": "will this fit me?",
            "photo": [{"file_id": "small", "width": 90, "height": 90}, {"file_id": "big", "width": 800, "height": 1000}]}})
        assert (await self.post(channel_client, delivery)).status == 200
        await platform.wait_for(lambda calls: len(fake_agent.received) == 1 and bool(self.texts(calls)))
        (get_file,) = [c.json for c in platform.calls if c.path.endswith("/getFile")]
        assert get_file == {"file_id": "big"}
        (message,) = fake_agent.received
        assert message.text == "will this fit me?"
        (photo,) = message.attachments
        assert photo.content_type == "image/jpeg" and photo.data == photo_bytes()

    async def test_start_and_help_commands_are_a_greeting_and_a_request_for_help(self, channel_client, platform,
                                                                                    fake_agent):
        for n, command in enumerate(("/start", "/help", "/start@AisleShopBot ref-42")):
            assert (await self.post(channel_client, self.text_delivery(command, f"cmd-{n}"))).status == 200
        await platform.wait_for(lambda calls: len(self.texts(calls)) >= 3)
        assert [m.text for m in fake_agent.received] == ["hi", "help", "hi"]  # what the agent understands

    async def test_updates_without_anything_to_answer_are_acknowledged(self, channel_client, platform, fake_agent):
        delivery = Delivery.json("/webhooks/telegram", {"update_id": 31, "edited_message": {"chat": {"id": 1}}})
        assert (await self.post(channel_client, delivery)).status == 200
        assert await platform.settle() == [] and fake_agent.received == []

    async def test_a_photo_that_cannot_be_fetched_is_asked_for_again(self, channel_client, platform, fake_agent):
        platform.fail_next("/getFile", 400, body={"ok": False, "error_code": 400, "description": "file is too big"})
        delivery = Delivery.json("/webhooks/telegram", {"update_id": 778, "message": {
            "message_id": 10, "chat": {"id": int(CHAT)}, "photo": [{"file_id": "huge", "width": 9000, "height": 9000}]}})
        assert (await self.post(channel_client, delivery)).status == 200
        await self.said(platform, "couldn't fetch your photo")
        assert fake_agent.received == []
