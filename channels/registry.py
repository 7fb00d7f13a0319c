"""The channel registry: a plain dict of name -> setup function, filled by explicit calls.

A third-party channel registers under the `aisle.channels` entry-point group, or in code:

>>> def setup(app: web.Application, hooks: ChannelHooks) -> None:
...     app.router.add_post("/webhooks/mine", ...)
>>> register_channel("mine", setup)
"""
from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import entry_points

from aiohttp import web

from agent.errors import ConfigError
from channels import admin, console, rest, webchat
from channels.messaging import chatwoot, messenger, slack, telegram, whatsapp
from channels.routes import ab, events, media
from channels.context import ChannelHooks

ChannelSetup = Callable[[web.Application, ChannelHooks], None]
ENTRY_POINT_GROUP = "aisle.channels"

_CHANNELS: dict[str, ChannelSetup] = {}


def register_channel(name: str, setup: ChannelSetup) -> None:
    """Make `setup(app, hooks)` available as channel `name`; a name can be taken once."""
    if name in _CHANNELS and _CHANNELS[name] is not setup:
        raise ConfigError(f"channel {name!r} is already registered")
    _CHANNELS[name] = setup


def available_channels() -> dict[str, ChannelSetup]:
    """Every registered channel, built-ins first, then installed plug-ins."""
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name not in _CHANNELS:
            register_channel(ep.name, ep.load())
    return dict(_CHANNELS)


def channel_setup(name: str) -> ChannelSetup:
    channels = available_channels()
    if name not in channels:
        raise ConfigError(f"unknown channel {name!r}: choose from {', '.join(sorted(channels))}")
    return channels[name]


register_channel(rest.CHANNEL, rest.setup)
register_channel(webchat.CHANNEL, webchat.setup)
register_channel(admin.CHANNEL, admin.setup)
register_channel(ab.CHANNEL, ab.setup)
register_channel(media.CHANNEL, media.setup)
register_channel(telegram.CHANNEL, telegram.setup)
register_channel(slack.CHANNEL, slack.setup)
register_channel(whatsapp.CHANNEL, whatsapp.setup)
register_channel(messenger.CHANNEL, messenger.setup)
register_channel(chatwoot.CHANNEL, chatwoot.setup)
register_channel(console.CHANNEL, console.setup)
register_channel(events.CHANNEL, events.setup)
