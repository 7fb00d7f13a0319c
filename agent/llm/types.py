"""The contract every LLM backend keeps: chat messages and tool schemas in, text and tool calls out.

    request = ChatRequest(messages=[{"role": "user", "content": "red sneakers"}], tools=registry.tool_schemas(),
                          tool_choice="required", max_tokens=64, timeout_s=5)
    completion = await backend.complete(request)
    completion.tool_calls[0].name, completion.tool_calls[0].arguments
    # -> ('search', {'query': 'sneakers', 'colour': 'red'})
    async for chunk in backend.stream(request): print(chunk.text, end="")

Messages and tools use the OpenAI chat-completions shapes, so a request crosses to any served
backend unchanged. Errors are `LLMError`s: `LLMTimeout` past the hard timeout, `BackendUnavailable`
when the backend cannot be reached (or its circuit is open).
"""
from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from agent.errors import AisleError, BackendUnavailable

# OpenAI's JSON mode (`response_format: {"type": "json_object"}`): any JSON object, flat so that even a
# small model closes it within its token budget; string values are bounded by the grammar (`constrain`).
JSON_OBJECT_SCHEMA: dict[str, Any] = {
    "type": "object", "maxProperties": 8, "propertyNames": {"type": "string", "maxLength": 40},
    "additionalProperties": {"type": ["string", "number", "boolean", "null"]}}

__all__ = ["BackendUnavailable", "ChatRequest", "Chunk", "Completion", "LLMBackend", "LLMError", "LLMTimeout",
           "ToolCall"]

_call_ids = itertools.count(1)


class LLMError(AisleError):
    """An LLM backend could not answer a request."""


class LLMTimeout(LLMError):
    """No complete answer within the request's hard timeout."""


@dataclass(frozen=True, slots=True)
class ToolCall:
    name: str
    arguments: dict[str, Any]
    id: str = field(default_factory=lambda: f"call_{next(_call_ids)}")

    def to_openai(self) -> dict[str, Any]:
        return {"id": self.id, "type": "function",
                "function": {"name": self.name, "arguments": json.dumps(self.arguments)}}


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """One generation request.

    `tool_choice` is "auto", "none", "required" or a function name; with a local backend "required"
    and a name constrain the output to a valid call. `response_format` is OpenAI's
    `{"type": "json_schema", "json_schema": {"schema": {...}}}` (structured output). `adapter` picks a
    LoRA adapter by name (served backends: the model name). `ignore_eos` keeps generating to
    `max_tokens` (benchmarks).
    """

    messages: list[dict[str, Any]]
    tools: list[dict[str, Any]] = field(default_factory=list)
    tool_choice: str = "auto"
    max_tokens: int = 128
    temperature: float = 0.0
    top_p: float = 1.0
    timeout_s: float | None = None
    adapter: str | None = None
    response_format: dict[str, Any] | None = None
    ignore_eos: bool = False

    @property
    def json_schema(self) -> dict[str, Any] | None:
        """The schema the output must follow: `json_schema`'s own, or for `json_object` any JSON object."""
        kind = self.response_format.get("type") if self.response_format else None
        if kind == "json_object":
            return JSON_OBJECT_SCHEMA
        if kind != "json_schema":
            return None
        spec = self.response_format.get("json_schema") or {}
        return spec.get("schema", spec)


@dataclass(frozen=True, slots=True)
class Completion:
    """The answer: visible text, parsed tool calls, and why generation stopped."""

    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    finish_reason: str = "stop"  # stop | length | tool_calls
    prompt_tokens: int = 0
    completion_tokens: int = 0
    raw: str = ""  # the generated text before tool calls were parsed out of it


@dataclass(frozen=True, slots=True)
class Chunk:
    """One streamed piece: a text delta, and on the last chunk the tool calls and finish reason."""

    text: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    finish_reason: str | None = None
    completion: Completion | None = None  # set on the last chunk


class LLMBackend(Protocol):
    """Local model or served one; opened with `async with`, shared by all conversations."""

    name: str

    async def complete(self, request: ChatRequest) -> Completion: ...

    def stream(self, request: ChatRequest) -> AsyncIterator[Chunk]: ...

    async def __aenter__(self) -> LLMBackend: ...

    async def __aexit__(self, *exc: object) -> None: ...
