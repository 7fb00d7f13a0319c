"""`aisle llm-serve`: serve the local model as an OpenAI-compatible API (`channels.llm_server`).

    aisle llm-serve --model var/llm --adapter shop=var/llm-adapter --port 8000
"""
from __future__ import annotations

from typing import Any

from agent.errors import ConfigError
from agent.llm.local import LocalBackend
from channels.llm_server.app import build_llm_app


def add_llm_serve_command(commands: Any) -> None:
    """`aisle llm-serve`: its options default to the `llm` section of the configuration."""
    serve = commands.add_parser("llm-serve", help="serve the local LLM as an OpenAI-compatible API (GPU box)")
    serve.add_argument("--model", help="model folder or hub id (default from config: llm.model)")
    serve.add_argument("--adapter", action="append", default=[], metavar="NAME=FOLDER",
                       help="a LoRA adapter, requested by its name as the model (repeatable; default: llm.adapters)")
    serve.add_argument("--name", default="", help="the model name clients send (default: the model's)")
    serve.add_argument("--host", default="127.0.0.1", help="listen address (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="listen port (default: 8000)")
    serve.add_argument("--max-batch", type=int, help="requests decoded together (default: llm.max_batch)")
    serve.add_argument("--batch-wait-ms", type=float, help="gathering window (default: llm.batch_wait_ms)")
    serve.add_argument("--device", choices=("auto", "cpu", "cuda"), help="default: llm.device")
    serve.add_argument("--dtype", choices=("auto", "float32", "bfloat16", "float16"), help="default: llm.dtype")
    serve.set_defaults(command=_llm_serve)


def _llm_serve(config: Any, args: Any) -> int:
    from channels.server import run_server  # the web server loads only for the commands that serve

    llm = config.llm
    model = args.model or llm.model
    if not model:
        raise ConfigError("no model to serve: pass --model or set llm.model")
    adapters = dict(entry.split("=", 1) for entry in args.adapter) if args.adapter else llm.adapter_paths
    backend = LocalBackend(model, adapters, device=args.device or llm.device, dtype=args.dtype or llm.dtype,
                           max_batch=args.max_batch or llm.max_batch, timeout_s=max(llm.timeout_s, 60.0),
                           batch_wait_ms=llm.batch_wait_ms if args.batch_wait_ms is None else args.batch_wait_ms,
                           cpu_threads=llm.cpu_threads)
    run_server(build_llm_app(backend, model_name=args.name), args.host, args.port)
    return 0
