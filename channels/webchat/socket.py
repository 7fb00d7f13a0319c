"""The widget's WebSocket protocol.

Client to server: `{"type": "message", "text": "red sneakers", "session_id"?: "...", "user_id"?: "...",
"user_hash"?: "..."}` (the last two for a shopper the shop signed in, see `channels.identity`).
Server to client, as JSON text frames:

- `{"type": "session", "session_id", "max_message_chars"}` on connect; the browser keeps the id
  (localStorage) and reconnects with `?session_id=...`.
- `{"type": "history", "session_id", "messages": [{"role", "text", "products", "quick_replies", "ts"}],
  "last_id"}` right after, when the browser brought a session id, so a reload keeps the conversation;
  then `{"type": "handoff", ...}` when the conversation waits for or is held by a colleague.
- With `?session_id=...&after=<id>` (a dropped connection, not a reload) instead of the history:
  every numbered frame after `<id>` that the browser missed, in order.
- `{"type": "typing"}` before the agent runs, then `{"type": "bot", "id", "messages": [widget message]}`
  (see `channels.rendering.widget_message`), or `{"type": "idle"}` when a colleague holds the
  conversation and the assistant stays silent. A slow skill may send `{"type": "interim", "messages":
  [...]}` first ("working on it, about 10 s"); the typing indicator stays until the answer. Where
  the agent writes its answer piece by piece (`UserMessage.stream`), `{"type": "delta", "text"}`
  frames carry the pieces; the `bot` frame that follows is the whole answer and replaces them.
- Outside a turn (`channels.postboxes`): a colleague's `{"type": "bot", "id", "messages", "author"}` and
  `{"type": "handoff", "id", "status": "waiting"|"active"|"returned", "position"?, "agent"?, "after_hours"?}`.
- `{"type": "error", "message", "field"?}` for a bad frame or a failed turn; the socket stays open.

Bot, colleague and handoff frames are numbered by the server (`channels.webchat.outbox`); the
browser may rate an answer: `{"type": "feedback", "message_id", "rating": "up"|"down"|null}`,
acknowledged with `{"type": "feedback", "message_id", "rating", "saved": true}`.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import secrets
from collections import defaultdict
from typing import Any

from aiohttp import WSMsgType, web

from agent.types import BotMessage, UserMessage
from channels.context import ChannelHooks
from channels.errors import BadRequest, json_error
from channels.identity import identity_secret, shopper_metadata
from channels.rendering import widget_history, widget_messages
from channels.validation import is_session_id, parse_json_object, required_string
from channels.webchat.embed import origin_allowed
from channels.webchat.outbox import RATINGS, SCHEMA, Outbox

log = logging.getLogger(__name__)

CHANNEL = "webchat"
HEARTBEAT_SECONDS = 30.0
SORRY = "Sorry, something went wrong on our side. Please try again in a moment."


def new_session_id() -> str:
    return secrets.token_urlsafe(18)


class WebchatSocket:
    """One handler for every widget connection; it knows only the channel hooks.

        app.router.add_get("/webchat/ws", WebchatSocket(hooks).handle)
    """

    def __init__(self, hooks: ChannelHooks) -> None:
        self.hooks = hooks
        self.allowed_origins = frozenset(hooks.server.cors_origins)
        self.outbox = Outbox(lambda: hooks.services.db)
        self.identity = identity_secret(hooks.server.identity_secret_env)
        self.sockets: defaultdict[str, set[web.WebSocketResponse]] = defaultdict(set)
        hooks.services.schemas.append(SCHEMA)
        hooks.services.postboxes.register(CHANNEL, self.deliver)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if not origin_allowed(request, self.allowed_origins):  # behind a proxy rewriting Host: list the public origin
            return json_error(403, "this origin may not open the chat socket")
        ws = web.WebSocketResponse(heartbeat=HEARTBEAT_SECONDS, max_msg_size=self.hooks.server.max_body_bytes)
        await ws.prepare(request)
        session_id = await self._open_session(ws, request.query.get("session_id"), request.query.get("after"))
        self.sockets[session_id].add(ws)
        try:
            async for frame in ws:
                if frame.type == WSMsgType.TEXT:
                    answered = await self._on_text(ws, frame.data, session_id, request.remote or "")
                    session_id = self._listen(ws, session_id, answered)
                elif frame.type == WSMsgType.BINARY:
                    await _send(ws, _error("binary frames are not supported: send JSON text"))
        finally:
            self._forget(ws, session_id)
        return ws

    def _listen(self, ws: web.WebSocketResponse, old: str, new: str) -> str:
        """Frames for the session this socket now speaks for reach it (a frame may name another)."""
        if new != old:
            self._forget(ws, old)
            self.sockets[new].add(ws)
        return new

    def _forget(self, ws: web.WebSocketResponse, session_id: str) -> None:
        open_sockets = self.sockets.get(session_id)
        if open_sockets is not None:
            open_sockets.discard(ws)
            if not open_sockets:
                del self.sockets[session_id]

    async def deliver(self, session_id: str, messages: list[BotMessage], event: dict[str, Any] | None = None) -> None:
        """The postbox: a colleague's messages and handoff changes, numbered, to every open tab of the session."""
        event = event or {}
        if messages:
            author = {"author": event["author"]} if event.get("author") else {}
            await self._push(session_id, {"type": "bot", "messages": widget_messages(messages), **author})
        if event.get("handoff"):
            details = {k: v for k, v in event.items() if k in ("position", "agent", "after_hours")}
            await self._push(session_id, {"type": "handoff", "status": event["handoff"], **details})

    async def _push(self, session_id: str, frame: dict[str, Any]) -> None:
        frame = {**frame, "id": await self.outbox.add(session_id, frame)}
        for ws in list(self.sockets.get(session_id, ())):
            await _send(ws, frame)

    async def _open_session(self, ws: web.WebSocketResponse, requested: str | None, after: str | None) -> str:
        known = is_session_id(requested)
        session_id = requested if known and requested else new_session_id()
        limit = self.hooks.server.max_message_chars
        await _send(ws, {"type": "session", "session_id": session_id, "max_message_chars": limit})
        if known and after is not None and after.isdigit():
            for frame in await self.outbox.since(session_id, int(after)):
                await _send(ws, frame)
        elif known:
            await self._replay(ws, session_id)
        return session_id

    async def _replay(self, ws: web.WebSocketResponse, session_id: str) -> None:
        try:
            transcript = await self.hooks.transcript(session_id, CHANNEL)
        except Exception:
            log.exception("could not load the transcript (conversation %s:%s)", CHANNEL, session_id)
            await _send(ws, _error("the earlier conversation could not be loaded"))
            return
        last_id = await self.outbox.latest(session_id)
        await _send(ws, {"type": "history", "session_id": session_id, "messages": widget_history(transcript),
                         "last_id": last_id})
        ticket = self.hooks.services.queue.tickets.get(f"{CHANNEL}:{session_id}")
        if ticket is not None:
            state = {"type": "handoff", "status": ticket.status, "agent": ticket.agent, "after_hours": ticket.after_hours,
                     "position": self.hooks.services.queue.position(ticket.conversation_id)}
            await _send(ws, state)

    async def _on_text(self, ws: web.WebSocketResponse, data: str, session_id: str, address: str = "") -> str:
        """Answer one frame; returns the session id the conversation continues under."""
        try:
            frame = parse_json_object(data, what="frame")
            if frame.get("type") == "feedback":
                await self._feedback(ws, frame, session_id)
                return session_id
            message = self._parse(frame, session_id, address)
        except BadRequest as exc:
            await _send(ws, _error(exc.message, exc.field))
            return session_id
        await _send(ws, {"type": "typing"})
        try:
            replies = await self.hooks.on_message(dataclasses.replace(message, interim=_interim(ws), stream=_stream(ws)))
        except Exception:
            log.exception("the agent failed to answer (conversation %s:%s)", CHANNEL, message.sender_id)
            await _send(ws, _error(SORRY))
        else:
            if replies:
                self._listen(ws, session_id, message.sender_id)
                await self._push(message.sender_id, {"type": "bot", "messages": widget_messages(replies)})
            else:
                await _send(ws, {"type": "idle"})  # a colleague holds the conversation
        return message.sender_id

    async def _feedback(self, ws: web.WebSocketResponse, frame: dict[str, Any], session_id: str) -> None:
        message_id, rating = frame.get("message_id"), frame.get("rating")
        if not isinstance(message_id, int) or isinstance(message_id, bool):
            raise BadRequest("message_id", "'message_id' must be the id of an answer")
        if rating is not None and rating not in RATINGS:
            raise BadRequest("rating", "'rating' must be \"up\", \"down\" or null")
        if not await self.outbox.rate(session_id, message_id, rating):
            raise BadRequest("message_id", "there is no such answer in this conversation")
        await _send(ws, {"type": "feedback", "message_id": message_id, "rating": rating, "saved": True})

    def _parse(self, frame: dict[str, Any], session_id: str, address: str = "") -> UserMessage:
        kind = frame.get("type")
        if kind != "message":
            shown = json.dumps(kind)[:40]
            raise BadRequest("type", f"unknown frame type {shown}: expected \"message\" or \"feedback\"")
        text = required_string(frame, "text", self.hooks.server.max_message_chars)
        requested = frame.get("session_id")
        if requested is not None and not is_session_id(requested):
            raise BadRequest("session_id", "'session_id' must be 8-64 letters, digits, '-' or '_'")
        signed = {"user_id": frame.get("user_id"), "user_hash": frame.get("user_hash")}
        return UserMessage(sender_id=requested or session_id, text=text, channel=CHANNEL,
                           metadata=shopper_metadata(signed, self.identity, address))


def _interim(ws: web.WebSocketResponse):
    async def interim(message: BotMessage) -> None:
        await _send(ws, {"type": "interim", "messages": widget_messages([message])})

    return interim


def _stream(ws: web.WebSocketResponse):
    async def stream(text: str) -> None:
        await _send(ws, {"type": "delta", "text": text})

    return stream


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
