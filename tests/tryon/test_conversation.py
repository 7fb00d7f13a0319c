"""Try-on as a shopper lives it, through the real turn loop: photo, consent, "try the first one on me"."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from agent.config import TryOnConfig
from agent.types import Attachment, BotMessage, UserMessage
from skills.tryon import replies
from tests.tryon.fake_services import Script, http_service
from tests.tryon.kit import gps_exif, person_photo, png_bomb


def photo_message(sender: str, data: bytes) -> UserMessage:
    return UserMessage(sender, "", channel="webchat", attachments=(Attachment(data, "image/jpeg"),))


class Interim:
    """Collects interim messages as the widget's socket would show them."""

    def __init__(self) -> None:
        self.shown: list[str] = []

    async def __call__(self, message: BotMessage) -> None:
        self.shown.append(message.text)


async def say(agent, sender: str, text: str, interim: Interim | None = None) -> BotMessage:
    [reply] = await agent.handle(UserMessage(sender, text, channel="webchat", interim=interim))
    return reply


def position_of(reply: BotMessage, product_id: str) -> int:
    return [p.id for p in reply.products].index(product_id) + 1


def stored_photos(agent) -> list:
    return sorted(agent.media.root.glob("*.jpg"))


async def test_photo_consent_and_try_on_in_one_conversation(open_tryon_agent, tryon_config):
    async with open_tryon_agent(tryon_config()) as agent:
        found = await say(agent, "ann", "red cotton t-shirt")
        position = position_of(found, "tee-red")
        ordinal = ["first", "second", "third", "fourth"][position - 1]
        ask = await say(agent, "ann", f"try the {ordinal} one on me")
        assert "Send me a photo of yourself" in ask.text and ask.products[0].id == "tee-red"

        [consent] = await agent.handle(photo_message("ann", person_photo(exif=gps_exif())))
        assert "Before I use your photo" in consent.text and "1 hour" in consent.text
        assert [q.title for q in consent.quick_replies] == [replies.CONSENT_YES, replies.CONSENT_NO]
        [kept] = stored_photos(agent)
        assert b"Exif" not in kept.read_bytes()  # stored without the GPS position

        progress = Interim()
        result = await say(agent, "ann", replies.CONSENT_YES, progress)
        assert progress.shown == ["Working on it, about 10 s…"]
        assert "quick preview of the Everyday Cotton T-Shirt" in result.text and "not a real try-on" in result.text
        assert result.image.startswith("/media/u/") and result.products[0].id == "tee-red"
        path, content_type = agent.media.resolve(result.image.removeprefix("/media/u/"))
        assert content_type == "image/jpeg" and Image.open(path).size == (900, 600)  # upright, as sent

        transcript = await agent.transcript("ann", "webchat")
        assert transcript[4]["text"] == "(sent a photo)"
        assert transcript[-1]["image"] == result.image


async def test_consent_is_asked_once_per_conversation(open_tryon_agent, tryon_config):
    async with open_tryon_agent(tryon_config()) as agent:
        await agent.handle(photo_message("bo", person_photo()))
        await say(agent, "bo", "yes")
        found = await say(agent, "bo", "straight blue jeans")
        [again] = await agent.handle(photo_message("bo", person_photo(700, 1000)))
        assert again.text == replies.PHOTO_READY  # no second consent question
        assert len(stored_photos(agent)) == 1  # the new photo replaced the old one
        result = await say(agent, "bo", f"try number {position_of(found, 'jeans-blue')} on me")
        assert result.image and "Straight Jeans" in result.text


async def test_saying_no_deletes_the_photo(open_tryon_agent, tryon_config):
    async with open_tryon_agent(tryon_config()) as agent:
        await agent.handle(photo_message("cy", person_photo()))
        assert len(stored_photos(agent)) == 1
        declined = await say(agent, "cy", "No, thanks")
        assert declined.text == replies.DECLINED
        assert stored_photos(agent) == []
        state = await agent.store.load_state("webchat:cy")
        assert state["tryon"] == {"photo": None, "pending": None, "consent": False}


