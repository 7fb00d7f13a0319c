"""WhatsApp Cloud API: Meta's webhook in, text, interactive lists and reply buttons out.

Set-up: in your Meta app's WhatsApp settings, set the callback URL to
`https://<your host>/webhooks/whatsapp` with the verify token from `AISLE_WHATSAPP_VERIFY_TOKEN`,
subscribe to `messages`, and set `AISLE_WHATSAPP_ACCESS_TOKEN` (a system-user token),
`AISLE_WHATSAPP_APP_SECRET` (the app secret) and `channels.whatsapp.phone_number_id`.

Inbound (signed, see `channels.messaging.meta`): text, reply-button and list choices, and photos (the media
id is looked up and the file downloaded with the access token) become messages of conversation
`whatsapp:<wa_id>`; each message id (`wamid...`) is answered once; delivery statuses are ignored.

Outbound: products are an interactive list the shopper picks from ("the second one"), quick
replies are up to three reply buttons (a list when there are more), images are image messages.

WhatsApp's customer-service window: a free-form message may be sent only within 24 hours of the
shopper's last message; later, only a template approved in WhatsApp Manager (there is no
human-agent exception as on Messenger). So the shopper's last message time is kept (the channels'
database), a colleague's late reply is refused with that reason for the console, and a late
automatic notice is not sent.
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
from channels.messaging.meta_window import SCHEMA, STANDARD_WINDOW_S, LastSeen
from channels.messaging.render import card_subtitle, choose_payload, split_text, truncate
from channels.outbound import Pace
from channels.services import ChannelServices
from channels.shapes import as_text, field, obj, objects
from channels.webhooks import secret_from_env

CHANNEL = "whatsapp"
log = logging.getLogger(__name__)
PACE = Pace(per_key=1.0, burst=10, overall=80.0)  # 80 messages a second per business number
MAX_FILE_BYTES = 16 * 1024 * 1024


def _interactive(to: str, kind: str, body: str, action: dict[str, Any]) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "interactive",
            "interactive": {"type": kind, "body": {"text": truncate(body, 1024)}, "action": action}}


def _list(to: str, body: str, button: str, rows: list[dict[str, str]]) -> dict[str, Any]:
    return _interactive(to, "list", body, {"button": button, "sections": [{"title": "Choose one", "rows": rows[:10]}]})


def render(to: str, message: BotMessage, services: ChannelServices) -> list[dict[str, Any]]:
    """The Cloud API message bodies for one reply, in the order they are sent."""
    bodies: list[dict[str, Any]] = []
    text = message.text
    image = services.image_url(message.image)
    if image:
        bodies.append({"messaging_product": "whatsapp", "to": to, "type": "image", "image": {"link": image}})
    if message.products:
        rows = [{"id": choose_payload(n), "title": truncate(p.title, 24), "description": truncate(card_subtitle(p), 72)}
                for n, p in enumerate(message.products, 1)]
        bodies.append(_list(to, text or "Here is what I found:", "See products", rows))
        text = ""
    replies = message.quick_replies
    if replies and len(replies) <= 3:
        buttons = [{"type": "reply", "reply": {"id": q.payload[:256], "title": truncate(q.title, 20)}} for q in replies]
        bodies.append(_interactive(to, "button", text or "Anything else?", {"buttons": buttons}))
        text = ""
    elif replies:
        rows = [{"id": q.payload[:200], "title": truncate(q.title, 24)} for q in replies]
        bodies.append(_list(to, text or "Anything else?", "Options", rows))
        text = ""
    texts = [{"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": piece}}
             for piece in split_text(text, 4096)]
    return texts + bodies


def parse_messages(payload: dict[str, Any]) -> list[InboundMessage]:
    """Every shopper message in a webhook payload (delivery statuses are not messages)."""
    found = []
    for entry in objects(payload.get("entry")):
        for change in objects(entry.get("changes")):
            for msg in objects(field(change, "value", "messages")):
                parsed = _parse(msg)
                if parsed is not None:
                    found.append(parsed)
    return found


def _parse(msg: dict[str, Any]) -> InboundMessage | None:
    message_id, sender, kind = as_text(msg.get("id")), as_text(msg.get("from")), msg.get("type")
    if not message_id or not sender:
        return None
    sent = {"ts": _seconds(msg.get("timestamp"))}
    if kind == "image":
        image = obj(msg.get("image"))
        return InboundMessage(sender, as_text(image.get("caption")), as_text(image.get("id")), message_id,
                              sent | {"mime": as_text(image.get("mime_type"))})
    text = _text(kind, msg)
    return None if text is None else InboundMessage(sender, text, message_id=message_id, metadata=sent)


def _text(kind: Any, msg: dict[str, Any]) -> str | None:
    """What a text, a reply-button or list choice, or a template's button says; None for other kinds."""
    if kind == "text":
        return as_text(field(msg, "text", "body"))
    if kind == "interactive":
        reply = obj(msg.get("interactive"))
        chosen = obj(reply.get("button_reply")) or obj(reply.get("list_reply"))
        return as_text(chosen.get("id")) or as_text(chosen.get("title"))
    if kind == "button":
        button = obj(msg.get("button"))
        return as_text(button.get("payload")) or as_text(button.get("text"))
    return None


