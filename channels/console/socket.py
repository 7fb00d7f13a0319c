"""The console's WebSocket: the live queue, one conversation at a time, and what a colleague does.

Server to console:

- `{"type": "hello", "agent", "canned": [...], "open": bool, "next_opening"}` on connect, then
  `{"type": "queue", "items": [ticket], "open"}` now and whenever the queue changes; a ticket is
  `{"conversation_id", "channel", "sender_id", "reason", "priority", "requested_at", "status",
  "agent", "position", "after_hours", "preview"}`.
- `{"type": "conversation", ...}` (see `channels.console.view`) for the conversation asked for, and
  again whenever it changes (`{"type": "updated", "conversation_id"}` is also sent to everyone).
- `{"type": "error", "message"}` when an action failed; the socket stays open.

Console to server: `{"type": "open" | "take" | "return", "conversation_id"}`,
`{"type": "reply" | "note", "conversation_id", "text"}` and `{"type": "transfer" | "assign",
"conversation_id", "to"}` (a colleague's name; the queue events list who is signed in as
`"colleagues"`).
"""
from __future__ import annotations

import logging
from typing import Any

from aiohttp import WSMsgType, web

from agent.errors import ChannelError
from channels.context import AGENT
from channels.console.view import conversation_view
from channels.errors import BadRequest
from channels.handoff_queue import QueueError
from channels.services import ChannelServices
from channels.validation import parse_json_object, required_string
from channels.webchat.outbox import Outbox

log = logging.getLogger(__name__)

MAX_REPLY_CHARS = 4000
_ACTIONS = ("open", "take", "reply", "note", "return", "transfer", "assign")
MAX_NAME_CHARS = 40


class ConsoleSocket:
    """One colleague's live connection."""

    def __init__(self, services: ChannelServices, request: web.Request, agent_name: str) -> None:
        self.services, self.queue = services, services.queue
        self.agent = request.app[AGENT]
        self.name = agent_name
        self.ws = web.WebSocketResponse(heartbeat=30.0)
        self.watching: str | None = None

    async def run(self, request: web.Request) -> web.WebSocketResponse:
        await self.ws.prepare(request)
        hours = self.queue.hours
        await self.send({"type": "hello", "agent": self.name, "canned": list(self.services.config.console.canned_replies),
                         "open": hours.is_open(), "next_opening": hours.describe_next()})
        self.queue.listeners.add(self.on_event)
        await self.queue.signed_in(self.name, True)
        try:
            async for frame in self.ws:
                if frame.type == WSMsgType.TEXT:
                    await self.on_frame(frame.data)
        finally:
            self.queue.listeners.discard(self.on_event)
            await self.queue.signed_in(self.name, False)
        return self.ws

    async def send(self, payload: dict[str, Any]) -> None:
        if self.ws.closed:
            raise ConnectionResetError("the console went away")
        await self.ws.send_json(payload)

    async def on_event(self, event: dict[str, Any]) -> None:
        await self.send(event)
        if event.get("type") == "updated" and event.get("conversation_id") == self.watching:
            await self.show(self.watching)

    async def on_frame(self, data: str) -> None:
        try:
            frame = parse_json_object(data, what="frame")
            kind = frame.get("type")
            if kind not in _ACTIONS:
                raise BadRequest("type", f"unknown action {str(kind)[:20]!r}: expected one of {', '.join(_ACTIONS)}")
            cid = required_string(frame, "conversation_id", 300)
            await self.act(kind, cid, frame)
        except (BadRequest, QueueError, ChannelError) as exc:
            await self.send({"type": "error", "message": getattr(exc, "message", None) or str(exc)})

    async def act(self, kind: str, cid: str, frame: dict[str, Any]) -> None:
        if kind == "take":
            await self.queue.take(cid, self.name)
        elif kind == "reply":
            await self.queue.reply(cid, self.name, required_string(frame, "text", MAX_REPLY_CHARS))
        elif kind == "note":
            await self.queue.note(cid, self.name, required_string(frame, "text", MAX_REPLY_CHARS))
        elif kind == "return":
            await self.queue.give_back(cid, self.name)
        elif kind == "transfer":
            await self.queue.transfer(cid, self.name, required_string(frame, "to", MAX_NAME_CHARS))
        elif kind == "assign":
            await self.queue.assign(cid, required_string(frame, "to", MAX_NAME_CHARS))
        log.info("console: %s %s %s", self.name, kind, cid)
        await self.show(cid)

    async def show(self, cid: str) -> None:
        self.watching = cid
        ticket = self.queue.tickets.get(cid)
        view = ticket.view(self.queue.position(cid), self.queue.clock()) if ticket else None
        csat = await Outbox(lambda: self.services.db).ratings(cid.partition(":")[2]) if cid.startswith("webchat:") else None
        await self.send({"type": "conversation", **await conversation_view(self.agent, cid, view, csat)})
