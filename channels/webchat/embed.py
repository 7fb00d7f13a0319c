"""Embedding the widget on a shop's own site with one script tag, for the origins the shop lists.

The shop adds `<script src="https://chat.shop.example/embed.js" async></script>` to its pages. The
script (`static/embed.js`) draws a launcher button on the shop's page and opens the widget in an
iframe served from Aisle's own origin. The frame keeps the widget's WebSocket, uploads and events
same-origin (no cookies or tokens cross sites, and the widget's strict CSP stays in force), and
the shop's page can neither read nor restyle the conversation.

Who may embed it is `server.cors_origins`, enforced twice:

- the chat page's `Content-Security-Policy: frame-ancestors 'self' <origins>` makes the browser
  refuse to show the widget framed by any other site (this is the guarantee);
- `embed.js` first asks `GET /webchat/embed`, which answers only a listed origin (CORS lets
  only those read the answer), so on any other site no launcher appears at all rather than a
  launcher that opens a refused frame.

    origin_allowed(request, frozenset({"https://shop.example"}))
    # -> True
"""
from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from aiohttp import hdrs, web
from yarl import URL

from channels.context import SERVER_CONFIG
from channels.errors import json_error

EMBED_SCRIPT = Path(__file__).parent / "static" / "embed.js"
SCRIPT_MAX_AGE_S = 300  # shops cache the loader briefly, so an update reaches them within minutes


def origin_allowed(request: web.Request, allowed: Collection[str]) -> bool:
    """A request from our own origin, a listed one, any with `*`, or with no Origin (not a browser page)."""
    origin = request.headers.get(hdrs.ORIGIN)
    if origin is None or "*" in allowed or origin in allowed:
        return True
    url = URL(origin)
    return url.absolute and url.authority == request.host


async def embed_script(request: web.Request) -> web.FileResponse:
    """The loader every listed site includes; other sites may load it too, it then shows nothing."""
    headers = {"Cache-Control": f"public, max-age={SCRIPT_MAX_AGE_S}", "Cross-Origin-Resource-Policy": "cross-origin",
               hdrs.CONTENT_TYPE: "text/javascript; charset=utf-8"}
    return web.FileResponse(EMBED_SCRIPT, headers=headers)


async def embed_check(request: web.Request) -> web.Response:
    """200 for a page on a listed origin (readable there through CORS), 403 for any other."""
    if not origin_allowed(request, request.app[SERVER_CONFIG].cors_origins):
        return json_error(403, "this site is not in server.cors_origins: the chat may not be embedded here")
    return web.json_response({"embed": True}, headers={"Cache-Control": "no-store"})


def setup(app: web.Application) -> None:
    app.router.add_get("/embed.js", embed_script)
    app.router.add_get("/webchat/embed", embed_check)
