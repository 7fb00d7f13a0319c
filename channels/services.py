"""What the messaging channels share, opened once with the server and closed with it.

- `outbound`: the one aiohttp session for every platform API call, with pacing and retries;
- `db`: the channels' SQLite file (delivery claims, the widget's outbox, the handoff queue);
- `dispatcher`: answers webhook messages in the background, in order, the one catch point;
- `inbox`: every webhook delivery, committed before it is acknowledged and replayed after a crash;
- `postboxes`: how to reach a conversation in its own channel outside a turn;
- `queue`: the handoff queue, which becomes the agent's handoff desk at start-up.

    services = ChannelServices(ChannelsConfig(), db_path=":memory:")
    app.cleanup_ctx.append(services.lifecycle(lambda app: app[AGENT]))
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from agent.config_channels import ChannelsConfig
from agent.types import OnMessage
from channels.handoff.business_hours import BusinessHours
from channels.channel_db import ChannelDB
from channels.dispatch import Dispatcher
from channels.handoff.queue import HandoffHost, HandoffQueue
from channels.inbox import SCHEMA as INBOX_SCHEMA, Inbox
from channels.outbound import Outbound
from channels.postboxes import Postboxes
from channels.rendering import media_url


@dataclass
class ChannelServices:
    config: ChannelsConfig = field(default_factory=ChannelsConfig)
    db_path: str | Path = ":memory:"
    outbound: Outbound = field(init=False)
    postboxes: Postboxes = field(default_factory=Postboxes)
    queue: HandoffQueue = field(init=False)
    inbox: Inbox = field(init=False)
    dispatcher: Dispatcher | None = None
    schemas: list[str] = field(default_factory=list)  # tables other modules keep in the channels' file
    _db: ChannelDB | None = None

    def __post_init__(self) -> None:
        self.outbound = Outbound(self.config.outbound)
        hours = BusinessHours(self.config.handoff.hours, self.config.handoff.timezone)
        self.queue = HandoffQueue(self.postboxes, hours)
        self.inbox = Inbox(lambda: self.db, lambda: self.dispatcher)
        self.schemas.append(INBOX_SCHEMA)

    @property
    def db(self) -> ChannelDB:
        if self._db is None:
            raise RuntimeError("the channels' database opens when the server starts")
        return self._db

    def on_message(self, handle: OnMessage) -> OnMessage:
        """The agent's callback as channels call it: with the queue's notices, answered in order by webhooks."""
        wrapped = self.queue.around(handle)
        self.dispatcher = Dispatcher(wrapped)
        return wrapped

    def absolute_url(self, url: str) -> str:
        """A link a platform can fetch: relative paths need `channels.public_base_url`; '' when there is none."""
        if url.startswith(("https://", "http://")):
            return url
        base = self.config.public_base_url.rstrip("/")
        return f"{base}{url}" if base and url.startswith("/") else ""

    def image_url(self, path: str) -> str:
        """A catalog image (`images/sku-1.png`) or generated picture as a link a platform can fetch, or ''."""
        return self.absolute_url(media_url(path))

    def lifecycle(self, agent_of: Callable[[web.Application], HandoffHost]):
        """A `cleanup_ctx` entry: opens `parts(agent)` in order and closes them in reverse."""

        async def open_services(app: web.Application) -> AsyncIterator[None]:
            async with AsyncExitStack() as stack:
                for part in self.parts(agent_of(app)):
                    await stack.enter_async_context(part)
                yield

        return open_services

    def parts(self, agent: HandoffHost) -> list[AbstractAsyncContextManager[Any]]:
        """What opens with the server: the database, the queue on the agent's desk, the HTTP session, the
        queue's relay (other processes' changes, on Redis), then the replay of unanswered deliveries."""
        return [self._database(), self._queue_on(agent), self.outbound, self.queue.relay(), self._deliveries()]

    @asynccontextmanager
    async def _database(self) -> AsyncIterator[None]:
        self._db = ChannelDB.open(self.db_path)
        for schema in self.schemas:
            self._db.script(schema)
        await self._db.forget_old()
        await self.inbox.forget_old()
        try:
            yield
        finally:
            self._db.close()
            self._db = None

    @asynccontextmanager
    async def _queue_on(self, agent: HandoffHost) -> AsyncIterator[None]:
        self.queue.attach(agent, self.db)
        yield

    @asynccontextmanager
    async def _deliveries(self) -> AsyncIterator[None]:
        try:
            await self.inbox.replay()  # deliveries acknowledged but not answered before a crash
            yield
        finally:
            if self.dispatcher is not None:
                await self.dispatcher.close()
