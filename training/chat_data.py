"""Chat JSONL: the canonical fine-tuning format, OpenAI-style messages with tool calls and tool results.

One conversation per line::

    {"conversation_id": "web:alice",
     "tools": [{"type": "function", "function": {"name": "search", "parameters": {...}}}],
     "messages": [
       {"role": "system", "content": "You are the assistant of an online shop. ..."},
       {"role": "user", "content": "red sneakers under 80"},
       {"role": "assistant", "content": "", "tool_calls": [{"id": "call_1", "type": "function",
           "function": {"name": "search", "arguments": "{\\"colour\\": \\"red\\", \\"max_price\\": 80}"}}]},
       {"role": "tool", "tool_call_id": "call_1", "content": "{\\"products\\": [...]}"},
       {"role": "assistant", "content": "Here are three red sneakers under $80: ..."}]}

`tools` and `conversation_id` are optional; lines sharing a `conversation_id` are one conversation
(splits keep them on one side). Every assistant message is learned; everything else is context.

    records = read_chat_jsonl("dialogs.jsonl")      # ChatDataError lists every bad line by number
    write_chat_jsonl("copy.jsonl", records)
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from agent.errors import AisleError

ROLES = ("system", "user", "assistant", "tool")
_RECORD_KEYS = {"messages", "tools", "conversation_id", "source"}
MAX_REPORTED = 20


class ChatDataError(AisleError):
    """A chat JSONL file has lines that cannot train a model; `problems` names each by line."""

    def __init__(self, path: str | Path, problems: Sequence[str]):
        self.problems = list(problems)
        shown = "\n  ".join(self.problems[:MAX_REPORTED])
        more = f"\n  ... and {len(self.problems) - MAX_REPORTED} more" if len(self.problems) > MAX_REPORTED else ""
        super().__init__(f"{path}: {len(self.problems)} problem(s):\n  {shown}{more}")


def tool_call(name: str, arguments: dict[str, Any], call_id: str) -> dict[str, Any]:
    """One call in the OpenAI wire form (arguments as a JSON string)."""
    return {"id": call_id, "type": "function",
            "function": {"name": name, "arguments": json.dumps(arguments, ensure_ascii=False)}}


def call_name_and_arguments(call: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    function = call["function"]
    arguments = function.get("arguments") or {}
    return function["name"], json.loads(arguments) if isinstance(arguments, str) else dict(arguments)


def validate_record(record: Any) -> list[str]:
    """What is wrong with one conversation (empty: nothing)."""
    if not isinstance(record, dict):
        return [f"expected a JSON object, got {type(record).__name__}"]
    problems = [f"unknown key {key!r}; known: {', '.join(sorted(_RECORD_KEYS))}" for key in record
                if key not in _RECORD_KEYS]
    tools = record.get("tools")
    names = None
    if tools is not None:
        tool_problems, names = _check_tools(tools)
        problems += tool_problems
    messages = record.get("messages")
    if not isinstance(messages, list) or not messages:
        return problems + ["'messages' must be a non-empty list"]
    problems += _check_messages(messages, names)
    return problems


def _check_tools(tools: Any) -> tuple[list[str], set[str] | None]:
    if not isinstance(tools, list):
        return ["'tools' must be a list of {\"type\": \"function\", \"function\": {...}}"], None
    names, problems = set(), []
    for n, tool in enumerate(tools, 1):
        function = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(function, dict) or not isinstance(function.get("name"), str):
            problems.append(f"tools[{n}]: expected {{\"type\": \"function\", \"function\": {{\"name\": ...}}}}")
            continue
        names.add(function["name"])
    return problems, names


def _check_messages(messages: list, tool_names: set[str] | None) -> list[str]:
    problems: list[str] = []
    open_calls: set[str] = set()
    learned = 0
    for n, message in enumerate(messages, 1):
        where = f"message {n}"
        if not isinstance(message, dict) or message.get("role") not in ROLES:
            role = message.get("role") if isinstance(message, dict) else message
            problems.append(f"{where}: role {role!r} is not one of {', '.join(ROLES)}")
            continue
        role = message["role"]
        if role == "system" and n != 1:
            problems.append(f"{where}: a system message must come first")
        if role == "assistant":
            learned += 1
            problems += _check_assistant(message, where, tool_names, open_calls)
        elif role == "tool":
            call_id = message.get("tool_call_id")
            if call_id not in open_calls:
                problems.append(f"{where}: tool_call_id {call_id!r} answers no earlier tool call")
            open_calls.discard(call_id)
            if not isinstance(message.get("content"), str):
                problems.append(f"{where}: a tool result's 'content' must be a string")
        elif not isinstance(message.get("content"), str) or not message["content"].strip():
            problems.append(f"{where}: a {role} message needs non-empty 'content' text")
    last = messages[-1] if isinstance(messages[-1], dict) else {}
    final_calls = {c.get("id") for c in last.get("tool_calls") or [] if isinstance(c, dict)}
    if open_calls - final_calls:  # a conversation may end on the call it teaches, without its result
        problems.append(f"tool call(s) {', '.join(sorted(open_calls - final_calls))} have no tool result")
    if not learned:
        problems.append("no assistant message: nothing to learn from this conversation")
    return problems


def _check_assistant(message: dict, where: str, tool_names: set[str] | None, open_calls: set[str]) -> list[str]:
    calls = message.get("tool_calls") or []
    content = message.get("content")
    if content is not None and not isinstance(content, str):
        return [f"{where}: assistant 'content' must be a string"]
    if not calls and not (content or "").strip():
        return [f"{where}: an assistant message needs 'content' or 'tool_calls'"]
    if not isinstance(calls, list):
        return [f"{where}: 'tool_calls' must be a list"]
    problems = []
    for k, call in enumerate(calls, 1):
        try:
            name, arguments = call_name_and_arguments(call)
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"{where}, tool call {k}: expected {{\"id\", \"type\": \"function\", \"function\": "
                            f"{{\"name\", \"arguments\": \"<JSON object>\"}}}} ({type(exc).__name__}: {exc})")
            continue
        if not isinstance(arguments, dict):
            problems.append(f"{where}, tool call {k}: arguments must be a JSON object")
        if tool_names is not None and name not in tool_names:
            problems.append(f"{where}, tool call {k}: {name!r} is not among the tools: {', '.join(sorted(tool_names))}")
        if not isinstance(call.get("id"), str) or not call["id"]:
            problems.append(f"{where}, tool call {k}: needs a string 'id' that its tool result names")
        else:
            open_calls.add(call["id"])
    return problems


def read_chat_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Every conversation of a file, validated; `ChatDataError` lists every bad line."""
    path = Path(path)
    if not path.is_file():
        raise ChatDataError(path, ["file not found"])
    records, problems = [], []
    shared_tools: dict[str, list] = {}  # the same tool list on every line is kept once in memory
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {number}: not valid JSON: {exc.msg} at column {exc.colno}")
            continue
        found = validate_record(record)
        problems += [f"line {number}: {problem}" for problem in found]
        if not found:
            if record.get("tools") is not None:
                record["tools"] = shared_tools.setdefault(json.dumps(record["tools"], sort_keys=True), record["tools"])
            record.setdefault("conversation_id", f"{path.name}:{number}")
            records.append(record)
    if problems:
        raise ChatDataError(path, problems)
    if not records:
        raise ChatDataError(path, ["no conversations in the file"])
    return records


def write_chat_jsonl(path: str | Path, records: Iterable[dict[str, Any]]) -> int:
    """Write conversations one per line (validated first); returns how many were written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            if problems := validate_record(record):
                raise ChatDataError(path, [f"conversation {count + 1}: {p}" for p in problems])
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def learned_calls(record: dict[str, Any]) -> Iterator[tuple[list[dict], dict[str, Any]]]:
    """(the messages before it, the call) for every assistant tool call: what evaluation asks the model."""
    messages = record["messages"]
    for index, message in enumerate(messages):
        if message["role"] == "assistant" and message.get("tool_calls"):
            yield messages[:index], message["tool_calls"][0]
