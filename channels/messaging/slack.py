"""Slack: the Events API and interactivity in, chat.postMessage with Block Kit cards out.

Set-up: create a Slack app, add the bot scopes `chat:write`, `im:history`, `app_mentions:read`
(and `files:read` for photos), subscribe to the bot events `message.im` and `app_mention` with the
Request URL `https://<your host>/webhooks/slack/events`, turn on Interactivity with
`https://<your host>/webhooks/slack/actions`, and set `AISLE_SLACK_BOT_TOKEN` (xoxb-...) and
`AISLE_SLACK_SIGNING_SECRET`.

Every request must carry `X-Slack-Signature: v0=<HMAC-SHA256 of "v0:{timestamp}:{body}">` and an
`X-Slack-Request-Timestamp` within `max_age_s` (5 minutes) of now: anything else gets 401 and is
not processed. `url_verification` is answered with its challenge. Each `event_id` is answered
once: Slack's retries (`X-Slack-Retry-Num`) are acknowledged and dropped. The bot's own messages
are ignored. A direct message is conversation `slack:<channel>`; a mention in a channel is
answered in a thread, conversation `slack:<channel>:<thread ts>`.

Slack allows about one message a second per channel; a 429 is retried after its `Retry-After`.
"""
from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from aiohttp import web

from agent.types import Attachment, BotMessage
from channels.context import ChannelHooks
from channels.errors import BadRequest
from channels.messaging.base import InboundMessage, MessagingChannel
from channels.messaging.render import card_subtitle, checkout_link, choose_payload, truncate
from channels.outbound import Pace, PlatformError
from channels.rendering import fallback_text, product_link
from channels.services import ChannelServices
from channels.shapes import as_text, field, obj, objects
from channels.validation import parse_json_object
from channels.webhooks import acknowledged, fresh, hmac_hex, refuse, secret_from_env, signature_matches

CHANNEL = "slack"
PACE = Pace(per_key=1.0, burst=3, overall=10.0)
MAX_FILE_BYTES = 20 * 1024 * 1024
_MENTION = re.compile(r"<@[A-Z0-9]+>\s*")


def escape(text: str) -> str:
    """Slack's mrkdwn reads &, < and > as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def blocks_for(message: BotMessage, services: ChannelServices) -> list[dict[str, Any]]:
    """Block Kit: the text, the image, a card per product with Choose and View, then the quick replies."""
    blocks: list[dict[str, Any]] = []
    if message.text:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": truncate(escape(message.text), 3000)}})
    image = services.image_url(message.image)
    if image:
        blocks.append({"type": "image", "image_url": image, "alt_text": "Image from the assistant"})
    for n, product in enumerate(message.products, 1):
        blocks.extend(_card(product, n, services))
    checkout = services.absolute_url(checkout_link(message))
    links = [{"type": "button", "text": {"type": "plain_text", "text": "Checkout"}, "url": checkout,
              "style": "primary", "action_id": "checkout"}] if checkout else []
    if message.quick_replies or links:
        blocks.append({"type": "actions", "elements": links + [
            _button(q.title, q.payload, f"reply-{n}") for n, q in enumerate(message.quick_replies[:24], 1)]})
    return blocks


def _card(product: Any, position: int, services: ChannelServices) -> list[dict[str, Any]]:
    section: dict[str, Any] = {"type": "section", "text": {
        "type": "mrkdwn", "text": f"*{escape(product.title)}*\n{escape(card_subtitle(product))}"}}
    image = services.image_url(product.image)
    if image:
        section["accessory"] = {"type": "image", "image_url": image, "alt_text": truncate(product.title, 200)}
    buttons = [_button("Choose", choose_payload(position), f"choose-{position}")]
    link = services.absolute_url(product_link(product))
    if link:
        buttons.append({"type": "button", "text": {"type": "plain_text", "text": "View"}, "url": link,
                        "action_id": f"link-{position}"})
    return [section, {"type": "actions", "elements": buttons}]


def _button(title: str, value: str, action_id: str) -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": truncate(title, 75)},
            "value": value[:2000], "action_id": action_id}


class Slack(MessagingChannel):
    name = CHANNEL

    def __init__(self, services: ChannelServices, base_url: str, token: str) -> None:
        super().__init__(services)
        self.base, self.token = base_url.rstrip("/"), token

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def send(self, sender: str, message: BotMessage, fields: dict[str, Any]) -> None:
        """chat.postMessage with Block Kit and a plain-text fallback (notifications); a mention's thread."""
        channel, _, thread = sender.partition(":")
        fallback = truncate(fallback_text(message, self.services.absolute_url), 3000) or " "
        body: dict[str, Any] = {"channel": channel, "text": fallback, "blocks": blocks_for(message, self.services)}
        if thread:
            body["thread_ts"] = thread
        answer = await self.services.outbound.call(CHANNEL, "chat.postMessage", "POST", f"{self.base}/chat.postMessage",
                                                   json=body, headers=self.auth, pace=PACE, key=channel)
        if not isinstance(answer, dict) or not answer.get("ok"):
            error = answer.get("error", "unknown error") if isinstance(answer, dict) else str(answer)[:100]
            raise PlatformError(CHANNEL, "chat.postMessage", 200, error)

    def read_record(self, record: Mapping[str, Any]) -> InboundMessage:
        """An earlier version kept the shopper's image as Slack's file object (`files`)."""
        message = InboundMessage.from_record(record)
        files = [f for f in record.get("files") or () if isinstance(f, dict)] if "metadata" not in record else []
        if not files:
            return message
        photo, about = _photo(files[0])
        return replace(message, photo=photo, metadata=about)

    async def fetch_photo(self, message: InboundMessage) -> Attachment:
        data, _ = await self.services.outbound.download(CHANNEL, message.photo, MAX_FILE_BYTES, headers=self.auth)
        return Attachment(data, str(message.metadata.get("mime", "")), str(message.metadata.get("name", "")))


