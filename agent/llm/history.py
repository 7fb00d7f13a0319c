"""The conversation so far, as the chat messages the LLM router reads before the shopper's new message.

    chat_history(await store.transcript(cid, 20), describe=product_facts, user_turns=4)
    # -> [{"role": "user", "content": "red sneakers"},
    #    {"role": "assistant", "content": "", "tool_calls": [{"id": "call_1", "type": "function", ...}]},
    #    {"role": "tool", "tool_call_id": "call_1", "content": '{"products": [{"position": 1, "title": ...}]}'},
    #    {"role": "assistant", "content": "Here are 2 red sneakers I found:"}]

A turn whose skill call the turn loop recorded (the `call` of the bot message's payload) becomes the
assistant's call, the tool's result (the products it showed, so "the second one" can be resolved) and
the reply. `aisle export conversations` (`training/export.py`) builds its fine-tuning data with the
same `chat_messages`, its redactor passed in, so what a model learns from exported conversations is
what it sees when serving. Notices and a colleague's messages are left out: they are not the
assistant's words (an export stops where a person took over).
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from agent.store.base import Turn

Describe = Callable[[str], dict[str, Any] | None]


def _same(value: Any) -> Any:
    return value


def chat_history(turns: Sequence[Turn], describe: Describe | None = None, user_turns: int = 4) -> list[dict]:
    """The last `user_turns` exchanges of `turns` as chat messages (no system message)."""
    messages = chat_messages(((t.role, t.text, t.payload) for t in turns), describe)
    starts = [n for n, message in enumerate(messages) if message["role"] == "user"]
    return messages[starts[-user_turns]:] if len(starts) > user_turns else messages


def chat_messages(events: Iterable[tuple[str, str, dict[str, Any]]], describe: Describe | None = None, *,
                  text: Callable[[str], str] = _same, value: Callable[[Any], Any] = _same,
                  until_person: bool = False) -> list[dict]:
    """Stored events `(role, text, payload)` as chat messages; `text` and `value` see every text and every
    call argument or result on its way in (the export's redactor); `until_person` stops at a handoff."""
    messages: list[dict] = []
    calls = 0
    for role, body, payload in events:
        by_person = role == "handoff" or (role == "bot" and payload.get("agent"))
        if by_person and until_person:
            break
        if role == "user" and body.strip():
            messages.append({"role": "user", "content": text(body)})
        elif role == "bot" and not payload.get("notice") and not by_person and messages:
            if messages[-1]["role"] == "assistant" and not messages[-1].get("tool_calls"):
                messages[-1]["content"] += "\n\n" + text(body)  # one turn's several bubbles
                continue
            if isinstance(payload.get("call"), dict) and messages[-1]["role"] == "user":
                calls += 1
                messages += _call_messages(payload, f"call_{calls}", describe, value)
            messages.append({"role": "assistant", "content": text(body)})
    return [m for m in messages if m.get("tool_calls") or m["content"].strip()]


def _call_messages(payload: dict[str, Any], call_id: str, describe: Describe | None,
                   value: Callable[[Any], Any]) -> list[dict]:
    call = payload["call"]
    shown = [describe(pid) if describe else {"id": pid} for pid in payload.get("products", [])]
    products = [dict(facts, position=n) for n, facts in enumerate((f for f in shown if f), 1)]
    result = value({"products": products} if products else {})
    arguments = json.dumps(value(call.get("arguments") or {}), ensure_ascii=False)
    return [{"role": "assistant", "content": "", "tool_calls": [
                {"id": call_id, "type": "function", "function": {"name": call.get("name", ""), "arguments": arguments}}]},
            {"role": "tool", "tool_call_id": call_id, "content": json.dumps(result, ensure_ascii=False)}]


def recorded_call(skill: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """The call a turn ran, as the store keeps it: JSON-safe (a value JSON cannot hold becomes its text)."""
    return {"name": skill, "arguments": json.loads(json.dumps(arguments, ensure_ascii=False, default=str))}