def _seconds(timestamp: Any) -> float | None:
    """WhatsApp's message `timestamp`: Unix seconds, as a string."""
    try:
        value = float(timestamp)
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


class WhatsApp(MessagingChannel):
    name = CHANNEL

    def __init__(self, services: ChannelServices, graph: GraphApi, phone_number_id: str) -> None:
        super().__init__(services)
        self.graph, self.phone = graph, phone_number_id
        self.last_seen = LastSeen(lambda: services.db)
        services.schemas.append(SCHEMA)

    async def send_fields(self, wa_id: str, messages: list[BotMessage], event: dict | None) -> dict[str, Any] | None:
        """Answers in a turn (`event` None) always go; other messages only within the 24-hour window."""
        if event is None or not messages or await self._in_window(wa_id, event):
            return {}
        return None

    async def send(self, wa_id: str, message: BotMessage, fields: dict[str, Any]) -> None:
        for body in render(wa_id, message, self.services):
            await self.graph.post("send", f"{self.phone}/messages", body, key=wa_id)

    async def fetch_photo(self, message: InboundMessage) -> Attachment:
        found = await self.graph.get("media", message.photo)
        data, content_type = await self.graph.download(str(found.get("url") or ""), MAX_FILE_BYTES)
        return Attachment(data, str(found.get("mime_type") or message.metadata.get("mime") or content_type))

    async def _in_window(self, wa_id: str, event: dict) -> bool:
        last = await self.last_seen.last(f"{CHANNEL}:{wa_id}")
        if last is None or self.last_seen.clock() - last <= STANDARD_WINDOW_S:
            return True
        if event.get("author"):
            raise ChannelError("WhatsApp accepts a free-form reply only within 24 hours of the shopper's last "
                               "message (later, only an approved template): this reply was kept in the "
                               "conversation but not sent")
        log.info("whatsapp:%s: a notice was not sent, the shopper last wrote more than 24 hours ago", wa_id)
        return False

    async def handle(self, payload: dict[str, Any]) -> None:
        now = self.last_seen.clock()
        for message in parse_messages(payload):
            if await self.keep(message):
                await self.last_seen.saw(self.conversation(message.sender), min(message.metadata["ts"] or now, now))


def setup(app: web.Application, hooks: ChannelHooks) -> None:
    services = hooks.services
    config = services.config.whatsapp
    token = secret_from_env(config.access_token_env, CHANNEL).decode()
    graph = GraphApi(services, CHANNEL, config.base_url, config.api_version, token, PACE)
    whatsapp = WhatsApp(services, graph, config.phone_number_id)
    meta_webhook(app, "/webhooks/whatsapp", secret_from_env(config.verify_token_env, CHANNEL),
                 secret_from_env(config.app_secret_env, CHANNEL), whatsapp.handle)
