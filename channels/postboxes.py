"""Reaching a shopper outside a turn: each channel registers how it sends to one of its conversations.

A colleague's reply in the agent console, "you are number 2 in the queue", "Sam joined": these are
not answers to a message the channel is waiting on, so they go through the shopper's own channel's
postbox: the widget pushes them over its WebSocket, Telegram calls sendMessage, and so on.

    postboxes.register("telegram", deliver)        # deliver(sender_id, messages, event)
    await postboxes.deliver("telegram:4711", [BotMessage("Hi, Sam here from the shop.")])
    # -> True

`event` says what changed in the conversation (`{"handoff": "active", "agent": "Sam"}`); channels
that can show state (the widget) show it, the others send only the messages.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from agent.types import BotMessage

log = logging.getLogger(__name__)

Deliver = Callable[[str, list[BotMessage], dict[str, Any] | None], Awaitable[None]]


def split_conversation(conversation_id: str) -> tuple[str, str]:
    """`"telegram:4711"` -> `("telegram", "4711")`; sender ids may contain colons, channel names never do."""
    channel, _, sender = conversation_id.partition(":")
    return channel, sender


class Postboxes:
    def __init__(self) -> None:
        self._boxes: dict[str, Deliver] = {}

    def register(self, channel: str, deliver: Deliver) -> None:
        self._boxes[channel] = deliver

    def reaches(self, conversation_id: str) -> bool:
        return split_conversation(conversation_id)[0] in self._boxes

    async def deliver(self, conversation_id: str, messages: list[BotMessage],
                      event: dict[str, Any] | None = None) -> bool:
        """Send to the conversation's channel; False when that channel cannot send on its own (REST)."""
        channel, sender = split_conversation(conversation_id)
        box = self._boxes.get(channel)
        if box is None:
            log.info("conversation %s: its channel cannot receive messages outside a turn", conversation_id)
            return False
        await box(sender, messages, event)
        return True