async def test_an_unrelated_message_closes_the_consent_question(open_tryon_agent, tryon_config):
    async with open_tryon_agent(tryon_config()) as agent:
        await agent.handle(photo_message("di", person_photo()))
        found = await say(agent, "di", "linen summer dress")
        assert found.products and not found.image
        state = await agent.store.load_state("webchat:di")
        assert state.get("awaiting_answer") is None and state["tryon"]["consent"] is None


async def test_only_clothes_can_be_tried_on(open_tryon_agent, tryon_config):
    async with open_tryon_agent(tryon_config()) as agent:
        found = await say(agent, "ed", "stoneware mug")
        refused = await say(agent, "ed", f"try the #{position_of(found, 'mug-white')} on me")
        assert "I can only try on clothes" in refused.text and "Stoneware Mug" in refused.text


@pytest.mark.parametrize("data, reason", [
    (b"<svg onload='alert(1)'></svg>", "not a photo I can use"),
    (png_bomb(), "enormous size"),
    (person_photo()[:3000], "damaged or incomplete"),
])
async def test_a_hostile_photo_is_refused_in_the_conversation_and_not_kept(open_tryon_agent, tryon_config, data,
                                                                           reason):
    async with open_tryon_agent(tryon_config()) as agent:
        [refused] = await agent.handle(photo_message("fi", data))
        assert reason in refused.text
        assert list(agent.media.root.iterdir()) == []
        assert (await say(agent, "fi", "red cotton t-shirt")).products  # and the chat goes on


async def test_a_failing_service_gets_a_graceful_reply_and_the_chat_goes_on(open_tryon_agent, tryon_config,
                                                                            aiohttp_server):
    script = Script(["500"])
    service = await aiohttp_server(http_service(script))
    config = tryon_config(tryon=TryOnConfig(backend="http", base_url=str(service.make_url("/")), retries=1,
                                            backoff_s=0.01, breaker_failures=1, timeout_s=2))
    async with open_tryon_agent(config) as agent:
        found = await say(agent, "gu", "red cotton t-shirt")
        await agent.handle(photo_message("gu", person_photo()))
        assert "sent to our try-on service" in (await agent.store.transcript("webchat:gu"))[-1].text
        await say(agent, "gu", "yes")
        progress = Interim()
        failed = await say(agent, "gu", f"try number {position_of(found, 'tee-red')} on me", progress)
        assert progress.shown and "couldn't make the try-on picture" in failed.text
        assert failed.products[0].id == "tee-red" and not failed.image
        assert [q.title for q in failed.quick_replies] == list(replies.AFTER_FAILURE)
        assert len(script.calls) == 2  # one call and one retry
        again = await say(agent, "gu", "Try it on again")  # the breaker is open now: no call at all
        assert "couldn't make the try-on picture" in again.text and len(script.calls) == 2
        assert (await say(agent, "gu", "linen summer dress")).products


async def test_the_photo_given_to_the_service_is_the_cleaned_one(open_tryon_agent, tryon_config, aiohttp_server):
    import base64

    script = Script(["ok"])
    service = await aiohttp_server(http_service(script))
    config = tryon_config(tryon=TryOnConfig(backend="http", base_url=str(service.make_url("/"))))
    async with open_tryon_agent(config) as agent:
        found = await say(agent, "ho", "linen summer dress")
        await agent.handle(photo_message("ho", person_photo(exif=gps_exif())))
        await say(agent, "ho", "yes")
        result = await say(agent, "ho", f"try number {position_of(found, 'dress-green')} on me")
        assert result.text == "Here you are in the Linen Summer Dress!"
        sent = base64.b64decode(script.calls[0]["body"]["person_image"])
        assert b"Exif" not in sent and Image.open(io.BytesIO(sent)).size == (900, 600)
        assert script.calls[0]["body"]["category"] == "dress"
