"""Telegram: the Bot API webhook in, sendMessage / sendPhoto with inline keyboards out.

Set-up: create a bot with @BotFather, put its token in `AISLE_TELEGRAM_BOT_TOKEN`, choose a secret
for `AISLE_TELEGRAM_SECRET_TOKEN`, and register the webhook with that secret:
`setWebhook?url=https://<your host>/webhooks/telegram&secret_token=<the secret>`.

Inbound, `POST /webhooks/telegram`: the `X-Telegram-Bot-Api-Secret-Token` header must equal the
secret (constant-time; 403 otherwise, nothing processed); each update is written to the durable
inbox (`channels.inbox`) before the 200, and answered once even when Telegram delivers it again
(keyed by `update_id`; an update without one by a hash of its bytes). Text, photo (with caption)
and inline-keyboard presses (`callback_query`) become messages of conversation `telegram:<chat id>`;
photos are downloaded (getFile) and handed to the agent as attachments. The commands `/start` and
`/help` reach the agent as a greeting and a request for help.

Outbound: text as sendMessage, images and product cards as sendPhoto with "View" and "Choose"
buttons (product cards become a numbered list when their images have no public address), quick
replies as an inline keyboard. Telegram asks for at most about one message a second per chat and
30 a second in all; a 429 is retried after the `retry_after` it names.
"""
from __future__ import annotations

from typing import Any

from aiohttp import web

from agent.types import Attachment, BotMessage
from channels.context import ChannelHooks
from channels.inbox import body_key
from channels.messaging.base import InboundMessage, MessagingChannel
from channels.messaging.render import card_subtitle, checkout_link, choose_payload, split_text, truncate
from channels.outbound import Pace
from channels.rendering import product_link
from channels.services import ChannelServices
from channels.shapes import as_text, field, obj, objects
from channels.validation import parse_json_object
from channels.webhooks import refuse, same_secret, secret_from_env

CHANNEL = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PACE = Pace(per_key=1.0, burst=5, overall=30.0)
MAX_TEXT, MAX_CAPTION, MAX_CALLBACK_BYTES = 4096, 1024, 64
MAX_CARDS = 3  # photo cards per answer; more products are listed in one message
MAX_FILE_BYTES = 20 * 1024 * 1024  # the Bot API's download limit
COMMANDS = {"/start": "hi", "/help": "help"}  # a greeting and "what can you do?", not an unknown request


class Telegram(MessagingChannel):
    """One bot's API through the shared outbound session."""

    name = CHANNEL

    def __init__(self, services: ChannelServices, base_url: str, token: str) -> None:
        super().__init__(services)
        self.base = f"{base_url.rstrip('/')}/bot{token}"
        self.files = f"{base_url.rstrip('/')}/file/bot{token}"

    async def call(self, method: str, body: dict[str, Any], chat: str = "") -> Any:
        pace = PACE if chat else None
        return await self.services.outbound.call(CHANNEL, method, "POST", f"{self.base}/{method}", json=body,
                                                 pace=pace, key=chat)

    async def send(self, chat_id: str, message: BotMessage, fields: dict[str, Any]) -> None:
        for method, body in await self.render(chat_id, message):
            await self.call(method, body, chat_id)

    async def render(self, chat_id: str, message: BotMessage) -> list[tuple[str, dict[str, Any]]]:
        calls: list[tuple[str, dict[str, Any]]] = []
        for piece in split_text(message.text, MAX_TEXT):
            calls.append(("sendMessage", {"chat_id": chat_id, "text": piece}))
        image = self.services.image_url(message.image)
        if image:
            calls.append(("sendPhoto", {"chat_id": chat_id, "photo": image}))
        calls.extend(await self._cards(chat_id, message))
        checkout = self.services.absolute_url(checkout_link(message))
        if message.quick_replies or checkout:
            rows = [[await self._button(q.title, q.payload)] for q in message.quick_replies]
            rows = [[{"text": "Checkout", "url": checkout}], *rows] if checkout else rows
            if not calls or "reply_markup" in calls[-1][1]:
                calls.append(("sendMessage", {"chat_id": chat_id, "text": "You could say:"}))
            calls[-1][1]["reply_markup"] = {"inline_keyboard": rows}
        return calls

    async def _cards(self, chat_id: str, message: BotMessage) -> list[tuple[str, dict[str, Any]]]:
        products = message.products
        if not products:
            return []
        images = [self.services.image_url(p.image) for p in products[:MAX_CARDS]]
        if len(products) <= MAX_CARDS and all(images):
            return [("sendPhoto", {"chat_id": chat_id, "photo": image,
                                   "caption": truncate(f"{p.title}\n{card_subtitle(p)}", MAX_CAPTION),
                                   "reply_markup": {"inline_keyboard": [await self._card_buttons(p, n)]}})
                    for n, (p, image) in enumerate(zip(products, images), 1)]
        lines = [f"{n}. {p.title} ({card_subtitle(p)})" for n, p in enumerate(products, 1)]
        rows = [[await self._button(f"{n}. {truncate(p.title, 28)}", choose_payload(n))]
                for n, p in enumerate(products, 1)]
        return [("sendMessage", {"chat_id": chat_id, "text": truncate("\n".join(lines), MAX_TEXT),
                                 "reply_markup": {"inline_keyboard": rows}})]

    async def _card_buttons(self, product: Any, position: int) -> list[dict[str, str]]:
        buttons = [await self._button("Choose", choose_payload(position))]
        link = self.services.absolute_url(product_link(product))
        return [{"text": "View", "url": link}, *buttons] if link else buttons

    async def _button(self, title: str, payload: str) -> dict[str, str]:
        """A callback button; a payload over Telegram's 64 bytes is kept in the database under a short key."""
        data = payload if len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES else "k:" + await self.services.db.stash(payload)
        return {"text": truncate(title, 64), "callback_data": data}

    async def text_of(self, message: InboundMessage) -> str:
        """A pressed button is acknowledged (Telegram stops its spinner); a long payload is read back."""
        if not message.metadata.get("callback"):
            return message.text
        await self.call("answerCallbackQuery", {"callback_query_id": message.metadata["callback"]})
        if message.text.startswith("k:"):
            return await self.services.db.unstash(message.text[2:]) or ""
        return message.text

    async def fetch_photo(self, message: InboundMessage) -> Attachment:
        found = await self.call("getFile", {"file_id": message.photo})
        path = (found.get("result") or {}).get("file_path", "") if isinstance(found, dict) else ""
        data, _ = await self.services.outbound.download(CHANNEL, f"{self.files}/{path}", MAX_FILE_BYTES)
        return Attachment(data, str(message.metadata.get("mime") or "image/jpeg"))


