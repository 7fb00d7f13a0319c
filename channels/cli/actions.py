"""`aisle actions`: a Rasa custom-action server (rasa_sdk) that runs Aisle's skills.

In the Rasa project's `endpoints.yml`:

    action_endpoint:
      url: "http://localhost:5055/webhook"

and list `action_aisle_search`, `action_aisle_recommend`, `action_aisle_describe` and
`action_aisle_tryon` under `actions:` in its domain (see `channels.rasa_actions.executor`).
"""
from __future__ import annotations

import argparse
import logging

from agent.config import AisleConfig

log = logging.getLogger(__name__)
DEFAULT_PORT = 5055  # Rasa's default action-server port


def add_actions_command(commands: argparse._SubParsersAction) -> None:
    actions = commands.add_parser("actions", help="serve Aisle's skills as Rasa custom actions (rasa_sdk)")
    actions.add_argument("--host", default="127.0.0.1", help="listen address (default: 127.0.0.1)")
    actions.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"listen port (default: {DEFAULT_PORT})")
    actions.set_defaults(command=_actions)


def _actions(config: AisleConfig, args: argparse.Namespace) -> int:
    from sanic import Sanic

    app = build_action_app(config)
    print(f"Aisle's Rasa action server is listening on http://{args.host}:{args.port}/webhook", flush=True)
    app.prepare(host=args.host, port=args.port, single_process=True, motd=False, access_log=False)
    Sanic.serve_single(app)
    return 0


def build_action_app(config: AisleConfig):
    """rasa_sdk's Sanic app over the skills of the configured catalog; try-on joins when the server starts."""
    from rasa_sdk.endpoint import create_app

    from agent.runtime import build_skills, open_catalog
    from agent.tryon_setup import open_tryon
    from channels.rasa_actions.executor import ACTIONS, action_executor, register_skill_action
    from knowledge.retriever import Retriever

    catalog = open_catalog(config, progress=True)
    skills = build_skills(Retriever(catalog), config)
    executor = action_executor(skills, config.channels.public_base_url)
    app = create_app(executor, cors_origins=list(config.server.cors_origins))
    tryon = open_tryon(config)

    async def start_tryon(app, _loop) -> None:
        kit = await tryon.__aenter__()
        skills.register(kit.skill(catalog.by_id, config.catalog_path.parent))
        register_skill_action(executor, skills, "tryon", config.channels.public_base_url)

    async def stop_tryon(app, _loop) -> None:
        await tryon.__aexit__(None, None, None)

    app.register_listener(start_tryon, "before_server_start")
    app.register_listener(stop_tryon, "after_server_stop")
    log.info("Rasa actions: %s", ", ".join(a for s, a in ACTIONS.items() if s in {k.name for k in skills}))
    return app
