"""Chatwoot: Aisle as an Agent Bot in the inbox a customer-service team already uses.

Set-up: in Chatwoot, create an Agent Bot with the webhook URL `https://<your host>/webhooks/chatwoot`,
connect it to an inbox, put the bot's access token in `AISLE_CHATWOOT_BOT_TOKEN` and your Chatwoot's
address in `channels.chatwoot.base_url`. If your Chatwoot signs webhooks, put the secret in
`AISLE_CHATWOOT_WEBHOOK_SECRET`: then every request needs `X-Chatwoot-Signature: sha256=<HMAC-SHA256
of "{X-Chatwoot-Timestamp}.{body}">` with a fresh timestamp, or gets 401.

Inbound: `message_created` events for incoming messages in conversations the bot holds (status
`pending`) become messages of conversation `chatwoot:<account>:<conversation>`; a choice made in an
options or cards message (`message_updated` with `submitted_values`) is a message too. Each message
is kept in the durable inbox (`channels.inbox`) before the 200 and answered once, keyed by the event
and the message id in the signed body (never the unsigned `X-Chatwoot-Delivery` header), so a message
Chatwoot reports updated again is not answered again. Conversations a person holds (`open`) are left to
the person; when one is resolved (`conversation_resolved`, whose payload is the conversation itself),
the handoff is cleared and the assistant answers again.

Outbound: the messages API (`POST /api/v1/accounts/{account}/conversations/{id}/messages`, header
`api_access_token`): the text first, then product `cards` with "View" and "Choose", then quick
replies as `input_select`.
Handoff is Chatwoot's own: `toggle_status` to `open`, and the conversation appears in the team's
inbox with the whole transcript, a private note with what the assistant knew (the customer, their
orders, the request, what was shown, a summary: `agent.handoff_context`), the labels
`aisle-<reason>` and `aisle-<urgency>`, and Chatwoot's own priority (`toggle_priority`).
"""
from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from agent.types import BotMessage
from channels.context import ChannelHooks
from channels.inbox import body_key
from channels.messaging.base import InboundMessage, MessagingChannel
from channels.messaging.render import card_subtitle, choose_payload, truncate
from channels.outbound import Pace
from channels.rendering import product_link
from channels.services import ChannelServices
from channels.shapes import as_text, field, obj, objects
from channels.validation import parse_json_object
from channels.webhooks import acknowledged, fresh, hmac_hex, optional_secret, refuse, secret_from_env, signature_matches

log = logging.getLogger(__name__)

CHANNEL = "chatwoot"
PACE = Pace(per_key=2.0, burst=5, overall=20.0)
CHATWOOT_PRIORITY = {"urgent": "urgent", "high": "high", "normal": "medium"}


def render(message: BotMessage, services: ChannelServices) -> list[dict[str, Any]]:
    """Chatwoot message bodies: the text, then cards, then the quick replies as options.

    Without cards, the text is the options message's own content (one message, as the shopper reads it).
    """
    bodies: list[dict[str, Any]] = []
    cards = _cards(message, services)
    text_with_options = bool(message.quick_replies) and not cards
    if message.text and not text_with_options:
        bodies.append({"content": message.text})
    if cards:
        bodies.append({"content": "\n".join(c["title"] for c in cards), "content_type": "cards",
                       "content_attributes": {"items": cards}})
    if message.quick_replies:
        items = [{"title": q.title, "value": q.payload} for q in message.quick_replies]
        content = message.text if text_with_options and message.text else "You could say:"
        bodies.append({"content": content, "content_type": "input_select", "content_attributes": {"items": items}})
    return [{**body, "message_type": "outgoing", "private": False} for body in bodies]


def _cards(message: BotMessage, services: ChannelServices) -> list[dict[str, Any]]:
    image = services.image_url(message.image)
    cards = [{"media_url": image, "title": "Image", "description": "", "actions": []}] if image else []
    for n, product in enumerate(message.products, 1):
        actions = [{"type": "postback", "text": "Choose", "payload": choose_payload(n)}]
        link = services.absolute_url(product_link(product))
        if link:
            actions.insert(0, {"type": "link", "text": "View", "uri": link})
        cards.append({"media_url": services.image_url(product.image), "title": truncate(product.title, 80),
                      "description": card_subtitle(product), "actions": actions})
    return cards


