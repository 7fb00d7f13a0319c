"""Tool calls out of model text, in the formats real models emit, and validated against their schemas.

>>> parse_tool_calls('Sure. <tool_call>\\n{"name": "search", "arguments": {"query": "boots"}}\\n</tool_call>')
Parsed(content='Sure.', calls=[ToolCall(name='search', arguments={'query': 'boots'}, ...)], errors=[])

Formats: Hermes/Qwen `<tool_call>{...}</tool_call>` (several allowed), Llama-3 JSON
(`<|python_tag|>` optional, `"parameters"` for the arguments, several separated by `;`), and plain
JSON (`{"name", "arguments"}`, a list of them, or inside a ```json fence) when it names a known tool.
Arguments given as a JSON string (the OpenAI wire form) are decoded.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from agent.llm.types import ToolCall

OPEN, CLOSE = "<tool_call>", "</tool_call>"
PYTHON_TAG = "<|python_tag|>"
_HERMES = re.compile(r"<tool_call>(.*?)(?:</tool_call>|$)", re.DOTALL)
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)


@dataclass(slots=True)
class Parsed:
    content: str
    calls: list[ToolCall] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def parse_tool_calls(text: str, tool_names: Sequence[str] | None = None) -> Parsed:
    """Split `text` into visible content and tool calls; `errors` says what could not be read."""
    if OPEN in text:
        return _parse_hermes(text)
    stripped = text.strip()
    if stripped.startswith(PYTHON_TAG):
        return _parse_json_calls(stripped[len(PYTHON_TAG):], text, None, require_name=True)
    fenced = _FENCE.match(stripped)
    body = fenced.group(1) if fenced else stripped
    if body.startswith(("{", "[")):
        return _parse_json_calls(body, text, tool_names, require_name=False)
    return Parsed(text.strip())


def _parse_hermes(text: str) -> Parsed:
    parsed = Parsed(_HERMES.sub("", text).strip())
    for body in _HERMES.findall(text):
        try:
            parsed.calls.append(_call_from(_loads(body)))
        except (ValueError, TypeError) as exc:
            parsed.errors.append(f"unreadable tool call {body.strip()[:80]!r}: {exc}")
    return parsed


def _parse_json_calls(body: str, text: str, tool_names: Sequence[str] | None, require_name: bool) -> Parsed:
    """Llama-3 style (`;`-separated objects) or a plain JSON object or list of objects."""
    try:
        objects = _json_objects(body)
    except ValueError as exc:
        return Parsed(text.strip(), errors=[f"unreadable JSON: {exc}"] if require_name else [])
    objects = [_unwrap(o) for o in objects]
    if not all(isinstance(o, dict) and "name" in o for o in objects):
        return Parsed(text.strip(), errors=["a JSON call names no function"] if require_name else [])
    if tool_names is not None and not all(o["name"] in tool_names for o in objects):
        return Parsed(text.strip())  # JSON that is an answer, not a call
    parsed = Parsed("")
    for obj in objects:
        try:
            parsed.calls.append(_call_from(obj))
        except (ValueError, TypeError) as exc:
            parsed.errors.append(f"unreadable arguments for {obj.get('name')!r}: {exc}")
    return parsed


def _json_objects(body: str) -> list[Any]:
    body = body.strip()
    try:
        value = _loads(body)
        return value if isinstance(value, list) else [value]
    except ValueError:
        return [_loads(part) for part in body.split(";") if part.strip()]


def _loads(text: str) -> Any:
    """JSON, tolerating raw control characters inside strings (grammar engines let some through)."""
    return json.loads(text.strip(), strict=False)


def _unwrap(obj: Any) -> Any:
    """`{"type": "function", "function": {...}}` (the OpenAI wire form) -> the inner object."""
    if isinstance(obj, dict) and isinstance(obj.get("function"), dict):
        return obj["function"]
    return obj


def _call_from(obj: Any) -> ToolCall:
    obj = _unwrap(obj)
    if not isinstance(obj, dict) or not isinstance(obj.get("name"), str):
        raise TypeError("a tool call needs a string 'name'")
    arguments = obj.get("arguments", obj.get("parameters", {}))
    if isinstance(arguments, str):
        arguments = _loads(arguments) if arguments.strip() else {}
    if not isinstance(arguments, dict):
        raise TypeError(f"arguments must be a JSON object, got {type(arguments).__name__}")
    return ToolCall(obj["name"], arguments)


def validate_call(call: ToolCall, tools: Sequence[dict]) -> list[str]:
    """What is wrong with `call` given the tool schemas offered (empty: nothing)."""
    import jsonschema

    schemas = {t["function"]["name"]: t["function"].get("parameters") or {} for t in tools}
    if call.name not in schemas:
        return [f"no tool named {call.name!r}; offered: {', '.join(schemas)}"]
    validator = jsonschema.Draft202012Validator(schemas[call.name])
    return [f"{call.name}: {'.'.join(map(str, e.path)) or 'arguments'}: {e.message}"
            for e in validator.iter_errors(call.arguments)]


class StreamSplitter:
    """Streams visible text as it comes while holding back what may be a tool call.

    >>> splitter = StreamSplitter(tools_offered=True)
    >>> splitter.feed("Here <tool")      # '<tool' may open a call: held back
    'Here '
    """

    def __init__(self, tools_offered: bool, tool_names: Sequence[str] | None = None):
        self.tools_offered = tools_offered
        self.tool_names = tool_names
        self.raw = ""
        self.emitted = ""
        self.holding = False

    def feed(self, delta: str) -> str:
        self.raw += delta
        if not self.tools_offered:
            return self._emit(self.raw)
        body = self.raw.lstrip()
        if self.holding or not body or (PYTHON_TAG.startswith(body) and not self.emitted):
            return ""
        if not self.emitted and body.startswith(("{", "[", "```", PYTHON_TAG)):
            self.holding = True  # the whole answer may be a JSON call
            return ""
        if OPEN in body:
            self.holding = True
            return self._emit(body[:body.index(OPEN)])
        return self._emit(body[:len(body) - _partial_marker(body)])

    def finish(self) -> tuple[str, Parsed]:
        """The text not yet shown, and the parse of the whole answer."""
        parsed = parse_tool_calls(self.raw, self.tool_names) if self.tools_offered else Parsed(self.raw)
        rest = parsed.content[len(self.emitted):] if parsed.content.startswith(self.emitted) else ""
        if not self.tools_offered:
            rest = self.raw[len(self.emitted):]
        self.emitted += rest
        return rest, parsed

    def _emit(self, upto: str) -> str:
        delta = upto[len(self.emitted):]
        self.emitted = upto
        return delta


def _partial_marker(text: str) -> int:
    """How many trailing characters of `text` could be the start of `<tool_call>`."""
    for size in range(min(len(OPEN) - 1, len(text)), 0, -1):
        if OPEN.startswith(text[-size:]):
            return size
    return 0
