"""`/admin`: the dashboard of containment, handoffs, CSAT and click-through, behind the admin token.

A person signs in at `/admin` with the admin token, sent in a form's POST body (compared in
constant time, attempts limited per address); the answer is a session cookie (`HttpOnly`,
`SameSite=Strict`, path `/admin`, `Secure` over HTTPS) that carries an expiry and an HMAC of it
under the token, so every server process accepts it and changing the token signs everyone out;
signing out revokes that session (its id is kept in the channels' database until it expires).
Programs send `Authorization: Bearer <token>` instead. The token never appears in a URL.

Routes (all answer 401 without the cookie or the header):

- `GET /admin[?days=30]`: the page (the sign-in form when signed out);
- `GET /admin/dashboard.json[?days=30]`: the same figures as JSON (`channels.admin.figures`);
- `GET /admin/plots/<containment|handoff|csat|click_through>.png[?days=30]`: one plot;
- `POST /admin/login` (`token=...`), `POST /admin/logout`.
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import hdrs, web

from agent.recommend_setup import recommender_of
from channels.context import AGENT, SERVICES
from channels.admin.figures import MAX_DAYS, Figures, Sources, compute_figures
from channels.admin.page import CSP, PLOTS, dashboard_page, login_page, plot_png
from channels.errors import BadRequest, json_error
from channels.limits import TokenBucket

COOKIE = "aisle_admin"
SESSION_S = 12 * 3600
CACHE_S = 30.0
STATIC_DIR = Path(__file__).parent / "static"
NO_STORE = {"Cache-Control": "no-store", "X-Frame-Options": "DENY"}


REVOKED_SCHEMA = """
CREATE TABLE IF NOT EXISTS admin_signed_out (session TEXT PRIMARY KEY, expires REAL NOT NULL);
"""


class AdminSessions:
    """Signed, expiring session cookies under the admin token: `<expires>.<session id>.<HMAC>`.

    Any server process checks one without asking the others; signing out writes the session id to
    the channels' database (`revoke`), which every check reads, so a copied cookie dies with it.
    """

    def __init__(self, token: bytes, clock: Callable[[], float] = time.time,
                 db_of: Callable[[], Any] | None = None) -> None:
        self._token, self._clock, self._db_of = token, clock, db_of

    def token_ok(self, given: str) -> bool:
        return hmac.compare_digest(given.encode("utf-8", "replace"), self._token)

    def issue(self) -> str:
        expires, session = str(int(self._clock()) + SESSION_S), secrets.token_urlsafe(16)
        return f"{expires}.{session}.{self._sign(expires, session)}"

    def session_of(self, cookie: str | None) -> tuple[str, int] | None:
        """The session id and expiry of a well-signed, unexpired cookie; None for anything else."""
        expires, _, rest = (cookie or "").partition(".")
        session, _, signature = rest.partition(".")
        if not expires.isdigit() or int(expires) < self._clock() or not session:
            return None
        if not hmac.compare_digest(signature.encode("ascii", "replace"), self._sign(expires, session).encode("ascii")):
            return None
        return session, int(expires)

    def valid(self, cookie: str | None) -> bool:
        found = self.session_of(cookie)
        return found is not None and not self._revoked(found[0])

    def revoke(self, cookie: str | None) -> None:
        """Sign this session out everywhere (kept until it would have expired anyway)."""
        found = self.session_of(cookie)
        if found is not None and self._db_of is not None:
            db = self._db_of()
            db.execute("DELETE FROM admin_signed_out WHERE expires < ?", (self._clock(),))
            db.execute("INSERT OR REPLACE INTO admin_signed_out (session, expires) VALUES (?, ?)", found)

    def _revoked(self, session: str) -> bool:
        if self._db_of is None:
            return False
        return bool(self._db_of().execute("SELECT 1 FROM admin_signed_out WHERE session = ?", (session,)).fetchone())

    def _sign(self, expires: str, session: str) -> str:
        message = f"aisle-admin-session:{expires}:{session}".encode("ascii", "replace")
        return hmac.new(self._token, message, hashlib.sha256).hexdigest()


def setup(app: web.Application, token: bytes, bearer_ok: Callable[[web.Request], bool]) -> None:
    """Register the dashboard's routes; `bearer_ok(request)` checks an `Authorization` header."""
    services = app[SERVICES]
    services.schemas.append(REVOKED_SCHEMA)
    sessions = AdminSessions(token, db_of=lambda: services.db)
    sign_ins = TokenBucket(rate=5 / 60, burst=5)
    cache: dict[int, Figures] = {}
    locks: dict[int, asyncio.Lock] = {}

    def signed_in(request: web.Request) -> bool:
        return bearer_ok(request) or sessions.valid(request.cookies.get(COOKIE))

    async def figures(request: web.Request) -> tuple[Figures, int]:
        days = _days(request)
        async with locks.setdefault(days, asyncio.Lock()):  # the page and its plots ask at once: compute once
            kept = cache.get(days)
            if kept is None or time.time() - kept.computed_at > CACHE_S:
                kept = cache[days] = await compute_figures(_sources(request.app), days)
        return kept, days

    async def page(request: web.Request) -> web.Response:
        if not signed_in(request):
            return _html(login_page(), 401)
        found, days = await figures(request)
        return _html(dashboard_page(found, days))

    async def as_json(request: web.Request) -> web.Response:
        if not signed_in(request):
            return _unauthorised()
        found, days = await figures(request)
        return web.json_response({"days_shown": days, **found.to_dict()}, headers=NO_STORE)

    async def plot(request: web.Request) -> web.Response:
        if not signed_in(request):
            return _unauthorised()
        name = request.match_info["name"]
        if name not in PLOTS:
            return json_error(404, f"no plot {name!r}: plots are {', '.join(PLOTS)}")
        found, _ = await figures(request)
        png = await asyncio.to_thread(plot_png, found, name)
        return web.Response(body=png, content_type="image/png", headers=NO_STORE)

    async def login(request: web.Request) -> web.Response:
        if not _same_origin(request):
            return json_error(403, "sign in from this server's own page")
        if sign_ins.take(request.remote or "-"):
            return _html(login_page("Too many attempts: wait a minute and try again."), 429)
        try:
            form = await request.post()
        except ValueError:  # not UTF-8, or not a form
            return _html(login_page("The sign-in form could not be read."), 400)
        given = form.get("token")
        if not isinstance(given, str) or not sessions.token_ok(given.strip()):
            return _html(login_page("That token is not right."), 401)
        response = web.Response(status=303, headers={hdrs.LOCATION: "/admin", **NO_STORE})
        response.set_cookie(COOKIE, sessions.issue(), max_age=SESSION_S, path="/admin", httponly=True,
                            samesite="Strict", secure=request.secure)
        return response

    async def logout(request: web.Request) -> web.Response:
        if not _same_origin(request):
            return json_error(403, "sign out from this server's own page")
        sessions.revoke(request.cookies.get(COOKIE))
        response = web.Response(status=303, headers={hdrs.LOCATION: "/admin", **NO_STORE})
        response.del_cookie(COOKIE, path="/admin")
        return response

    app.router.add_get("/admin", page)
    app.router.add_get("/admin/dashboard.json", as_json)
    app.router.add_get("/admin/plots/{name}.png", plot)
    app.router.add_post("/admin/login", login)
    app.router.add_post("/admin/logout", logout)
    app.router.add_static("/admin/static/", STATIC_DIR)