def verified(request: web.Request, body: bytes, secret: bytes, max_age_s: int) -> str | None:
    """Why the request is not Slack's (a stale timestamp or a wrong signature), or None when it is."""
    timestamp = request.headers.get("X-Slack-Request-Timestamp")
    if not fresh(timestamp, max_age_s):
        return "the request timestamp is missing or too old"
    expected = "v0=" + hmac_hex(secret, b"v0:", str(timestamp).encode(), b":", body)
    if not signature_matches(request.headers.get("X-Slack-Signature"), expected):
        return "the request signature does not match"
    return None


def parse_event(event: dict[str, Any], event_id: str) -> InboundMessage | None:
    """A direct message or a mention (with its first image); None for anything else (bots included)."""
    if event.get("bot_id") or event.get("subtype") not in (None, "file_share"):
        return None
    channel = as_text(event.get("channel"))
    if event.get("type") == "message" and event.get("channel_type") == "im":
        sender = channel
    elif event.get("type") == "app_mention":
        sender = f"{channel}:{as_text(event.get('thread_ts')) or as_text(event.get('ts'))}"
    else:
        return None
    text = _MENTION.sub("", as_text(event.get("text"))).strip()
    files = [f for f in objects(event.get("files")) if as_text(f.get("mimetype")).startswith("image/")]
    if not channel or not (text or files):
        return None
    photo, about = _photo(files[0]) if files else ("", {})
    return InboundMessage(sender, text, photo, event_id, about)


def _photo(file: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """Where a shared image is downloaded (with the bot token), and its type and name."""
    url = as_text(file.get("url_private_download")) or as_text(file.get("url_private"))
    return url, {"mime": as_text(file.get("mimetype")), "name": as_text(file.get("name"))}


def setup(app: web.Application, hooks: ChannelHooks) -> None:
    config = hooks.services.config.slack
    secret = secret_from_env(config.signing_secret_env, CHANNEL)
    slack = Slack(hooks.services, config.base_url, secret_from_env(config.bot_token_env, CHANNEL).decode())

    async def events(request: web.Request) -> web.Response:
        body = await request.read()
        problem = verified(request, body, secret, config.max_age_s)
        if problem:
            return refuse(401, problem)
        payload = parse_json_object(body)
        if payload.get("type") == "url_verification":
            return web.json_response({"challenge": as_text(payload.get("challenge"))})
        event_id = as_text(payload.get("event_id"))
        if payload.get("type") != "event_callback" or not event_id:
            return acknowledged()
        return await slack.acknowledge(request, parse_event(obj(payload.get("event")), event_id))

    async def actions(request: web.Request) -> web.Response:
        body = await request.read()
        problem = verified(request, body, secret, config.max_age_s)
        if problem:
            return refuse(401, problem)
        for message in _pressed(_form_payload(body)):
            await slack.keep(message)
        return web.Response(status=200)

    app.router.add_post("/webhooks/slack/events", events)
    app.router.add_post("/webhooks/slack/actions", actions)


def _form_payload(body: bytes) -> dict[str, Any]:
    """The interaction's JSON, from the form body already read and verified (Slack sends UTF-8)."""
    try:
        form = urllib.parse.parse_qs(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadRequest("payload", "the form body carrying 'payload' is not UTF-8") from None
    return parse_json_object((form.get("payload") or [""])[0], what="payload")


def _pressed(payload: dict[str, Any]) -> list[InboundMessage]:
    """The button presses in a `block_actions` payload that say something (links only open a page)."""
    if payload.get("type") != "block_actions":
        return []
    channel = as_text(field(payload, "channel", "id"))
    thread = as_text(field(payload, "container", "thread_ts"))
    sender = f"{channel}:{thread}" if thread else channel
    return [InboundMessage(sender, as_text(a.get("value")),
                           message_id=f"action:{payload.get('trigger_id')}:{as_text(a.get('action_id'))}")
            for a in objects(payload.get("actions")) if as_text(a.get("value")) and channel]
