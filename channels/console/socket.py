"""The console's WebSocket: the live queue, one conversation at a time, and what a colleague does.

Server to console:

- `{"type": "hello", "agent", "canned": [...], "open": bool, "next_opening"}` on connect, then
  `{"type": "queue", "items": [ticket], "open"}` now and whenever the queue changes; a ticket is
  `{"conversation_id", "channel", "sender_id", "reason", "priority", "requested_at", "status",
  "agent", "position", "after_hours", "preview"}`.
- `{"type": "conversation", ...}` (see `channels.console.view`) for the conversation asked for, and
  again whenever it changes (`{"type": "updated", "conversation_id"}` is also sent to everyone).
- `{"type": "error", "message"}` when an action failed; the socket stays open.

Console to server, about one conversation: `{"type": "open" | "take" | "return" | "export",
"conversation_id"}`, `{"type": "reply", "conversation_id", "text", "products"?: [id, ...]}` (the
text's `{variables}` are filled from the conversation, `channels.console.canned`; the products go
as cards), `{"type": "note", "conversation_id", "text"}` and `{"type": "transfer" | "assign",
"conversation_id", "to"}` (a colleague's name; queue events list who is signed in as `"colleagues"`).
For the team: `{"type": "search", "query"}` (past conversations: `{"type": "search", "results"}`),
`{"type": "products", "query"}` (catalog products to attach: `{"type": "products", "items"}`),
`{"type": "canned_add", "text"}` and `{"type": "canned_delete", "id"}` (everyone gets
`{"type": "canned", "items": [{"id", "text"}]}`). `export` answers `{"type": "export", "data"}`:
everything kept about that shopper, to hand them on request.
"""
from __future__ import annotations

import logging
from typing import Any

from aiohttp import WSMsgType, web

from agent.errors import ChannelError
from agent.privacy import ShopperData, export_user
from channels.context import AGENT
from channels.console.canned import CannedReplies, fill
from channels.console.search import find_conversations
from channels.console.view import conversation_view
from channels.errors import BadRequest
from channels.messaging.render import price_text
from channels.handoff.queue import QueueError
from channels.services import ChannelServices
from channels.validation import parse_json_object, required_string
from channels.webchat.outbox import Outbox

log = logging.getLogger(__name__)

MAX_REPLY_CHARS = 4000
_ACTIONS = ("open", "take", "reply", "note", "return", "transfer", "assign", "export")
_TEAM_ACTIONS = ("search", "products", "canned_add", "canned_delete")
MAX_NAME_CHARS = 40
MAX_CARDS = 6
MAX_QUERY_CHARS = 120


class ConsoleSocket:
    """One colleague's live connection."""

    def __init__(self, services: ChannelServices, request: web.Request, agent_name: str) -> None:
        self.services, self.queue = services, services.queue
        self.agent = request.app[AGENT]
        self.name = agent_name
        self.ws = web.WebSocketResponse(heartbeat=30.0)
        self.watching: str | None = None
        self.canned = CannedReplies(services.db, services.config.console.canned_replies)

    async def run(self, request: web.Request) -> web.WebSocketResponse:
        await self.ws.prepare(request)
        hours = self.queue.hours
        await self.send({"type": "hello", "agent": self.name, "canned": await self.canned.all(),
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
            if kind in _TEAM_ACTIONS:
                await self.team(kind, frame)
                return
            if kind not in _ACTIONS:
                known = ", ".join(_ACTIONS + _TEAM_ACTIONS)
                raise BadRequest("type", f"unknown action {str(kind)[:20]!r}: expected one of {known}")
            cid = required_string(frame, "conversation_id", 300)
            await self.act(kind, cid, frame)
        except (BadRequest, QueueError, ChannelError) as exc:
            await self.send({"type": "error", "message": getattr(exc, "message", None) or str(exc)})

    async def act(self, kind: str, cid: str, frame: dict[str, Any]) -> None:
        if kind == "take":
            await self.queue.take(cid, self.name)
        elif kind == "reply":
            await self.reply(cid, frame)
        elif kind == "note":
            await self.queue.note(cid, self.name, required_string(frame, "text", MAX_REPLY_CHARS))
        elif kind == "return":
            await self.queue.give_back(cid, self.name)
        elif kind == "transfer":
            await self.queue.transfer(cid, self.name, required_string(frame, "to", MAX_NAME_CHARS))
        elif kind == "assign":
            await self.queue.assign(cid, required_string(frame, "to", MAX_NAME_CHARS))
        elif kind == "export":
            data = await export_user(ShopperData(self.agent.store), cid.partition(":")[2])
            await self.send({"type": "export", "conversation_id": cid, "data": data})
        log.info("console: %s %s %s", self.name, kind, cid)
        await self.show(cid)

    async def reply(self, cid: str, frame: dict[str, Any]) -> None:
        """The colleague's words, variables filled for this shopper, with the product cards they chose."""
        text = required_string(frame, "text", MAX_REPLY_CHARS)
        if "{" in text:
            view = await conversation_view(self.agent, cid, None)
            text = fill(text, view["context"], self.name)
        await self.queue.reply(cid, self.name, text, self._products(frame.get("products")))

    def _products(self, ids: Any) -> tuple[Any, ...]:
        if ids is None:
            return ()
        if not isinstance(ids, list) or len(ids) > MAX_CARDS or not all(isinstance(i, str) for i in ids):
            raise BadRequest("products", f"'products' must be a list of at most {MAX_CARDS} product ids")
        products = [self.agent.product(i) for i in ids]
        if None in products:
            raise BadRequest("products", f"no product {ids[products.index(None)][:40]!r} in the catalog")
        return tuple(products)

    async def team(self, kind: str, frame: dict[str, Any]) -> None:
        """What a colleague does for the team, not in one conversation: search, products, canned replies."""
        if kind == "search":
            query = required_string(frame, "query", MAX_QUERY_CHARS)
            await self.send({"type": "search", "query": query, "results": await find_conversations(self.agent, query)})
        elif kind == "products":
            await self.send({"type": "products", "items": self._catalog(required_string(frame, "query", MAX_QUERY_CHARS))})
        else:
            if kind == "canned_add":
                await self.canned.add(required_string(frame, "text", MAX_REPLY_CHARS))
            elif isinstance(frame.get("id"), int):
                await self.canned.delete(frame["id"])
            else:
                raise BadRequest("id", "'id' must be the number of the canned reply to delete")
            await self.queue.notify({"type": "canned", "items": await self.canned.all()})

    def _catalog(self, query: str) -> list[dict[str, Any]]:
        return [{"id": p.id, "title": p.title, "price": price_text(p), "stock": p.stock}
                for p in self.agent.products_named(query, 10)]

    async def show(self, cid: str) -> None:
        self.watching = cid
        ticket = self.queue.tickets.get(cid)
        view = ticket.view(self.queue.position(cid), self.queue.clock()) if ticket else None
        csat = await Outbox(lambda: self.services.db).ratings(cid.partition(":")[2]) if cid.startswith("webchat:") else None
        await self.send({"type": "conversation", **await conversation_view(self.agent, cid, view, csat)})
