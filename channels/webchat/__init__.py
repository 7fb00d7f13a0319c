"""The website chat widget: its page, static files and WebSocket endpoint.

`GET /` serves the chat page; `GET /webchat/ws` (alias `/ws`) speaks the widget protocol described
in `channels.webchat.socket`; `/static/` serves the widget's scripts and `widget.css`; `GET /embed.js` puts
the widget on a shop's own pages (`channels.webchat.embed`).
"""
from __future__ import annotations

from pathlib import Path

from aiohttp import web

from channels.context import SERVER_CONFIG, ChannelHooks
from channels.webchat import embed
from channels.webchat.socket import WebchatSocket

STATIC_DIR = Path(__file__).parent / "static"
CHANNEL = "webchat"


def page_csp(frame_origins: tuple[str, ...]) -> str:
    """Only our own scripts and styles run; the page may be framed by the shop's own origins."""
    ancestors = " ".join(("'self'", *frame_origins))
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
        f"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}"
    )


async def index(request: web.Request) -> web.FileResponse:
    csp = page_csp(request.app[SERVER_CONFIG].cors_origins)
    headers = {"Content-Security-Policy": csp, "Cache-Control": "no-cache"}
    return web.FileResponse(STATIC_DIR / "index.html", headers=headers)


def setup(app: web.Application, hooks: ChannelHooks) -> None:
    """Register the page, the static files and the WebSocket endpoint on `app`."""
    socket = WebchatSocket(hooks)
    app.router.add_get("/", index)
    app.router.add_get("/webchat/ws", socket.handle)
    app.router.add_get("/ws", socket.handle)
    app.router.add_static("/static/", STATIC_DIR)
    embed.setup(app)
