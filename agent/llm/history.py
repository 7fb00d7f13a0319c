"""The conversation so far, as the chat messages the LLM router reads before the shopper's new message.

>>> chat_history(await store.transcript(cid, 20), describe=product_facts, user_turns=4)
[{"role": "user", "content": "red sneakers"},
 {"role": "assistant", "content": "", "tool_calls": [{"id": "call_1", "type": "function", ...}]},
 {"role": "tool", "tool_call_id": "call_1", "content": '{"products": [{"position": 1, "title": ...}]}'},
 {"role": "assistant", "content": "Here are 2 red sneakers I found:"}]

A turn whose skill call the turn loop recorded (the `call` of the bot message's payload) becomes the
assistant's call, the tool's result (the products it showed, so "the second one" can be resolved) and
the reply: the same shape the fine-tuning data has (`training/export.py`), so what a model learns
from exported conversations is what it sees when serving. Notices and a colleague's messages are
left out: they are not the assistant's words.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from agent.store.base import Turn

Describe = Callable[[str], dict[str, Any] | None]


def chat_history(turns: Sequence[Turn], describe: Describe | None = None, user_turns: int = 4) -> list[dict]:
    """The last `user_turns` exchanges of `turns` as chat messages (no system message)."""
    messages: list[dict] = []
    calls = 0
    for turn in turns:
        if turn.role == "user" and turn.text.strip():
            messages.append({"role": "user", "content": turn.text})
        elif turn.role == "bot" and not turn.payload.get("notice") and not turn.payload.get("agent") and messages:
            if messages[-1]["role"] == "assistant" and not messages[-1].get("tool_calls"):
                messages[-1]["content"] += "\n\n" + turn.text  # one turn's several bubbles
                continue
            if isinstance(turn.payload.get("call"), dict) and messages[-1]["role"] == "user":
                calls += 1
                messages += _call_messages(turn.payload, f"call_{calls}", describe)
            messages.append({"role": "assistant", "content": turn.text})
    starts = [n for n, message in enumerate(messages) if message["role"] == "user"]
    return messages[starts[-user_turns]:] if len(starts) > user_turns else messages


def _call_messages(payload: dict[str, Any], call_id: str, describe: Describe | None) -> list[dict]:
    call = payload["call"]
    shown = [describe(pid) if describe else {"id": pid} for pid in payload.get("products", [])]
    products = [dict(facts, position=n) for n, facts in enumerate((f for f in shown if f), 1)]
    result = {"products": products} if products else {}
    arguments = json.dumps(call.get("arguments") or {}, ensure_ascii=False)
    return [{"role": "assistant", "content": "", "tool_calls": [
                {"id": call_id, "type": "function", "function": {"name": call.get("name", ""), "arguments": arguments}}]},
            {"role": "tool", "tool_call_id": call_id, "content": json.dumps(result, ensure_ascii=False)}]


def recorded_call(skill: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """The call a turn ran, as the store keeps it: JSON-safe (a value JSON cannot hold becomes its text)."""
    return {"name": skill, "arguments": json.loads(json.dumps(arguments, ensure_ascii=False, default=str))}
