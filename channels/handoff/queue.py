"""The handoff queue: conversations waiting for a person, by priority and waiting time.

At start-up the queue takes over the agent's handoff desk (`agent.handoff.TakeoverDesk`), keeping the
agent's own desk so the request is still recorded in the transcript. When a shopper accepts a
person, the queue opens a ticket and tells the shopper their place ("You're number 2 in the
queue"), or, outside business hours, to leave a message. Colleagues work the queue in the agent
console: they take a conversation (the assistant falls silent), reply, write notes, and hand it
back to the assistant. Their words reach the shopper in the shopper's own channel (`Postboxes`).

    queue.attach(agent, db)                    # the queue takes over the agent's desk
    on_message = queue.around(agent.handle)     # adds the queue's notices to a turn's replies
    await queue.take("webchat:abc123", "Sam")
    await queue.transfer("webchat:abc123", "Sam", "Alex")   # Alex picks it up with take()

A ticket's priority and preview come from the handoff context (`agent.handoff_context`): a shopper in
the middle of a return who asks for a person is urgent, and the card shows the return request, not
"talk to a human". When a colleague hands a conversation back, a message of the shopper's that
nobody answered is answered by the assistant at once.

On a Redis store the tickets live in Redis and every change reaches the other processes' queues and
consoles (`channels.handoff.relay`); `relay()` listens for them while the server runs.
"""
from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from agent.handoff import HandoffDesk, TakeoverDesk
from agent.handoff_context import HandoffContextBuilder
from agent.store import ConversationStore
from agent.store.base import StoreUnavailable
from agent.store.redis import RedisStore
from agent.types import BotMessage, OnMessage, UserMessage
from channels.handoff.business_hours import BusinessHours
from channels.channel_db import ChannelDB
from channels.handoff.relay import CHANGES, SharedTickets, deliveries_channel, listening
from channels.handoff.ticket import Ticket, from_record, in_order
from channels.postboxes import Postboxes, split_conversation

log = logging.getLogger(__name__)

SCHEMA = "CREATE TABLE IF NOT EXISTS handoff_tickets (conversation_id TEXT PRIMARY KEY, data TEXT NOT NULL);"
Listener = Callable[[dict[str, Any]], Awaitable[None]]
HandOver = Callable[[str, dict[str, Any]], Awaitable[None]]


class HandoffHost(Protocol):
    """The agent, as the queue sees it: its desk, its store, and a way to set who holds a conversation."""

    desk: TakeoverDesk
    store: ConversationStore
    handoff_context: HandoffContextBuilder

    async def set_handoff(self, conversation_id: str, handoff: dict[str, Any] | None) -> None: ...

    async def answer_unanswered(self, conversation_id: str) -> list[BotMessage]: ...


class QueueError(Exception):
    """A console action on a conversation that is not (or no longer) in the queue."""


