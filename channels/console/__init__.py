"""Aisle's agent console: the customer-service team's page for the handoff queue.

Served at `/console` when the environment variable named by `channels.console.token_env`
(default `AISLE_CONSOLE_TOKEN`) holds the team's token.

- `GET /console`: the page (sign-in form, then the queue, the conversation and the reply box).
- `POST /console/login` `{"token", "name"}` (JSON): 204 with the session cookie, 401 for a wrong
  token, 429 after too many attempts from one address.
- `GET /console/me`: `{"agent": "Sam"}` for a signed-in colleague, `{"agent": null}` otherwise.
- `POST /console/logout`: ends the session. Sessions are kept (hashed) in the channels' database
  and outlast a restart, for `channels.console.session_hours`.
- `GET /console/ws`: the live queue and the actions (`channels.console.socket`); the session
  cookie, or `Authorization: Bearer <token>` with `?name=`.
"""
from __future__ import annotations

from pathlib import Path

from aiohttp import hdrs, web
from yarl import URL

from channels.console.auth import COOKIE, SCHEMA, ConsoleSessions, clean_name
from channels.console.canned import SCHEMA as CANNED_SCHEMA
from channels.console.socket import ConsoleSocket
from channels.context import ChannelHooks
from channels.errors import BadRequest, json_error
from channels.routes.media import RateLimiter
from channels.validation import parse_json_object
from channels.webhooks import secret_from_env

CHANNEL = "console"
STATIC_DIR = Path(__file__).parent / "static"
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
LOGINS_PER_MINUTE = 10


def setup(app: web.Application, hooks: ChannelHooks) -> None:
    services = hooks.services
    config = services.config.console
    sessions = ConsoleSessions(secret_from_env(config.token_env, CHANNEL), lambda: services.db, config.session_hours)
    services.schemas += [SCHEMA, CANNED_SCHEMA]
    attempts = RateLimiter()

    async def page(request: web.Request) -> web.FileResponse:
        headers = {"Content-Security-Policy": PAGE_CSP, "Cache-Control": "no-store", "X-Frame-Options": "DENY"}
        return web.FileResponse(STATIC_DIR / "console.html", headers=headers)

    async def login(request: web.Request) -> web.Response:
        return await _sign_in(request, sessions, attempts)

    async def me(request: web.Request) -> web.Response:
        return web.json_response({"agent": await sessions.from_request(request)})  # null: not signed in

    async def logout(request: web.Request) -> web.Response:
        await sessions.sign_out(request.cookies.get(COOKIE))
        response = web.Response(status=204)
        response.del_cookie(COOKIE, path="/console")
        return response

    async def socket(request: web.Request) -> web.StreamResponse:
        agent = await sessions.from_request(request)
        if agent is None:
            return json_error(401, "sign in to the console first")
        if not _same_origin(request):
            return json_error(403, "the console socket only opens from the console's own page")
        return await ConsoleSocket(services, request, agent).run(request)

    app.router.add_get("/console", page)
    app.router.add_post("/console/login", login)
    app.router.add_get("/console/me", me)
    app.router.add_post("/console/logout", logout)
    app.router.add_get("/console/ws", socket)
    app.router.add_static("/console/static/", STATIC_DIR)


async def _sign_in(request: web.Request, sessions: ConsoleSessions, attempts: RateLimiter) -> web.Response:
    wait = attempts.retry_after(request.remote or "?", LOGINS_PER_MINUTE)
    if wait:
        response = json_error(429, "too many sign-in attempts: wait a minute")
        response.headers["Retry-After"] = str(max(1, round(wait)))
        return response
    if request.content_type != "application/json":
        raise BadRequest("body", "send the token and your name as JSON")
    body = parse_json_object(await request.read())
    name = clean_name(body.get("name"))
    if not name:
        raise BadRequest("name", "'name' is missing: the name shoppers will see, e.g. Sam")
    session_id = await sessions.sign_in(str(body.get("token") or ""), name)
    if session_id is None:
        return json_error(401, "that token is not valid")
    response = web.Response(status=204)
    sessions.set_cookie(request, response, session_id)
    return response


def _same_origin(request: web.Request) -> bool:
    """Browsers send Origin on WebSockets; a page on another site may not drive the console."""
    origin = request.headers.get(hdrs.ORIGIN)
    return origin is None or URL(origin).authority == request.host
