"""The contract of a skill: typed input, an async run, a typed result."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from knowledge.media import Attachment
from knowledge.product import Product


async def _no_progress(text: str) -> None:
    return None


@dataclass(slots=True)
class SkillContext:
    """What a skill may read and update about the conversation it serves.

    `attachments` are the files the shopper sent with this message (photos); `progress(text)` shows
    the shopper an interim message while a slow skill works, where the channel can (the web widget);
    `stream(delta)`, where set, shows the reply as it is written (an LLM-worded reply, checked piece by
    piece before each piece is sent).
    """

    conversation_id: str
    text: str
    slots: dict[str, Any] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()
    progress: Callable[[str], Awaitable[None]] = _no_progress
    role: str = "shopper"  # "merchant" only where a channel authenticated the shop's staff
    stream: Callable[[str], Awaitable[None]] | None = None
    client: str = ""  # the client's network address, where the channel knows it (per-address limits)


@dataclass(frozen=True, slots=True)
class SkillResult:
    """What a skill did. The responder turns it into messages; nothing else is shown."""

    text: str
    products: tuple[Product, ...] = ()
    quick_replies: tuple[str, ...] = ()
    slots: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    image: str = ""  # a URL the channels can show (a generated try-on image)


class Skill(Protocol):
    """A skill declares its input type (a frozen dataclass) and runs on one instance of it."""

    name: ClassVar[str]
    description: ClassVar[str]
    Input: ClassVar[type]

    async def run(self, args: Any, ctx: SkillContext) -> SkillResult: ...
