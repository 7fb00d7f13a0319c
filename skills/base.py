"""The contract of a skill: typed input, an async run, a typed result."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from knowledge.product import Product


@dataclass(slots=True)
class SkillContext:
    """What a skill may read and update about the conversation it serves."""

    conversation_id: str
    text: str
    slots: dict[str, Any] = field(default_factory=dict)
    role: str = "shopper"  # "merchant" only where a channel authenticated the shop's staff


@dataclass(frozen=True, slots=True)
class SkillResult:
    """What a skill did. The responder turns it into messages; nothing else is shown."""

    text: str
    products: tuple[Product, ...] = ()
    quick_replies: tuple[str, ...] = ()
    slots: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)


class Skill(Protocol):
    """A skill declares its input type (a frozen dataclass) and runs on one instance of it."""

    name: ClassVar[str]
    description: ClassVar[str]
    Input: ClassVar[type]

    async def run(self, args: Any, ctx: SkillContext) -> SkillResult: ...
