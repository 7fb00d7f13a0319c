"""The one catch point for HTTP requests, CORS, and headers every response carries."""
from __future__ import annotations

import logging
from collections.abc import Iterable

from aiohttp import hdrs, web
from aiohttp.typedefs import Handler, Middleware

from channels.context import CONVERSATION_ID, SERVER_CONFIG
from channels.errors import BadRequest, json_error

log = logging.getLogger(__name__)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Client mistakes become 4xx JSON; anything unexpected a short 500 JSON and one log line.

    The log names the conversation (set by the channel under `CONVERSATION_ID`), never the body.
    """
    try:
        return await handler(request)
    except BadRequest as exc:
        return json_error(400, exc.message, field=exc.field)
    except web.HTTPRequestEntityTooLarge:
        limit = request.app[SERVER_CONFIG].max_body_bytes
        return json_error(413, f"the request body is too large: the limit is {limit} bytes")
    except web.HTTPException as exc:
        if exc.status < 400 or exc.content_type == "application/json":
            raise
        return json_error(exc.status, exc.reason)
    except Exception:
        log.exception(
            "unhandled error on %s %s (conversation %s)",
            request.method, request.path, request.get(CONVERSATION_ID, "-"),
        )
        return json_error(500, "internal error: the server could not answer this request")


def cors_middleware(origins: Iterable[str]) -> Middleware:
    """Let the listed origins (or `*`) call the HTTP API from a browser, preflight included."""
    allowed = frozenset(origins)

    @web.middleware
    async def cors(request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = request.headers.get(hdrs.ORIGIN)
        if origin is None or not (origin in allowed or "*" in allowed):
            return await handler(request)
        if request.method == "OPTIONS" and hdrs.ACCESS_CONTROL_REQUEST_METHOD in request.headers:
            response: web.StreamResponse = web.Response(status=204)
            response.headers[hdrs.ACCESS_CONTROL_ALLOW_METHODS] = "GET, POST, OPTIONS"
            response.headers[hdrs.ACCESS_CONTROL_ALLOW_HEADERS] = "Content-Type"
            response.headers[hdrs.ACCESS_CONTROL_MAX_AGE] = "600"
        else:
            response = await handler(request)
        response.headers[hdrs.ACCESS_CONTROL_ALLOW_ORIGIN] = "*" if "*" in allowed else origin
        response.headers.add(hdrs.VARY, "Origin")
        return response

    return cors


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """`on_response_prepare` hook: no MIME sniffing, no leaking of paths to other sites."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
