"""The messages that cross the boundary between channels and the agent."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from knowledge.media import Attachment
from knowledge.product import Product

__all__ = ["Attachment", "BotMessage", "Decision", "OnMessage", "QuickReply", "UserMessage"]


@dataclass(frozen=True, slots=True)
class UserMessage:
    """What a shopper said, as a channel hands it to the agent.

    `attachments` carry files the shopper sent (a photo: its bytes and the platform's content type;
    the agent checks them itself). `interim`, where the channel can push messages before the answer
    (the widget's WebSocket), shows progress such as "working on it, about 10 s".
    `stream`, where the channel can show a reply as it is written (the widget), takes the text of
    the answer piece by piece before the answer itself is returned; channels that cannot leave it None.
    """

    sender_id: str
    text: str
    channel: str = "rest"
    metadata: dict[str, Any] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()
    interim: Callable[[BotMessage], Awaitable[None]] | None = field(default=None, compare=False, repr=False)
    stream: Callable[[str], Awaitable[None]] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class QuickReply:
    title: str
    payload: str


@dataclass(frozen=True, slots=True)
class BotMessage:
    """One reply bubble. Channels render what they can and fall back to `as_text()`."""

    text: str = ""
    products: tuple[Product, ...] = ()
    image: str = ""
    quick_replies: tuple[QuickReply, ...] = ()
    cart: dict[str, Any] | None = field(default=None, compare=False)  # the cart after this turn (skills.cart)

    def as_text(self) -> str:
        lines = [self.text] if self.text else []
        for n, p in enumerate(self.products, 1):
            stock = "" if p.availability == "in stock" else f", {p.availability}"
            lines.append(f"{n}. {p.title} ({p.currency} {p.price:.2f}{stock}) {p.url}".rstrip())
        if self.quick_replies:
            lines.append("Options: " + " | ".join(q.title for q in self.quick_replies))
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Decision:
    """What the router understood: which skill to run, with which arguments, how sure."""

    intent: str
    skill: str
    arguments: dict[str, Any] = field(default_factory=dict)
    confidence: float = 1.0


OnMessage = Callable[[UserMessage], Awaitable[list[BotMessage]]]
