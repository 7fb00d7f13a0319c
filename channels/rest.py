"""The Rasa-compatible REST channel.

`POST /webhooks/rest/webhook` with `{"sender": "u1", "message": "red sneakers", "metadata": {}}`
answers with Rasa's list of `{"recipient_id", "text" | "image" | "buttons" | "custom"}` dicts, so
existing Rasa web-chat clients work unchanged. `GET /webhooks/rest/` is Rasa's health check.
"""
from __future__ import annotations

from aiohttp import web

from agent.types import UserMessage
from channels.context import CONVERSATION_ID, ChannelHooks
from channels.merchant import SHOPPER, merchant_role, with_role
from channels.rendering import rasa_messages
from channels.validation import MAX_SENDER_CHARS, optional_object, parse_json_object, required_string

CHANNEL = "rest"


def parse_rest_message(payload: dict, max_message_chars: int, role: str = SHOPPER) -> UserMessage:
    """Rasa's request body as a `UserMessage`; a `BadRequest` names any bad field.

    `metadata["role"]` is always the server's `role`, never what the client sent.
    """
    sender = required_string(payload, "sender", MAX_SENDER_CHARS)
    text = required_string(payload, "message", max_message_chars)
    metadata = with_role(optional_object(payload, "metadata"), role)
    return UserMessage(sender_id=sender, text=text, channel=CHANNEL, metadata=metadata)


def setup(app: web.Application, hooks: ChannelHooks) -> None:
    """Register the REST routes on `app`; replies come from `hooks.on_message`."""

    async def webhook(request: web.Request) -> web.Response:
        payload = parse_json_object(await request.read())
        role = merchant_role(request, hooks.server.merchant_token_env)
        message = parse_rest_message(payload, hooks.server.max_message_chars, role)
        request[CONVERSATION_ID] = f"{CHANNEL}:{message.sender_id}"
        replies = await hooks.on_message(message)
        return web.json_response(rasa_messages(message.sender_id, replies))

    async def status(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app.router.add_post("/webhooks/rest/webhook", webhook)
    app.router.add_get("/webhooks/rest/", status)
    app.router.add_get("/webhooks/rest", status)
