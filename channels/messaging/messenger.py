"""Facebook Messenger: Meta's webhook in, the Send API with generic-template cards and quick replies out.

Set-up: in your Meta app's Messenger settings, set the callback URL to
`https://<your host>/webhooks/messenger` with the verify token from `AISLE_MESSENGER_VERIFY_TOKEN`,
subscribe the page to `messages` and `messaging_postbacks`, and set `AISLE_MESSENGER_PAGE_TOKEN`
and `AISLE_MESSENGER_APP_SECRET`.

Inbound (signed, see `channels.messaging.meta`): text, quick-reply and postback payloads, and photos
(downloaded from the attachment URL) become messages of conversation `messenger:<PSID>`; each
message id (`mid`) is answered once; echoes of the page's own messages are ignored. The "like"
sticker (an image attachment with a `sticker_id`) is the shopper's thumbs-up, not a photo for try-on.

Outbound: products are a generic-template carousel (image, title, price, "Choose" and "View"),
quick replies hang on the last message, images are image attachments. Answers to a message are
`RESPONSE`s; a colleague's reply from the console more than 24 hours after the shopper's last
message goes out with the `HUMAN_AGENT` tag (up to 7 days), see `channels.messaging.meta_window`.
"""
from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from agent.errors import ChannelError
from agent.types import Attachment, BotMessage
from channels.context import ChannelHooks
from channels.messaging.base import InboundMessage, MessagingChannel
from channels.messaging.meta import GraphApi, meta_webhook
from channels.messaging.meta_window import RESPONSE, SCHEMA, LastSeen, event_time
from channels.messaging.meta_window import send_fields as window_fields
from channels.messaging.render import card_subtitle, choose_payload, split_text, truncate
from channels.outbound import Pace
from channels.rendering import product_link
from channels.services import ChannelServices
from channels.shapes import as_text, field, obj, objects
from channels.webhooks import secret_from_env

log = logging.getLogger(__name__)

CHANNEL = "messenger"
PACE = Pace(per_key=1.0, burst=5, overall=40.0)
MAX_FILE_BYTES = 16 * 1024 * 1024
LIKE_TEXT = "ok 👍"  # Messenger's "like" sticker, in words the intent model reads as a yes (a bare emoji is out of scope)


def _card(product: Any, position: int, services: ChannelServices) -> dict[str, Any]:
    element: dict[str, Any] = {"title": truncate(product.title, 80), "subtitle": truncate(card_subtitle(product), 80),
                               "buttons": [{"type": "postback", "title": "Choose", "payload": choose_payload(position)}]}
    image = services.image_url(product.image)
    if image:
        element["image_url"] = image
    link = services.absolute_url(product_link(product))
    if link:
        element["buttons"].append({"type": "web_url", "url": link, "title": "View"})
    return element


def render(message: BotMessage, services: ChannelServices) -> list[dict[str, Any]]:
    """The Send API `message` objects for one reply; quick replies on the last one."""
    parts: list[dict[str, Any]] = [{"text": piece} for piece in split_text(message.text, 2000)]
    image = services.image_url(message.image)
    if image:
        parts.append({"attachment": {"type": "image", "payload": {"url": image, "is_reusable": False}}})
    if message.products:
        cards = [_card(p, n, services) for n, p in enumerate(message.products[:10], 1)]
        parts.append({"attachment": {"type": "template", "payload": {"template_type": "generic", "elements": cards}}})
    if message.quick_replies:
        if not parts:
            parts.append({"text": "You could say:"})
        parts[-1]["quick_replies"] = [{"content_type": "text", "title": truncate(q.title, 20), "payload": q.payload[:1000]}
                                      for q in message.quick_replies[:13]]
    return parts


def parse_events(payload: dict[str, Any]) -> list[InboundMessage]:
    """Every shopper message or postback in a payload (the page's own echoes are not)."""
    found = []
    for entry in objects(payload.get("entry")):
        for event in objects(entry.get("messaging")):
            parsed = _parse(event)
            if parsed is not None:
                found.append(parsed)
    return found


