"""The Rasa-compatible REST channel.

`POST /webhooks/rest/webhook` with `{"sender": "u1", "message": "red sneakers", "metadata": {}}`
answers with Rasa's list of `{"recipient_id", "text" | "image" | "buttons" | "custom"}` dicts, so
existing Rasa web-chat clients work unchanged. `GET /webhooks/rest/` is Rasa's health check. A shop's
server may add `"user_id"` and `"user_hash"` to `metadata` for a signed-in customer (`channels.identity`).
"""
from __future__ import annotations

from dataclasses import replace

from aiohttp import web

from agent.types import UserMessage
from channels.context import CONVERSATION_ID, ChannelHooks
from channels.identity import identity_secret, shopper_metadata
from channels.merchant import SHOPPER, merchant_role, with_role
from channels.rendering import rasa_messages
from channels.validation import MAX_SENDER_CHARS, optional_object, parse_json_object, required_string

CHANNEL = "rest"


def parse_rest_message(payload: dict, max_message_chars: int, role: str = SHOPPER) -> UserMessage:
    """Rasa's request body as a `UserMessage`; a `BadRequest` names any bad field.

    `metadata["role"]` is always the server's `role`, never what the client sent; a signed-in shopper is
    recognised from `metadata.user_id` and `metadata.user_hash` (`channels.identity`) when the route runs.
    """
    sender = required_string(payload, "sender", MAX_SENDER_CHARS)
    text = required_string(payload, "message", max_message_chars)
    metadata = with_role(optional_object(payload, "metadata"), role)
    return UserMessage(sender_id=sender, text=text, channel=CHANNEL, metadata=metadata)


def setup(app: web.Application, hooks: ChannelHooks) -> None:
    """Register the REST routes on `app`; replies come from `hooks.on_message`."""

    identity = identity_secret(hooks.server.identity_secret_env)

    async def webhook(request: web.Request) -> web.Response:
        payload = parse_json_object(await request.read())
        role = merchant_role(request, hooks.server.merchant_token_env)
        message = parse_rest_message(payload, hooks.server.max_message_chars, role)
        message = replace(message, metadata=shopper_metadata(message.metadata, identity, request.remote))
        request[CONVERSATION_ID] = f"{CHANNEL}:{message.sender_id}"
        replies = await hooks.on_message(message)
        return web.json_response(rasa_messages(message.sender_id, replies))

    async def status(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app.router.add_post("/webhooks/rest/webhook", webhook)
    app.router.add_get("/webhooks/rest/", status)
    app.router.add_get("/webhooks/rest", status)
