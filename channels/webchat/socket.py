"""The widget's WebSocket protocol.

Client to server: `{"type": "message", "text": "red sneakers", "session_id"?: "..."}`.
Server to client, as JSON text frames:

- `{"type": "session", "session_id", "max_message_chars"}` on connect; the browser keeps the id
  (localStorage) and reconnects with `?session_id=...`.
- `{"type": "history", "session_id", "messages": [{"role", "text", "products", "quick_replies", "ts"}]}`
  right after, when the browser brought a session id, so a reload keeps the conversation.
- `{"type": "typing"}` before the agent runs, then `{"type": "bot", "messages": [widget message]}`
  (see `channels.rendering.widget_message`). A slow skill may send `{"type": "interim", "messages":
  [...]}` first ("working on it, about 10 s"); the typing indicator stays until the answer.
- `{"type": "error", "message", "field"?}` for a bad frame or a failed turn; the socket stays open.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import secrets
from typing import Any

from aiohttp import WSMsgType, hdrs, web
from yarl import URL

from agent.types import BotMessage, UserMessage
from channels.context import ChannelHooks
from channels.errors import BadRequest, json_error
from channels.rendering import widget_history, widget_messages
from channels.validation import is_session_id, parse_json_object, required_string

log = logging.getLogger(__name__)

CHANNEL = "webchat"
HEARTBEAT_SECONDS = 30.0
SORRY = "Sorry, something went wrong on our side. Please try again in a moment."


def new_session_id() -> str:
    return secrets.token_urlsafe(18)


class WebchatSocket:
    """One handler for every widget connection; it knows only the channel hooks.

    >>> app.router.add_get("/webchat/ws", WebchatSocket(hooks).handle)
    """

    def __init__(self, hooks: ChannelHooks) -> None:
        self.hooks = hooks
        self.allowed_origins = frozenset(hooks.server.cors_origins)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if not self._origin_allowed(request):
            return json_error(403, "this origin may not open the chat socket")
        ws = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS, max_msg_size=self.hooks.server.max_body_bytes)
        await ws.prepare(request)
        session_id = await self._open_session(ws, request.query.get("session_id"))
        async for frame in ws:
            if frame.type == WSMsgType.TEXT:
                session_id = await self._on_text(ws, frame.data, session_id)
            elif frame.type == WSMsgType.BINARY:
                await _send(ws, _error("binary frames are not supported: send JSON text"))
        return ws

    def _origin_allowed(self, request: web.Request) -> bool:
        """Browsers always send Origin: only our own page and the configured origins may connect.

        Behind a proxy that rewrites `Host`, list the public origin in `server.cors_origins`.
        """
        origin = request.headers.get(hdrs.ORIGIN)
        if origin is None or "*" in self.allowed_origins or origin in self.allowed_origins:
            return True
        url = URL(origin)
        return url.absolute and url.authority == request.host

    async def _open_session(self, ws: web.WebSocketResponse, requested: str | None) -> str:
        known = is_session_id(requested)
        session_id = requested if known and requested else new_session_id()
        limit = self.hooks.server.max_message_chars
        await _send(ws, {"type": "session", "session_id": session_id, "max_message_chars": limit})
        if known:
            await self._replay(ws, session_id)
        return session_id

    async def _replay(self, ws: web.WebSocketResponse, session_id: str) -> None:
        try:
            transcript = await self.hooks.transcript(session_id, CHANNEL)
        except Exception:
            log.exception("could not load the transcript (conversation %s:%s)", CHANNEL, session_id)
            await _send(ws, _error("the earlier conversation could not be loaded"))
            return
        await _send(ws, {"type": "history", "session_id": session_id, "messages": widget_history(transcript)})

    async def _on_text(self, ws: web.WebSocketResponse, data: str, session_id: str) -> str:
        """Answer one frame; returns the session id the conversation continues under."""
        try:
            message = self._parse(data, session_id)
        except BadRequest as exc:
            await _send(ws, _error(exc.message, exc.field))
            return session_id
        await _send(ws, {"type": "typing"})
        try:
            replies = await self.hooks.on_message(dataclasses.replace(message, interim=_interim(ws)))
        except Exception:
            log.exception("the agent failed to answer (conversation %s:%s)", CHANNEL, message.sender_id)
            await _send(ws, _error(SORRY))
        else:
            await _send(ws, {"type": "bot", "messages": widget_messages(replies)})
        return message.sender_id

    def _parse(self, data: str, session_id: str) -> UserMessage:
        frame = parse_json_object(data, what="frame")
        kind = frame.get("type")
        if kind != "message":
            shown = json.dumps(kind)[:40]
            raise BadRequest("type", f"unknown frame type {shown}: expected \"message\"")
        text = required_string(frame, "text", self.hooks.server.max_message_chars)
        requested = frame.get("session_id")
        if requested is not None and not is_session_id(requested):
            raise BadRequest("session_id", "'session_id' must be 8-64 letters, digits, '-' or '_'")
        return UserMessage(sender_id=requested or session_id, text=text, channel=CHANNEL)


def _interim(ws: web.WebSocketResponse):
    async def interim(message: BotMessage) -> None:
        await _send(ws, {"type": "interim", "messages": widget_messages([message])})

    return interim


def _error(message: str, field: str | None = None) -> dict[str, Any]:
    return {"type": "error", "message": message} | ({"field": field} if field else {})


async def _send(ws: web.WebSocketResponse, payload: dict[str, Any]) -> None:
    """Send unless the browser already went away (a closed tab is not an error)."""
    if ws.closed:
        return
    try:
        await ws.send_json(payload)
    except ConnectionResetError:
        log.debug("the browser went away before a %s frame", payload.get("type"))
