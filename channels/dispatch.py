"""Answering webhook messages after the webhook was acknowledged.

Platforms want a quick 200 (Slack retries after 3 s), so a webhook only verifies, claims and
parses the delivery, then hands the message here. Messages of one conversation are answered one
after another, in the order they arrived. This is the one catch point of every webhook channel:
a failed turn becomes a polite reply and a log line naming the conversation.

    dispatcher.answer(message, send)        # send(replies) renders them in the platform
"""
from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable

from agent.types import Attachment, BotMessage, OnMessage, UserMessage
from channels.outbound import PlatformError

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on our side. Please try again in a moment."
PHOTO_FAILED = "Sorry, I couldn't fetch your photo. Could you send it again?"
Send = Callable[[list[BotMessage]], Awaitable[None]]


class Dispatcher:
    def __init__(self, on_message: OnMessage) -> None:
        self.on_message = on_message
        self._tasks: set[asyncio.Task] = set()
        self._order: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    def answer(self, message: UserMessage, send: Send) -> asyncio.Task:
        """Run the turn in the background and send its replies; returns the task (tests may await it)."""
        return self.spawn(self.turn(message, send), f"{message.channel}:{message.sender_id}")

    def spawn(self, work: Awaitable[None], name: str) -> asyncio.Task:
        """Run `work` in the background until it ends or the server stops; its errors are logged."""
        task = asyncio.ensure_future(self._logged(work, name))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def turn(self, message: UserMessage, send: Send) -> None:
        """One turn, in order with the conversation's others; a failure becomes the polite `SORRY`."""
        cid = f"{message.channel}:{message.sender_id}"
        async with self._order[cid]:
            try:
                replies = await self.on_message(message)
            except Exception:
                log.exception("the agent failed to answer (conversation %s)", cid)
                replies = [BotMessage(text=SORRY)]
            if replies:
                await send(replies)
        if not self._order[cid].locked():
            self._order.pop(cid, None)

    @staticmethod
    async def fetch_photo(fetch: Awaitable[Attachment], send: Send, cid: str) -> Attachment | None:
        """The shopper's photo from the platform; when it cannot be fetched, they are told and None returned."""
        try:
            return await fetch
        except PlatformError as exc:
            log.warning("could not fetch a photo (conversation %s): %s", cid, exc)
            await send([BotMessage(text=PHOTO_FAILED)])
            return None

    @staticmethod
    async def _logged(work: Awaitable[None], name: str) -> None:
        try:
            await work
        except PlatformError as exc:
            log.error("could not deliver to conversation %s: %s", name, exc)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background work for conversation %s failed", name)

    async def close(self, grace_s: float = 10.0) -> None:
        """Let running turns finish (up to `grace_s`), then cancel what is left."""
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=grace_s)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
