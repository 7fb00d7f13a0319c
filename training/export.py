"""Real conversations out of the conversation store as chat JSONL, with personal data redacted:
`aisle export conversations`.

    report = export_conversations("var/aisle.db", "exported.jsonl", tools=registry.tool_schemas())
    report.redacted
    # -> Counter({'email': 12, 'order_number': 9, 'phone': 3, 'address': 2, 'card': 1})

Nothing leaves the store unless this runs: the export is opt-in, one explicit command. Every text
that reaches the file (the shopper's messages, the assistant's replies, tool-call arguments and tool
results) passes the redactor first (`training/pii.py`), and conversation ids become hashes, since
a channel's sender id can itself be a phone number. The report counts what was redacted, by kind
and by (hashed) conversation, never the values.

A turn becomes the assistant's tool call, its result and its reply where the store recorded the
call (the `call` of the bot event's payload: `{"name", "arguments"}`); otherwise the reply alone.
A conversation ends where a person took it over: colleagues' replies, notices and notes are not
the assistant's to learn. Conversations with fewer than `min_user_turns` shopper messages are left out.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.errors import ConfigError
from agent.llm.history import chat_messages
from agent.llm.router import SYSTEM_PROMPT
from training.chat_data import write_chat_jsonl
from training.pii import KINDS, Redactor


@dataclass
class ExportReport:
    conversations: int = 0
    messages: int = 0
    skipped: int = 0  # too short
    redacted: Counter = field(default_factory=Counter)
    by_conversation: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"conversations": self.conversations, "messages": self.messages, "skipped_short": self.skipped,
                "redacted": {kind: self.redacted.get(kind, 0) for kind in KINDS},
                "by_conversation": self.by_conversation}

    def summary(self) -> str:
        kinds = ", ".join(f"{self.redacted.get(k, 0)} {k.replace('_', ' ')}s" for k in KINDS)
        return (f"{self.conversations} conversations ({self.messages} messages) exported, {self.skipped} too short "
                f"left out; redacted: {kinds}")


def read_events(store_path: str | Path, since: float = 0.0) -> Iterator[tuple[str, list[tuple]]]:
    """(conversation id, its events in order) for every conversation active since `since`, read-only."""
    path = Path(store_path)
    if not path.is_file():
        raise ConfigError(f"no conversation store at {path} (set store.path in aisle.yml)")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        ids = [row[0] for row in db.execute(
            "SELECT DISTINCT conversation_id FROM events WHERE ts >= ? ORDER BY conversation_id", (since,))]
        for cid in ids:
            rows = db.execute("SELECT role, text, payload FROM events WHERE conversation_id = ? ORDER BY seq", (cid,))
            yield cid, [(role, text, json.loads(payload or "{}")) for role, text, payload in rows]
    finally:
        db.close()


def conversation_messages(events: Sequence[tuple], redactor: Redactor,
                          describe: Callable[[str], dict] | None = None) -> list[dict]:
    """The events of one conversation as chat messages (no system message), redacted, up to a handoff."""
    return chat_messages(events, describe, text=redactor.redact, value=redactor.redact_value, until_person=True)


def export_conversations(store_path: str | Path, out: str | Path, tools: Sequence[dict] | None = None,
                         since: float = 0.0, min_user_turns: int = 1, system_prompt: str = SYSTEM_PROMPT,
                         describe: Callable[[str], dict] | None = None) -> ExportReport:
    """Write the redacted conversations to `out` (chat JSONL) and return what was done."""
    report, records = ExportReport(), []
    for cid, events in read_events(store_path, since):
        redactor = Redactor()  # stand-ins are numbered per conversation
        messages = conversation_messages(events, redactor, describe)
        if sum(m["role"] == "user" for m in messages) < min_user_turns or not _learnable(messages):
            report.skipped += 1
            continue
        hashed = "export:" + hashlib.sha256(cid.encode()).hexdigest()[:16]
        record = {"conversation_id": hashed, "source": "export",
                  "messages": [{"role": "system", "content": system_prompt}, *messages]}
        if tools and any(m.get("tool_calls") for m in messages):
            record["tools"] = list(tools)
        records.append(record)
        report.conversations += 1
        report.messages += len(messages)
        report.redacted.update(redactor.counts)
        if redactor.counts:
            report.by_conversation[hashed] = dict(redactor.counts)
    write_chat_jsonl(out, records)
    return report


def _learnable(messages: list[dict]) -> bool:
    return any(m["role"] == "assistant" for m in messages) and messages[0]["role"] == "user"


def write_report(report: ExportReport, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")
    return path