def _sources(app: web.Application) -> Sources:
    agent = app[AGENT]
    recommender = recommender_of(agent.skills)
    services = app[SERVICES]

    def title_of(product_id: str) -> str | None:
        product = agent.product(product_id)
        return product.title if product is not None else None

    return Sources(agent.store, services.db, recommender.store if recommender is not None else None, title_of)


def _days(request: web.Request) -> int:
    raw = request.query.get("days", "30")
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_DAYS:
        raise BadRequest("days", f"'days' must be a whole number from 1 to {MAX_DAYS}")
    return int(raw)


def _same_origin(request: web.Request) -> bool:
    """A form post from this server's own page (browsers send `Origin` on every POST). Only the host is
    compared: behind a proxy that ends TLS the page is https while this server sees http."""
    origin = request.headers.get(hdrs.ORIGIN)
    return origin is None or urlsplit(origin).netloc == request.host


def _html(body: str, status: int = 200) -> web.Response:
    return web.Response(text=body, status=status, content_type="text/html",
                        headers={"Content-Security-Policy": CSP, **NO_STORE})


def _unauthorised() -> web.Response:
    response = json_error(401, "unauthorized")
    response.headers[hdrs.WWW_AUTHENTICATE] = 'Bearer realm="aisle-admin"'
    response.headers.update(NO_STORE)
    return response