def _parse(event: dict[str, Any]) -> InboundMessage | None:
    sender = as_text(field(event, "sender", "id"))
    message, postback = obj(event.get("message")), obj(event.get("postback"))
    if not sender or message.get("is_echo"):
        return None
    sent = {"ts": event.get("timestamp")}
    if postback:
        mid = as_text(postback.get("mid")) or f"postback:{sender}:{as_text(sent['ts'])}"
        return InboundMessage(sender, as_text(postback.get("payload")) or as_text(postback.get("title")),
                              message_id=mid, metadata=sent)
    if not as_text(message.get("mid")):
        return None
    text = as_text(field(message, "quick_reply", "payload")) or as_text(message.get("text"))
    attachments = objects(message.get("attachments"))
    if as_text(message.get("sticker_id")) or any(field(a, "payload", "sticker_id") for a in attachments):
        return InboundMessage(sender, text or LIKE_TEXT, message_id=as_text(message["mid"]),
                              metadata=sent | {"sticker": True})  # the "like" thumb, not a photo
    images = [as_text(field(a, "payload", "url")) for a in attachments if a.get("type") == "image"]
    images = [url for url in images if url]
    return InboundMessage(sender, text, images[0] if images else "", as_text(message["mid"]), sent)


class Messenger(MessagingChannel):
    name = CHANNEL

    def __init__(self, services: ChannelServices, graph: GraphApi) -> None:
        super().__init__(services)
        self.graph = graph
        self.last_seen = LastSeen(lambda: services.db)
        services.schemas.append(SCHEMA)

    async def send_fields(self, psid: str, messages: list[BotMessage], event: dict | None) -> dict[str, Any] | None:
        """Answers in a turn (`event` None) are responses; other messages must fit Meta's window."""
        return RESPONSE if event is None else await self._outside_turn(psid, messages, event)

    async def send(self, psid: str, message: BotMessage, fields: dict[str, Any]) -> None:
        for part in render(message, self.services):
            body = {"recipient": {"id": psid}, **fields, "message": part}
            await self.graph.post("send", "me/messages", body, key=psid)

    async def _outside_turn(self, psid: str, messages: list[BotMessage], event: dict) -> dict[str, str] | None:
        """A colleague's reply or joining may use the HUMAN_AGENT tag; notices only the 24-hour window."""
        if not messages:
            return None
        by_person = bool(event.get("author")) or event.get("handoff") == "active"
        fields = window_fields(await self.last_seen.last(psid), self.last_seen.clock(), by_person)
        if fields is None and event.get("author"):
            raise ChannelError("Messenger accepts a colleague's reply only within 7 days of the shopper's last "
                               "message: this reply was kept in the conversation but not sent")
        if fields is None:
            log.info("messenger:%s: a notice was not sent, the shopper last wrote more than 24 hours ago", psid)
        return fields

    async def handle(self, payload: dict[str, Any]) -> None:
        now = self.last_seen.clock()
        for message in parse_events(payload):
            if await self.keep(message):
                await self.last_seen.saw(message.sender, event_time(message.metadata["ts"], now))

    async def fetch_photo(self, message: InboundMessage) -> Attachment:
        data, content_type = await self.graph.download(message.photo, MAX_FILE_BYTES, authorised=False)
        return Attachment(data, content_type)


def setup(app: web.Application, hooks: ChannelHooks) -> None:
    services = hooks.services
    config = services.config.messenger
    token = secret_from_env(config.page_token_env, CHANNEL).decode()
    messenger = Messenger(services, GraphApi(services, CHANNEL, config.base_url, config.api_version, token, PACE))
    meta_webhook(app, "/webhooks/messenger", secret_from_env(config.verify_token_env, CHANNEL),
                 secret_from_env(config.app_secret_env, CHANNEL), messenger.handle)
