"""The interface every conversation store implements."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from agent.errors import BackendUnavailable


class StoreUnavailable(BackendUnavailable):
    """The conversation store did not answer (Redis stopped, unreachable, or slower than its timeout)."""


@dataclass(frozen=True, slots=True)
class Turn:
    """One message in a transcript, as stored."""

    role: str  # "user" or "bot"
    text: str
    ts: float
    payload: dict[str, Any] = field(default_factory=dict)


class ConversationStore(Protocol):
    async def load_state(self, conversation_id: str) -> dict[str, Any]: ...

    async def save_state(self, conversation_id: str, state: dict[str, Any]) -> None: ...

    async def append(self, conversation_id: str, role: str, text: str, payload: dict[str, Any] | None = None) -> None: ...

    async def transcript(self, conversation_id: str, limit: int = 200) -> list[Turn]: ...

    async def close(self) -> None: ...