@dataclass
class HandoffQueue:
    postboxes: Postboxes
    hours: BusinessHours = field(default_factory=BusinessHours)
    clock: Callable[[], float] = time.time
    tickets: dict[str, Ticket] = field(default_factory=dict)
    listeners: set[Listener] = field(default_factory=set)
    external: dict[str, HandOver] = field(default_factory=dict)  # channel -> hands over elsewhere (Chatwoot)
    host: HandoffHost | None = None
    inner: HandoffDesk | None = None  # the agent's own desk, which records each request
    db: ChannelDB | None = None
    shared: SharedTickets | None = None  # set on a Redis store: tickets and changes shared by every process
    process: str = field(default_factory=lambda: secrets.token_hex(8))
    colleagues: Counter[str] = field(default_factory=Counter)  # names signed in to this process's consoles
    _notices: dict[str, list[BotMessage]] = field(default_factory=dict)

    def attach(self, host: HandoffHost, db: ChannelDB) -> None:
        """Become `host`'s handoff desk and load the tickets that were open at the last stop
        (from Redis, in `relay()`, where the store is shared)."""
        self.inner = host.desk.take_over(self)
        self.host, self.db = host, db
        if isinstance(host.store, RedisStore):
            self.shared = SharedTickets.on_redis(host.store)
            return
        db.execute(SCHEMA)
        for (data,) in db.execute("SELECT data FROM handoff_tickets").fetchall():
            ticket = from_record(json.loads(data))
            self.tickets[ticket.conversation_id] = ticket

    @asynccontextmanager
    async def relay(self) -> AsyncIterator[None]:
        """While open, other processes' changes reach this queue and its consoles (nothing to do alone)."""
        if self.shared is None:
            yield
            return
        async with AsyncExitStack() as stack:
            bus = self.shared.bus
            await stack.enter_async_context(listening(bus, CHANGES, self._on_change, self.reload))
            await stack.enter_async_context(listening(bus, deliveries_channel(self.process), self._on_delivery))
            await self.reload()
            yield

    async def reload(self) -> None:
        """Read every ticket again from Redis (at start, and after the connection to it came back)."""
        if self.shared is None:
            return
        records = await self.shared.table.all()
        self.tickets.clear()  # in place: the metrics and the consoles hold this very dict
        self.tickets.update((cid, from_record(record)) for cid, record in records.items())
        await self._tell_consoles(self.queue_event())

    # -- the agent's handoff desk ---------------------------------------------------------------

    async def request(self, conversation_id: str, handoff: dict[str, Any], state: Any) -> None:
        context = await self._require_host().handoff_context.build(
            conversation_id, state, str(handoff.get("reason") or "asked"))
        if self.inner is not None:  # the transcript keeps the context: past conversations are found by it
            await self.inner.request(conversation_id, {**handoff, "context": context.to_dict()}, state)
        channel, sender = split_conversation(conversation_id)
        if channel in self.external:
            await self.external[channel](sender, {**handoff, "context": context})
            return
        ticket = Ticket(conversation_id, context.reason, context.priority, float(handoff.get("ts") or self.clock()),
                        after_hours=not self.hours.is_open(), preview=context.request, home=self.process)
        self.tickets[conversation_id] = ticket
        await self._save(ticket)
        self._notices[conversation_id] = [BotMessage(text=self._waiting_text(ticket))]
        log.info("conversation %s joins the queue (%s, priority %d)", conversation_id, ticket.reason, ticket.priority)
        await self._broadcast_queue()

    async def receive(self, conversation_id: str, message: UserMessage) -> None:
        if self.inner is not None:
            await self.inner.receive(conversation_id, message)

    def around(self, on_message: OnMessage) -> OnMessage:
        """`on_message` plus the queue's notices for the turn, and a live update for the console."""

        async def handle(message: UserMessage) -> list[BotMessage]:
            replies = await on_message(message)
            cid = f"{message.channel}:{message.sender_id}"
            notices = self._notices.pop(cid, [])
            for notice in notices:
                await self._record(cid, notice.text, {"notice": True})
            ticket = await self._note_turn(cid, message) if cid in self.tickets else None
            if ticket is not None:
                await self._broadcast({"type": "updated", "conversation_id": cid})
                if ticket.status == "waiting":
                    await self._push_state(ticket)
            return [*replies, *notices]

        return handle

    # -- what colleagues do in the console ------------------------------------------------------

    async def take(self, conversation_id: str, agent: str) -> Ticket:
        ticket = self._ticket(conversation_id)
        if ticket.status == "active" and ticket.agent == agent:
            return ticket
        ticket.status, ticket.agent, ticket.taken_at, ticket.assigned = "active", agent, self.clock(), agent
        await self._require_host().set_handoff(conversation_id, {
            "status": "active", "reason": ticket.reason, "ts": ticket.taken_at, "agent": agent})
        await self._save(ticket)
        await self._tell(conversation_id, f"{agent} from our team has joined the conversation.",
                         {"handoff": "active", "agent": agent}, ticket.home)
        await self._after_change()
        return ticket

    async def reply(self, conversation_id: str, agent: str, text: str, products: tuple = ()) -> None:
        """The colleague's message (with product cards they chose), in the transcript and in the shopper's
        channel, taking the conversation first if needed."""
        ticket = await self.take(conversation_id, agent)
        await self._record(conversation_id, text, {"agent": ticket.agent, "products": [p.id for p in products]})
        if products:
            await self._deliver_messages(conversation_id, [BotMessage(text=text, products=products)], ticket.home,
                                         {"author": ticket.agent})
        else:
            await self._deliver(conversation_id, [text], {"author": ticket.agent}, ticket.home)
        await self._broadcast({"type": "updated", "conversation_id": conversation_id})

    async def note(self, conversation_id: str, agent: str, text: str) -> None:
        """A note for colleagues only: kept with the conversation, never shown to the shopper."""
        await self._require_host().store.append(conversation_id, "note", text, {"agent": agent})
        await self._broadcast({"type": "updated", "conversation_id": conversation_id})

    async def transfer(self, conversation_id: str, agent: str, to: str) -> Ticket:
        """Pass a conversation to another colleague, who picks it up; the assistant stays silent meanwhile."""
        ticket = self._ticket(conversation_id)
        to = to.strip()[:40]
        if not to or to == agent:
            raise QueueError("choose another colleague to transfer the conversation to")
        ticket.status, ticket.agent, ticket.assigned, ticket.transferred_by = "transferred", "", to, agent
        await self._require_host().set_handoff(conversation_id, {
            "status": "active", "reason": ticket.reason, "ts": self.clock(), "agent": to})
        await self._save(ticket)
        await self._tell(conversation_id, f"{agent} has passed your conversation to {to}, who will be with you "
                         "in a moment.", {"handoff": "transferred", "agent": to}, ticket.home)
        await self._after_change()
        return ticket

    async def assign(self, conversation_id: str, to: str) -> Ticket:
        """Mark a waiting conversation as meant for one colleague (they still take it themselves)."""
        ticket = self._ticket(conversation_id)
        ticket.assigned = to.strip()[:40]
        await self._save(ticket)
        await self._broadcast_queue()
        return ticket

    async def give_back(self, conversation_id: str, agent: str) -> None:
        """Return the conversation to the assistant: it answers again from the next message on, and at
        once a message of the shopper's that nobody answered."""
        ticket = self.tickets.pop(conversation_id, None)
        if ticket is None:
            raise QueueError(f"conversation {conversation_id} is not in the queue")
        await self._require_host().set_handoff(conversation_id, None)
        if self.shared is not None:
            await self.shared.table.remove(conversation_id)
            await self.shared.announce(self.process, {"removed": conversation_id})
        else:
            await self._require_db().run("DELETE FROM handoff_tickets WHERE conversation_id = ?", (conversation_id,))
        await self._tell(conversation_id, "You're back with the shop assistant. Ask me anything, "
                         "or ask for a person again whenever you like.", {"handoff": "returned", "agent": agent},
                         ticket.home)
        await self._after_change()
        answers = await self._require_host().answer_unanswered(conversation_id)
        if answers:
            await self._deliver_messages(conversation_id, answers, ticket.home)

    # -- reading the queue ----------------------------------------------------------------------

    def ordered(self) -> list[Ticket]:
        """Conversations in line by priority now (older ones rise), then by waiting time; then those served."""
        return in_order(list(self.tickets.values()), self.clock())

    def position(self, conversation_id: str) -> int | None:
        waiting = [t for t in self.ordered() if t.status == "waiting"]
        return next((n for n, t in enumerate(waiting, 1) if t.conversation_id == conversation_id), None)

    def snapshot(self) -> list[dict[str, Any]]:
        now = self.clock()
        return [t.view(self.position(t.conversation_id), now) for t in self.ordered()]

    def queue_event(self) -> dict[str, Any]:
        """What every console is sent whenever the queue changes."""
        return {"type": "queue", "items": self.snapshot(), "open": self.hours.is_open(),
                "colleagues": sorted(name for name, count in self.colleagues.items() if count > 0)}

    async def signed_in(self, name: str, present: bool) -> None:
        """A console opened (or closed) for ``name``: colleagues see who they can transfer to."""
        self.colleagues[name] += 1 if present else -1
        if self.colleagues[name] <= 0:
            del self.colleagues[name]
        await self._broadcast_queue()

    # -- helpers --------------------------------------------------------------------------------

    def _waiting_text(self, ticket: Ticket) -> str:
        if ticket.after_hours:
            return (f"Our team isn't available right now; we're back {self.hours.describe_next()}. Leave your "
                    "message here and a colleague will answer in this chat as soon as we're back.")
        position = self.position(ticket.conversation_id) or 1
        place = "You're next in line" if position == 1 else f"You're number {position} in the queue"
        return f"{place}. A colleague will be with you shortly; you can keep chatting with me meanwhile."

    def _ticket(self, conversation_id: str) -> Ticket:
        ticket = self.tickets.get(conversation_id)
        if ticket is None:
            raise QueueError(f"conversation {conversation_id} is not in the queue")
        return ticket

    def _require_host(self) -> HandoffHost:
        if self.host is None:
            raise QueueError("the queue is not attached to an agent yet (the server is starting)")
        return self.host

    def _require_db(self) -> ChannelDB:
        if self.db is None:
            raise QueueError("the queue is not attached to its database yet (the server is starting)")
        return self.db

    async def _record(self, conversation_id: str, text: str, payload: dict[str, Any]) -> None:
        await self._require_host().store.append(conversation_id, "bot", text, payload)

    async def _tell(self, conversation_id: str, text: str, event: dict[str, Any], home: str) -> None:
        await self._record(conversation_id, text, {"notice": True})
        await self._deliver(conversation_id, [text], event, home)

    async def _push_state(self, ticket: Ticket) -> None:
        """Waiting shoppers on channels that show state (the widget) see their place change."""
        event = {"handoff": "waiting", "position": self.position(ticket.conversation_id),
                 "after_hours": ticket.after_hours}
        await self._deliver(ticket.conversation_id, [], event, ticket.home)

    async def _deliver(self, conversation_id: str, texts: list[str], event: dict[str, Any], home: str) -> None:
        """Through the shopper's channel, from the process that holds their connection where that is another."""
        if self.shared is not None and home and home != self.process:
            if await self.shared.send_to(home, conversation_id, texts, event):
                return
            log.info("conversation %s: its process is gone; delivering from this one", conversation_id)
        await self.postboxes.deliver(conversation_id, [BotMessage(text=t) for t in texts], event)

    async def _deliver_messages(self, conversation_id: str, messages: list[BotMessage], home: str,
                                event: dict[str, Any] | None = None) -> None:
        """Whole messages (cards too) outside a turn; as text from the process that holds the shopper elsewhere."""
        if self.shared is not None and home and home != self.process:
            if await self.shared.send_to(home, conversation_id, [m.text for m in messages if m.text], event or {}):
                return
        await self.postboxes.deliver(conversation_id, messages, event or {})

    async def _after_change(self) -> None:
        await self._broadcast_queue()
        for ticket in self.ordered():
            if ticket.status == "waiting" and self.postboxes.reaches(ticket.conversation_id):
                await self._push_state(ticket)

    async def _save(self, ticket: Ticket) -> None:
        if self.shared is not None:
            await self.shared.table.put(ticket.conversation_id, asdict(ticket))
            await self.shared.announce(self.process, {"ticket": asdict(ticket)})
            return
        await self._require_db().run("INSERT OR REPLACE INTO handoff_tickets (conversation_id, data) VALUES (?, ?)",
                                     (ticket.conversation_id, json.dumps(asdict(ticket))))

    async def _update(self, conversation_id: str, **fields: Any) -> Ticket | None:
        """Change some fields of a ticket (None leaves one as it is); on Redis only where it still exists."""
        fields = {name: value for name, value in fields.items() if value is not None}
        if self.shared is None:
            ticket = self.tickets.get(conversation_id)
            if ticket is not None:
                for name, value in fields.items():
                    setattr(ticket, name, value)
                await self._save(ticket)
            return ticket
        record = await self.shared.table.update(conversation_id, fields)
        if record is None:
            self.tickets.pop(conversation_id, None)
            return None
        ticket = self.tickets[conversation_id] = from_record(record)
        await self.shared.announce(self.process, {"ticket": record})
        return ticket

    async def _note_turn(self, conversation_id: str, message: UserMessage) -> Ticket | None:
        """The shopper's latest words for the queue list, and this process as the one holding them."""
        try:
            return await self._update(conversation_id, latest=message.text[:160] or None, home=self.process)
        except StoreUnavailable as exc:  # the shopper has their answer; the queue catches up next turn
            log.warning("conversation %s: the queue was not updated: %s", conversation_id, exc)
            return None

    async def _on_change(self, change: dict[str, Any]) -> None:
        """Another process changed a ticket or has news for the consoles."""
        if change.get("origin") == self.process:
            return
        if "event" in change:
            await self._tell_consoles(change["event"])
            return
        if "ticket" in change:
            ticket = from_record(change["ticket"])
            self.tickets[ticket.conversation_id] = ticket
        elif "removed" in change:
            self.tickets.pop(str(change["removed"]), None)
        await self._tell_consoles(self.queue_event())

    async def _on_delivery(self, delivery: dict[str, Any]) -> None:
        """Another process's colleague wrote to a shopper connected here."""
        texts = [BotMessage(text=str(t)) for t in delivery.get("texts") or ()]
        await self.postboxes.deliver(str(delivery["conversation_id"]), texts, delivery.get("event") or {})

    async def notify(self, event: dict[str, Any]) -> None:
        """News for every colleague's console (a changed list of canned replies)."""
        await self._broadcast(event)

    async def _broadcast_queue(self) -> None:
        await self._broadcast(self.queue_event())

    async def _broadcast(self, event: dict[str, Any]) -> None:
        """To this process's consoles, and other processes' ones (which rebuild the queue from their copy)."""
        await self._tell_consoles(event)
        if self.shared is not None and event.get("type") != "queue":
            await self.shared.announce(self.process, {"event": event})

    async def _tell_consoles(self, event: dict[str, Any]) -> None:
        for listener in list(self.listeners):
            try:
                await listener(event)
            except ConnectionError:
                self.listeners.discard(listener)
