"""`aisle export USER` and `aisle erase USER`: a shopper's data from the command line, server running or not.

They read the store the server uses: the SQLite file, or Redis where `store.redis_url` is set.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
from contextlib import closing, nullcontext
from pathlib import Path

from agent.config import AisleConfig
from agent.privacy import ShopperData, ShopperStore, erase_user, export_user
from agent.store import SQLiteStore
from agent.store.redis import RedisStore


def add_privacy_commands(commands: argparse._SubParsersAction) -> None:
    export = commands.add_parser("export", help="write everything kept about a shopper as JSON")
    export.add_argument("user", help="the shopper's sender id (widget session id, REST sender, platform user id)")
    export.add_argument("--out", type=Path, help="file to write (default: standard output)")
    export.set_defaults(command=_export)
    erase = commands.add_parser("erase", help="delete everything kept about a shopper")
    erase.add_argument("user", help="the shopper's sender id (widget session id, REST sender, platform user id)")
    erase.set_defaults(command=_erase)


def _export(config: AisleConfig, args: argparse.Namespace) -> int:
    data = asyncio.run(_with_data(config, lambda shopper: export_user(shopper, args.user)))
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _erase(config: AisleConfig, args: argparse.Namespace) -> int:
    report = asyncio.run(_with_data(config, lambda shopper: erase_user(shopper, args.user)))
    print(f"erased {args.user!r}: " + ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in report.items()))
    return 0


async def _with_data(config: AisleConfig, action):
    from agent.tryon_setup import media_store
    from skills.recommend.events import EventStore

    redis_url = config.store.redis_url
    store: ShopperStore = await RedisStore.open(redis_url) if redis_url else SQLiteStore.open(config.store_path)
    events = EventStore.open(config.events_path) if config.events_path.exists() else None
    try:
        with closing(events) if events else nullcontext():
            return await action(ShopperData(store, media_store(config), events))
    finally:
        await store.close()

