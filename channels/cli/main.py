"""The `aisle` command: serve the chat channels, build the catalog index, chat in the terminal."""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import os
import sys
from typing import TYPE_CHECKING

from agent.config import AisleConfig, load_config
from agent.config_check import check_paths
from agent.errors import AisleError
from channels.cli.actions import add_actions_command
from channels.cli.generate import add_generate_commands
from channels.cli.init import add_init_command
from channels.cli.llm import add_llm_commands
from channels.cli.llm_serve import add_llm_serve_command
from channels.cli.privacy import add_privacy_commands
from channels.cli.training import add_training_commands
from channels.observability import configure_logging

if TYPE_CHECKING:
    from knowledge.catalog_index import CatalogIndex

log = logging.getLogger("aisle")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    configure_logging(logging.DEBUG if args.verbose else logging.INFO, args.log_format)
    logging.getLogger("faiss").setLevel(logging.WARNING)  # its CPU-feature probing is not news
    try:
        config = load_config(args.config)
        return args.command(config, args)
    except AisleError as exc:
        print(f"aisle: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aisle", description="Aisle: a conversational shopping assistant.")
    parser.add_argument("--config", default=os.environ.get("AISLE_CONFIG", "aisle.yml"),
                        help="configuration file (default: aisle.yml; absent means defaults)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--log-format", choices=("text", "json"), default=os.environ.get("AISLE_LOG_FORMAT", "text"),
                        help="log lines as text or one JSON object each (default: text); personal data is redacted")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the web widget, REST and WebSocket channels")
    serve.add_argument("--host", help="listen address (default from config: 127.0.0.1)")
    serve.add_argument("--port", type=int, help="listen port (default from config: 8080)")
    serve.set_defaults(command=_serve)
    add_init_command(commands)

    index = commands.add_parser("index", help="build or check the catalog's search index")
    index.add_argument("catalog", nargs="?", help="catalog file (.jsonl or .csv); default: the configured one")
    index.add_argument("--rebuild", action="store_true", help="rebuild even if the index is up to date")
    index.add_argument("--update", metavar="FILE",
                       help="add or replace the products in FILE (any catalog format; rows with deleted: true delete)")
    index.add_argument("--delete", metavar="ID,...", default="", help="delete these product ids")
    index.set_defaults(command=_index)

    chat = commands.add_parser("chat", help="talk to the assistant in this terminal")
    chat.add_argument("--sender", default="terminal", help="conversation id to use (default: terminal)")
    chat.set_defaults(command=_chat)
    add_generate_commands(commands)
    add_training_commands(commands)
    add_llm_serve_command(commands)
    add_actions_command(commands)
    add_privacy_commands(commands)
    add_llm_commands(commands)  # after train, generate and export: it adds to them
    return parser


def _serve(config: AisleConfig, args: argparse.Namespace) -> int:
    from agent.runtime import open_agent
    from channels.server import build_app, run_server

    check_paths(config, args.config)  # every missing file named now, not after minutes of indexing
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    config = dataclasses.replace(config, server=dataclasses.replace(config.server, **overrides))
    channels_db = config.channels.db or config.data_path / "channels.db"
    app = build_app(config.server, lambda: open_agent(config), platforms=config.channels, channels_db=channels_db)
    run_server(app, config.server.host, config.server.port)
    return 0


def _index(config: AisleConfig, args: argparse.Namespace) -> int:
    from agent.runtime import open_catalog

    if args.catalog:
        config = dataclasses.replace(config, catalog=dataclasses.replace(config.catalog, path=args.catalog))
    index = open_catalog(config, progress=True, rebuild=args.rebuild)
    if args.update or args.delete:
        return _update_index(index, config, args)
    manifest = index.manifest
    print(f"{manifest.get('count', len(index.products))} products indexed in {config.index_path} "
          f"({manifest.get('embedder')}, dim {manifest.get('dim')}, {manifest.get('index_type')})")
    for error in index.load_errors:
        print(f"  skipped line {error.line}: {error.message}")
    return 0


def _update_index(index: CatalogIndex, config: AisleConfig, args: argparse.Namespace) -> int:
    from knowledge.catalog_io import load_updates

    deletes = [item.strip() for item in args.delete.split(",") if item.strip()]
    upserts = ()
    if args.update:
        loaded = load_updates(args.update, config.catalog.format, config.catalog.columns)
        upserts, deletes = loaded.upserts, [*loaded.deletes, *deletes]
        for error in loaded.errors:
            print(f"  skipped line {error.line} of {args.update}: {error.message}")
    report = index.apply_update(upserts, deletes, progress=True)
    print(f"{report.summary()}; {len(index.products)} products now in {config.index_path}")
    for error in report.errors:
        print(f"  refused {error}")
    return 0


def _chat(config: AisleConfig, args: argparse.Namespace) -> int:
    check_paths(config, args.config)
    asyncio.run(_chat_loop(config, args.sender))
    return 0


async def _chat_loop(config: AisleConfig, sender: str) -> None:
    from agent.runtime import open_agent
    from agent.types import UserMessage

    async with open_agent(config) as agent:
        print("Talk to the shop assistant. An empty line or Ctrl-D ends the chat.")
        while True:
            try:
                text = (await asyncio.to_thread(input, "you> ")).strip()
            except EOFError:
                break
            if not text:
                break
            for reply in await agent.handle(UserMessage(sender, text, channel="terminal")):
                print("bot> " + reply.as_text().replace("\n", "\n     "))


if __name__ == "__main__":
    sys.exit(main())