def parse_update(update: dict[str, Any], body: bytes) -> InboundMessage | None:
    """The message of an update Aisle answers (a text, a photo, a pressed button); None to ignore it."""
    key = update_key(update, body)
    query = obj(update.get("callback_query"))
    if query:
        chat = as_text(field(query, "message", "chat", "id")) or as_text(field(query, "from", "id"))
        callback = {"callback": as_text(query.get("id"))}
        return InboundMessage(chat, as_text(query.get("data")), message_id=key, metadata=callback) if chat else None
    message = obj(update.get("message"))
    chat = as_text(field(message, "chat", "id"))
    text = _command(as_text(message.get("text"))) or as_text(message.get("caption"))
    photo, mime = _photo(message)
    if not chat or not (text.strip() or photo):
        return None
    return InboundMessage(chat, text, photo, key, {"mime": mime} if photo else {})


def _photo(message: dict[str, Any]) -> tuple[str, str]:
    """The file id of the photo (its largest size) or image document, and its type; ('', '') for none."""
    sizes, document = objects(message.get("photo")), obj(message.get("document"))
    if sizes and as_text(sizes[-1].get("file_id")):
        return as_text(sizes[-1].get("file_id")), "image/jpeg"
    if as_text(document.get("mime_type")).startswith("image/") and as_text(document.get("file_id")):
        return as_text(document.get("file_id")), as_text(document["mime_type"])
    return "", ""


def _command(text: str) -> str:
    """Telegram's own commands in words the agent understands: `/start` opens every chat with a bot
    (it may carry a deep-link parameter), `/help` is in every bot's menu; other text is unchanged."""
    command = text.split(maxsplit=1)[0].partition("@")[0].lower() if text.startswith("/") else ""
    return COMMANDS.get(command, text)


def update_key(update: dict[str, Any], body: bytes) -> str:
    """Telegram's `update_id`; an update without an integer one is keyed by its bytes, never by "None"."""
    update_id = update.get("update_id")
    if isinstance(update_id, int) and not isinstance(update_id, bool):
        return str(update_id)
    return body_key(body)


def setup(app: web.Application, hooks: ChannelHooks) -> None:
    config = hooks.services.config.telegram
    secret = secret_from_env(config.secret_token_env, CHANNEL)
    telegram = Telegram(hooks.services, config.base_url, secret_from_env(config.bot_token_env, CHANNEL).decode())

    async def webhook(request: web.Request) -> web.Response:
        if not same_secret(request.headers.get(SECRET_HEADER), secret):
            return refuse(403, "the secret token does not match")
        body = await request.read()
        return await telegram.acknowledge(request, parse_update(parse_json_object(body), body))

    app.router.add_post("/webhooks/telegram", webhook)
