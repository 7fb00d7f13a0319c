"""The Rasa-compatible REST channel.

`POST /webhooks/rest/webhook` with `{"sender": "u1", "message": "red sneakers", "metadata": {}}`
answers with Rasa's list of `{"recipient_id", "text" | "image" | "buttons" | "custom"}` dicts, so
existing Rasa web-chat clients work unchanged. As in Rasa, a missing `sender` is "default" and a
number is read as its text; `?stream=true` answers the same dicts one JSON object per line
(`text/event-stream`), each as soon as it is ready. Card and fallback links are absolute when
`channels.public_base_url` is set. `GET /webhooks/rest/` is Rasa's health check. A shop's server may add
`"user_id"` and `"user_hash"` to `metadata` for a signed-in customer (`channels.identity`).
"""
from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import replace
from typing import Any

from aiohttp import web

from agent.types import BotMessage, UserMessage
from channels.context import CONVERSATION_ID, ChannelHooks
from channels.dispatch import SORRY
from channels.errors import BadRequest, type_name
from channels.identity import identity_secret, shopper_metadata
from channels.merchant import SHOPPER, merchant_role, with_role
from channels.rendering import Link, rasa_messages
from channels.validation import MAX_SENDER_CHARS, optional_object, parse_json_object, required_string

log = logging.getLogger(__name__)

CHANNEL = "rest"
DEFAULT_SENDER = "default"  # Rasa's sender id when the request names none


def parse_rest_message(payload: dict, max_message_chars: int, role: str = SHOPPER) -> UserMessage:
    """Rasa's request body as a `UserMessage`; a `BadRequest` names any bad field.

    `metadata["role"]` is always the server's `role`, never what the client sent; a signed-in shopper is
    recognised from `metadata.user_id` and `metadata.user_hash` (`channels.identity`) when the route runs.
    """
    sender = _sender(payload)
    text = required_string(payload, "message", max_message_chars)
    metadata = with_role(optional_object(payload, "metadata"), role)
    return UserMessage(sender_id=sender, text=text, channel=CHANNEL, metadata=metadata)


def _sender(payload: dict[str, Any]) -> str:
    value = payload.get("sender")
    if value is None:
        return DEFAULT_SENDER
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise BadRequest("sender", f"'sender' must be a string or a number, got {type_name(value)}")
    return required_string(payload, "sender", MAX_SENDER_CHARS)


def setup(app: web.Application, hooks: ChannelHooks) -> None:
    """Register the REST routes on `app`; replies come from `hooks.on_message`."""

    identity = identity_secret(hooks.server.identity_secret_env)

    def link(url: str) -> str:
        return hooks.services.absolute_url(url) or url

    async def webhook(request: web.Request) -> web.StreamResponse:
        payload = parse_json_object(await request.read())
        role = merchant_role(request, hooks.server.merchant_token_env)
        message = parse_rest_message(payload, hooks.server.max_message_chars, role)
        message = replace(message, metadata=shopper_metadata(message.metadata, identity, request.remote))
        request[CONVERSATION_ID] = f"{CHANNEL}:{message.sender_id}"
        if request.query.get("stream", "").lower() == "true":
            return await _streamed(request, hooks, message, link)
        replies = await hooks.on_message(message)
        return web.json_response(rasa_messages(message.sender_id, replies, link))

    async def status(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app.router.add_post("/webhooks/rest/webhook", webhook)
    app.router.add_get("/webhooks/rest/", status)
    app.router.add_get("/webhooks/rest", status)


async def _streamed(request: web.Request, hooks: ChannelHooks, message: UserMessage, link: Link) -> web.StreamResponse:
    """Rasa's `stream=true`: each message a line of JSON, written as soon as the agent has it."""
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    await response.prepare(request)

    async def write(replies: list[BotMessage]) -> None:
        for item in rasa_messages(message.sender_id, replies, link):
            await response.write(json.dumps(item).encode("utf-8") + b"\n")

    async def interim(reply: BotMessage) -> None:
        await write([reply])

    try:
        await write(await hooks.on_message(dataclasses.replace(message, interim=interim)))
    except Exception:  # the status line is sent: the failure becomes a last line, as a turn's apology
        log.exception("the agent failed to answer a streamed request (conversation %s:%s)", CHANNEL, message.sender_id)
        await write([BotMessage(text=SORRY)])
    await response.write_eof()
    return response
