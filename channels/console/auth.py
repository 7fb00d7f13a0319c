"""Who may use the agent console: one team token from the environment, then a session cookie.

A colleague signs in with the token (compared in constant time) and the name shoppers will see
("Sam"); the server answers with a random session id in an `HttpOnly`, `SameSite=Strict` cookie
scoped to `/console` (`Secure` over HTTPS), so page scripts never see it and other sites cannot
send it. Programs may skip the cookie and send `Authorization: Bearer <token>` on the WebSocket.
Sign-in attempts are limited per client address.

Sessions live in the channels' SQLite file, so a restart does not sign the team out. Only a keyed
hash of each session id is stored (HMAC-SHA256 with the team token): a copy of the file cannot be
replayed as a cookie, and changing the team token signs everyone out.

    sessions = ConsoleSessions(b"team-token", lambda: db, hours=12)
    sid = await sessions.sign_in("team-token", "Sam")
    await sessions.agent(sid)
    # -> 'Sam'
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable

from aiohttp import hdrs, web

from channels.channel_db import ChannelDB

COOKIE = "aisle_console"
MAX_NAME_CHARS = 40
MAX_SESSION_ID_CHARS = 100
SCHEMA = """CREATE TABLE IF NOT EXISTS console_sessions (
    session_hash TEXT PRIMARY KEY, agent TEXT NOT NULL, expires REAL NOT NULL
);"""


class ConsoleSessions:
    def __init__(self, token: bytes, db: Callable[[], ChannelDB], hours: int = 12,
                 clock: Callable[[], float] = time.time) -> None:
        self._token, self._db = token, db
        self.ttl_s = hours * 3600
        self._clock = clock

    def token_ok(self, given: str) -> bool:
        return hmac.compare_digest(given.encode("utf-8", "replace"), self._token)

    async def sign_in(self, token: str, name: str) -> str | None:
        """A new session id for `name`, or None when the token is wrong."""
        if not self.token_ok(token):
            return None
        now = self._clock()
        await self._db().run("DELETE FROM console_sessions WHERE expires < ?", (now,))
        session_id = secrets.token_urlsafe(32)
        await self._db().run("INSERT INTO console_sessions (session_hash, agent, expires) VALUES (?, ?, ?)",
                             (self._hash(session_id), name, now + self.ttl_s))
        return session_id

    async def agent(self, session_id: str | None) -> str | None:
        """The name behind a live session, or None."""
        if not session_id or len(session_id) > MAX_SESSION_ID_CHARS:
            return None
        rows = await self._db().run("SELECT agent FROM console_sessions WHERE session_hash = ? AND expires >= ?",
                                    (self._hash(session_id), self._clock()))
        return rows[0][0] if rows else None

    async def sign_out(self, session_id: str | None) -> None:
        if session_id and len(session_id) <= MAX_SESSION_ID_CHARS:
            await self._db().run("DELETE FROM console_sessions WHERE session_hash = ?", (self._hash(session_id),))

    async def from_request(self, request: web.Request) -> str | None:
        """The colleague making `request`: by session cookie, or by bearer token and `?name=`."""
        scheme, _, given = request.headers.get(hdrs.AUTHORIZATION, "").partition(" ")
        if scheme.lower() == "bearer":
            name = clean_name(request.query.get("name", "")) or "Agent"
            return name if self.token_ok(given.strip()) else None
        return await self.agent(request.cookies.get(COOKIE))

    def set_cookie(self, request: web.Request, response: web.StreamResponse, session_id: str) -> None:
        response.set_cookie(COOKIE, session_id, max_age=self.ttl_s, path="/console", httponly=True,
                            samesite="Strict", secure=request.secure)

    def _hash(self, session_id: str) -> str:
        return hmac.new(self._token, session_id.encode("utf-8", "replace"), hashlib.sha256).hexdigest()


def clean_name(name: object) -> str:
    """A display name: printable, trimmed, at most 40 characters; '' when there is none."""
    if not isinstance(name, str):
        return ""
    return "".join(ch for ch in name if ch.isprintable()).strip()[:MAX_NAME_CHARS]
