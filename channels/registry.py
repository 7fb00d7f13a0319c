"""What the server can serve, by name: the channels, and the other route groups.

A *channel* is a way shoppers reach the agent (the REST webhook, the widget, the messaging
platforms). A *route group* is served beside them but is no conversation with a shopper: the admin
API and dashboard, the colleagues' console, media uploads, shopper events, A/B tests. Both are a
`setup(app, hooks)` in a plain dict filled by explicit calls; a name is taken once across both, and
the server's `channels` list (and `channels.enabled`) may name either.

A third-party channel registers under the `aisle.channels` entry-point group (a route group under
`aisle.routes`), or in code:

>>> def setup(app: web.Application, hooks: ChannelHooks) -> None:
...     app.router.add_post("/webhooks/mine", ...)
>>> register_channel("mine", setup)
>>> "mine" in available_channels() and "mine" not in available_routes()
True
"""
from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points

from aiohttp import web

from agent.errors import ConfigError
from channels import admin, console, rest, webchat
from channels.context import ChannelHooks
from channels.messaging import chatwoot, messenger, slack, telegram, whatsapp
from channels.routes import ab, events, media

ChannelSetup = Callable[[web.Application, ChannelHooks], None]
ENTRY_POINT_GROUP = "aisle.channels"
ROUTES_ENTRY_POINT_GROUP = "aisle.routes"

_CHANNELS: dict[str, ChannelSetup] = {}
_ROUTES: dict[str, ChannelSetup] = {}


def register_channel(name: str, setup: ChannelSetup) -> None:
    """Make `setup(app, hooks)` available as channel `name`; a name can be taken once."""
    _register(_CHANNELS, name, setup)


def register_routes(name: str, setup: ChannelSetup) -> None:
    """Make `setup(app, hooks)` available as route group `name` (served beside the channels)."""
    _register(_ROUTES, name, setup)


def _register(table: dict[str, ChannelSetup], name: str, setup: ChannelSetup) -> None:
    taken = _CHANNELS.get(name) or _ROUTES.get(name)
    if taken is not None and taken is not setup:
        raise ConfigError(f"channel {name!r} is already registered")
    table[name] = setup


def available_channels() -> dict[str, ChannelSetup]:
    """Every registered channel, built-ins first, then installed plug-ins."""
    return _with_plugins(_CHANNELS, ENTRY_POINT_GROUP)


def available_routes() -> dict[str, ChannelSetup]:
    """Every registered route group, built-ins first, then installed plug-ins."""
    return _with_plugins(_ROUTES, ROUTES_ENTRY_POINT_GROUP)


def _with_plugins(table: dict[str, ChannelSetup], group: str) -> dict[str, ChannelSetup]:
    for ep in entry_points(group=group):
        if ep.name not in _CHANNELS and ep.name not in _ROUTES:
            _register(table, ep.name, ep.load())
    return dict(table)


def channel_setup(name: str) -> ChannelSetup:
    """The setup of channel or route group `name`; a `ConfigError` naming the choices when unknown."""
    channels, routes = available_channels(), available_routes()
    if name in channels or name in routes:
        return channels.get(name) or routes[name]
    raise ConfigError(f"unknown channel {name!r}: choose from {', '.join(sorted(channels))} "
                      f"(or the route groups {', '.join(sorted(routes))})")


for _module in (rest, webchat, telegram, slack, whatsapp, messenger, chatwoot):
    register_channel(_module.CHANNEL, _module.setup)
for _module in (admin, console, ab, media, events):
    register_routes(_module.CHANNEL, _module.setup)
