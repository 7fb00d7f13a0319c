"""The aiohttp application that serves every channel, and the helper that runs it.

    app = build_app(ServerConfig(port=8080), open_agent)   # open_agent() -> async context manager
    run_server(app, "127.0.0.1", 8080)
    # -> Aisle is listening on http://127.0.0.1:8080
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from pathlib import Path

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from agent.config import ServerConfig
from agent.config_channels import ChannelsConfig
from agent.store.base import StoreUnavailable
from agent.types import BotMessage, OnMessage, UserMessage
from channels import observability
from channels.routes import site
from channels.context import (AGENT, CHANNEL_NAMES, SERVER_CONFIG, SERVICES, AgentLike, CatalogUpdate, ChannelHooks,
                              Transcript)
from channels.middleware import add_security_headers, cors_middleware, error_middleware
from channels.limits import TURN_GATE, TurnGate, ip_rate_limit
from channels.registry import channel_setup
from channels.services import ChannelServices
from knowledge.catalog_updates import UpdateReport
from knowledge.product import Product

log = logging.getLogger(__name__)
STORE_DOWN = "Sorry, I can't reach our conversation records just now. Please try again in a moment."
AgentContext = Callable[[], AbstractAsyncContextManager[AgentLike]]
DEFAULT_CHANNELS = ("rest", "webchat")
DEFAULT_ROUTES = ("ab", "media", "events")  # route groups served beside the channels (`channels.registry`)


def default_channels(server: ServerConfig, environ: Mapping[str, str] | None = None,
                     platforms: ChannelsConfig | None = None) -> tuple[str, ...]:
    """The built-in channels and route groups, plus `admin` and the agent `console` when their tokens'
    environment variables are set, plus the messaging platforms listed in `channels.enabled`."""
    environ = os.environ if environ is None else environ
    platforms = platforms or ChannelsConfig()
    extra = [name for name, env in (("admin", server.admin_token_env), ("console", platforms.console.token_env))
             if environ.get(env, "").strip()]
    return (*DEFAULT_CHANNELS, *DEFAULT_ROUTES, *extra, *platforms.enabled)


def build_app(
    server: ServerConfig, agent_context: AgentContext, *, channels: Sequence[str] | None = None,
    platforms: ChannelsConfig | None = None, channels_db: str | Path = ":memory:",
) -> web.Application:
    """The whole web app: the agent opens at startup and closes at shutdown (`cleanup_ctx`).

    `channels` defaults to :func:`default_channels`; `platforms` configures the messaging channels,
    the handoff queue and the console; `channels_db` is their SQLite file (delivery claims, the
    widget's outbox, the queue), in memory unless given.
    """
    platforms = platforms or ChannelsConfig()
    channels = default_channels(server, platforms=platforms) if channels is None else channels
    app = web.Application(
        client_max_size=server.max_body_bytes,
        middlewares=[cors_middleware(server.cors_origins), ip_rate_limit(server), error_middleware],
    )
    app[SERVER_CONFIG] = server
    app[CHANNEL_NAMES] = tuple(channels)
    app.cleanup_ctx.append(_agent_lifecycle(agent_context))
    services = app[SERVICES] = ChannelServices(platforms, channels_db)
    app.cleanup_ctx.append(services.lifecycle(lambda app: app[AGENT]))
    app.on_response_prepare.append(add_security_headers)
    gate = app[TURN_GATE] = TurnGate(server)
    app.on_shutdown.append(gate.drain)
    on_message = services.on_message(gate.around(_agent_handle(app)))
    hooks = ChannelHooks(on_message=on_message, transcript=_agent_transcript(app),
                         server=server, update_catalog=_agent_update_catalog(app), services=services)
    for name in channels:
        channel_setup(name)(app, hooks)
    site.setup(app)
    observability.setup(app)
    app.router.add_get("/health", health)
    return app


def _agent_lifecycle(agent_context: AgentContext) -> Callable[[web.Application], AsyncIterator[None]]:
    async def open_agent(app: web.Application) -> AsyncIterator[None]:
        async with agent_context() as agent:
            app[AGENT] = agent
            yield

    return open_agent


def _agent_handle(app: web.Application) -> OnMessage:
    async def on_message(message: UserMessage) -> list[BotMessage]:
        try:
            return await app[AGENT].handle(message)
        except StoreUnavailable as exc:  # Redis is away: an apology now; the next message finds it back
            log.warning("conversation %s:%s not answered: %s", message.channel, message.sender_id, exc)
            return [BotMessage(text=STORE_DOWN)]

    return on_message


def _agent_transcript(app: web.Application) -> Transcript:
    async def transcript(sender_id: str, channel: str) -> list[dict]:
        return await app[AGENT].transcript(sender_id, channel)

    return transcript


def _agent_update_catalog(app: web.Application) -> CatalogUpdate:
    async def update_catalog(upserts: Sequence[Product], deletes: Sequence[str]) -> UpdateReport:
        return await app[AGENT].update_catalog(upserts, deletes)

    return update_catalog


async def health(request: web.Request) -> web.Response:
    names: tuple[str, ...] = request.app[CHANNEL_NAMES]
    return web.json_response({"status": "ok", "products": request.app[AGENT].product_count, "channels": list(names)})


class PathOnlyAccessLogger(AbstractAccessLogger):
    """Access log without query strings or bodies: those can carry session ids and tokens."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info("%s %s %s %.3fs", request.method, request.path, response.status, time)


async def serve(app: web.Application, host: str, port: int, announce: Callable[[str], None] = print) -> None:
    """Serve `app` until SIGINT/SIGTERM; `announce` gets the URL once the socket listens."""
    runner = web.AppRunner(app, access_log_class=PathOnlyAccessLogger)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        bound_port = runner.addresses[0][1]
        shown = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
        announce(f"Aisle is listening on http://{_url_host(shown)}:{bound_port}")
        await _until_stopped()
    finally:
        await runner.cleanup()


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()


def run_server(app: web.Application, host: str, port: int) -> None:
    """Run `app` in the foreground (the CLI's `serve`); prints the URL once listening."""
    asyncio.run(serve(app, host, port))
