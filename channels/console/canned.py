"""Canned replies the team manages in the console, with variables filled from the conversation.

The replies live in the channels' database, so every colleague (and every process) sees the same
list; the first start copies `channels.console.canned_replies` from the configuration. A reply may
name variables, filled from the handoff context of the conversation it is sent to:

    fill("Hi {first_name}, your order {order} is {order_status}.", context, agent="Sam")
    # -> 'Hi Alex, your order ORD-123456 is shipped.'

A variable the conversation has no value for is an error that names it, so nothing half-filled
reaches a shopper.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from channels.errors import BadRequest

SCHEMA = """
CREATE TABLE IF NOT EXISTS canned_replies (id INTEGER PRIMARY KEY AUTOINCREMENT, text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS canned_seeded (done INTEGER PRIMARY KEY);
"""
MAX_CHARS = 1000
MAX_REPLIES = 200
VARIABLES = ("name", "first_name", "email", "order", "order_status", "expected", "agent")
_VARIABLE = re.compile(r"\{([a-z_]+)\}")


def values(context: dict[str, Any] | None, agent: str) -> dict[str, str]:
    """What each variable stands for in one conversation ('' where it is not known)."""
    context = context or {}
    customer = context.get("customer") or {}
    order = (context.get("orders") or [{}])[0]
    name = str(customer.get("name") or "")
    return {"name": name, "first_name": name.split(" ")[0] if name else "", "email": str(customer.get("email") or ""),
            "order": str(order.get("number") or ""), "order_status": str(order.get("status") or ""),
            "expected": str(order.get("expected") or ""), "agent": agent}


def check(text: str) -> str:
    """A reply as the team may save it: not empty, not too long, only known variables."""
    text = text.strip()
    if not text:
        raise BadRequest("text", "a canned reply cannot be empty")
    if len(text) > MAX_CHARS:
        raise BadRequest("text", f"a canned reply is at most {MAX_CHARS} characters, this one has {len(text)}")
    unknown = sorted({v for v in _VARIABLE.findall(text) if v not in VARIABLES})
    if unknown:
        raise BadRequest("text", f"unknown variable {{{unknown[0]}}}: use {', '.join('{' + v + '}' for v in VARIABLES)}")
    return text


def fill(text: str, context: dict[str, Any] | None, agent: str) -> str:
    """``text`` with its variables filled; a variable without a value here is an error naming it."""
    known = values(context, agent)

    def one(match: re.Match) -> str:
        name = match.group(1)
        if name not in known:
            return match.group(0)  # braces a colleague typed on purpose
        if not known[name]:
            raise BadRequest("text", f"this conversation has no value for {{{name}}}: write it out instead")
        return known[name]

    return _VARIABLE.sub(one, text)


class CannedReplies:
    """The team's canned replies in the channels' database (`ChannelDB`)."""

    def __init__(self, db: Any, defaults: Iterable[str] = ()) -> None:
        self.db, self.defaults = db, tuple(defaults)

    async def all(self) -> list[dict[str, Any]]:
        await self._seed()
        rows = await self.db.run("SELECT id, text FROM canned_replies ORDER BY id")
        return [{"id": row[0], "text": row[1]} for row in rows]

    async def add(self, text: str) -> None:
        text = check(text)
        if len(await self.all()) >= MAX_REPLIES:
            raise BadRequest("text", f"the team keeps at most {MAX_REPLIES} canned replies: delete one first")
        await self.db.run("INSERT INTO canned_replies (text) VALUES (?)", (text,))

    async def delete(self, reply_id: int) -> None:
        await self.db.run("DELETE FROM canned_replies WHERE id = ?", (reply_id,))

    async def _seed(self) -> None:
        """The configured replies, once: after that the list is the team's own."""
        if await self.db.run("SELECT done FROM canned_seeded"):
            return
        for text in self.defaults:
            await self.db.run("INSERT INTO canned_replies (text) VALUES (?)", (text,))
        await self.db.run("INSERT INTO canned_seeded (done) VALUES (1)")