class Chatwoot(MessagingChannel):
    name = CHANNEL

    def __init__(self, services: ChannelServices, base_url: str, token: str) -> None:
        super().__init__(services)
        self.base = base_url.rstrip("/")
        self.headers = {"api_access_token": token}
        services.queue.external[CHANNEL] = self.hand_over

    def _url(self, sender_id: str, tail: str) -> str:
        account, _, conversation = sender_id.partition(":")
        return f"{self.base}/api/v1/accounts/{account}/conversations/{conversation}/{tail}"

    async def send(self, sender: str, message: BotMessage, fields: dict[str, Any]) -> None:
        for body in render(message, self.services):
            await self._post(sender, "messages", body)

    async def hand_over(self, sender_id: str, handoff: dict[str, Any]) -> None:
        """The shopper wants a person: the context as a private note, labels and priority, then open the
        conversation, so it shows up in the team's inbox with everything a colleague needs."""
        context = handoff.get("context")
        if context is not None:
            note = {"content": context.as_text(), "message_type": "outgoing", "private": True}
            await self._post(sender_id, "messages", note)
            await self._post(sender_id, "labels", {"labels": [f"aisle-{context.reason}".replace("_", "-"),
                                                              f"aisle-{context.urgency}"]})
            await self._post(sender_id, "toggle_priority", {"priority": CHATWOOT_PRIORITY[context.urgency]})
        await self._post(sender_id, "toggle_status", {"status": "open"})
        log.info("conversation %s:%s handed to the Chatwoot inbox (%s)", CHANNEL, sender_id, handoff.get("reason"))

    async def _post(self, sender_id: str, tail: str, body: dict[str, Any]) -> None:
        await self.services.outbound.call(CHANNEL, tail, "POST", self._url(sender_id, tail), json=body,
                                          headers=self.headers, pace=PACE, key=sender_id)


def parse_event(payload: dict[str, Any], key: str) -> InboundMessage | None:
    """An event of a conversation (its `metadata` holds the `event` and the conversation's `status`), else None.

    Message events carry the conversation as `conversation`; conversation events (`conversation_resolved`,
    `conversation_opened`, `conversation_status_changed`) are the conversation itself, flat, with the
    account only on its messages. A message the shopper wrote, or an option they picked in ours, is its text.
    """
    event = payload.get("event")
    conversation = obj(payload.get("conversation")) if str(event).startswith("message_") else payload
    account = _account(payload, conversation)
    if not account or not as_text(conversation.get("id")):
        return None
    about = {"event": event, "status": as_text(conversation.get("status"))}
    return InboundMessage(f"{account}:{as_text(conversation['id'])}", _said(event, payload), message_id=key,
                          metadata=about)


def _said(event: Any, payload: dict[str, Any]) -> str:
    if event == "message_created" and payload.get("message_type") == "incoming" and not payload.get("private"):
        return as_text(payload.get("content"))
    if event == "message_updated" and payload.get("message_type") == "outgoing" and as_text(payload.get("id")):
        chosen = objects(field(payload, "content_attributes", "submitted_values"))  # an option picked in our message
        return (as_text(chosen[0].get("value")) or as_text(chosen[0].get("title"))) if chosen else ""
    return ""


def _account(payload: dict[str, Any], conversation: dict[str, Any]) -> str:
    candidates = [field(payload, "account", "id"), conversation.get("account_id"), payload.get("account_id")]
    candidates += [message.get("account_id") for message in objects(conversation.get("messages"))]
    return next((as_text(c) for c in candidates if as_text(c)), "")


def setup(app: web.Application, hooks: ChannelHooks) -> None:
    config = hooks.services.config.chatwoot
    chatwoot = Chatwoot(hooks.services, config.base_url, secret_from_env(config.bot_token_env, CHANNEL).decode())
    secret = optional_secret(config.webhook_secret_env)
    if secret is None:
        log.warning("%s is not set: Chatwoot webhooks are accepted without a signature", config.webhook_secret_env)

    async def webhook(request: web.Request) -> web.Response:
        body = await request.read()
        if secret is not None and not _signed(request, body, secret, config.max_age_s):
            return refuse(401, "the webhook signature or timestamp does not match")
        payload = parse_json_object(body)
        message = parse_event(payload, message_key(payload, body))
        if message is None or not await _for_the_assistant(hooks.services, message):
            return acknowledged()
        return await chatwoot.acknowledge(request, message)

    app.router.add_post("/webhooks/chatwoot", webhook)


def _signed(request: web.Request, body: bytes, secret: bytes, max_age_s: float) -> bool:
    timestamp = request.headers.get("X-Chatwoot-Timestamp")
    expected = "sha256=" + hmac_hex(secret, str(timestamp).encode(), b".", body)
    return fresh(timestamp, max_age_s) and signature_matches(request.headers.get("X-Chatwoot-Signature"), expected)


def message_key(payload: dict[str, Any], body: bytes) -> str:
    """The message's own id from the (signed) body, per event: the unsigned `X-Chatwoot-Delivery`
    header changes when a captured delivery is replayed, the message id does not."""
    message_id = payload.get("id")
    if isinstance(message_id, (int, str)) and not isinstance(message_id, bool) and str(message_id).strip():
        return f"{payload.get('event')}:{message_id}"
    return body_key(body)


async def _for_the_assistant(services: ChannelServices, message: InboundMessage) -> bool:
    """Whether the assistant answers this event: a message in a conversation the bot holds. A resolved
    conversation is handed back first (the team is done: the assistant answers the next message)."""
    event, status = message.metadata["event"], message.metadata["status"]
    if event in ("conversation_resolved", "conversation_status_changed") and status == "resolved":
        if services.queue.host is not None:
            await services.queue.host.set_handoff(f"{CHANNEL}:{message.sender}", None)
        return False
    return status == "pending" and bool(message.text.strip())  # else a person holds it, or nothing to answer
