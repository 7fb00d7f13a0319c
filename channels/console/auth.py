"""Who may use the agent console: one team token from the environment, then a session cookie.

A colleague signs in with the token (compared in constant time) and the name shoppers will see
("Sam"); the server answers with a random session id in an `HttpOnly`, `SameSite=Strict` cookie
scoped to `/console` (`Secure` over HTTPS), so page scripts never see it and other sites cannot
send it. Programs may skip the cookie and send `Authorization: Bearer <token>` on the WebSocket.
Sign-in attempts are limited per client address.

>>> sessions = ConsoleSessions(b"team-token", hours=12)
>>> sid = sessions.sign_in("team-token", "Sam")
>>> sessions.agent(sid)
'Sam'
"""
from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable

from aiohttp import hdrs, web

COOKIE = "aisle_console"
MAX_NAME_CHARS = 40


class ConsoleSessions:
    def __init__(self, token: bytes, hours: int = 12, clock: Callable[[], float] = time.time) -> None:
        self._token = token
        self.ttl_s = hours * 3600
        self._clock = clock
        self._sessions: dict[str, tuple[str, float]] = {}

    def token_ok(self, given: str) -> bool:
        return hmac.compare_digest(given.encode("utf-8", "replace"), self._token)

    def sign_in(self, token: str, name: str) -> str | None:
        """A new session id for `name`, or None when the token is wrong."""
        if not self.token_ok(token):
            return None
        self._expire()
        session_id = secrets.token_urlsafe(32)
        self._sessions[session_id] = (name, self._clock() + self.ttl_s)
        return session_id

    def agent(self, session_id: str | None) -> str | None:
        """The name behind a live session, or None."""
        found = self._sessions.get(session_id or "")
        if found is None or found[1] < self._clock():
            return None
        return found[0]

    def sign_out(self, session_id: str | None) -> None:
        self._sessions.pop(session_id or "", None)

    def from_request(self, request: web.Request) -> str | None:
        """The colleague making `request`: by session cookie, or by bearer token and `?name=`."""
        scheme, _, given = request.headers.get(hdrs.AUTHORIZATION, "").partition(" ")
        if scheme.lower() == "bearer":
            name = clean_name(request.query.get("name", "")) or "Agent"
            return name if self.token_ok(given.strip()) else None
        return self.agent(request.cookies.get(COOKIE))

    def set_cookie(self, request: web.Request, response: web.StreamResponse, session_id: str) -> None:
        response.set_cookie(COOKIE, session_id, max_age=self.ttl_s, path="/console", httponly=True,
                            samesite="Strict", secure=request.secure)

    def _expire(self) -> None:
        now = self._clock()
        for session_id in [s for s, (_, until) in self._sessions.items() if until < now]:
            del self._sessions[session_id]


def clean_name(name: object) -> str:
    """A display name: printable, trimmed, at most 40 characters; '' when there is none."""
    if not isinstance(name, str):
        return ""
    return "".join(ch for ch in name if ch.isprintable()).strip()[:MAX_NAME_CHARS]
