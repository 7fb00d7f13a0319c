"""Conversation benchmark: multi-turn shopping conversations played through the real agent on the demo catalog.

    python -m bench.conversations --quick --out results/conversations-quick.json   # 2 per category, embedded
    python -m bench.conversations --out results/conversations.json                 # the whole suite, both backends

Each conversation (`tests/conversations/*.yml` by default, `--data` for any files or folders of the
same format) gets a fresh shopper. Each turn is checked against the catalog's attributes of every
product shown and against the reply's text (`training/turn_checks.py`), never against product ids.
The report gives the share of turns, and of whole conversations, that passed every check, per
category (a file's `category:`, by default its name) and overall, once for each backend:

- `embedded`: the shipped default, the MiniLM embedding router with no LLM;
- `tiny-llm`: the same agent with a LOCAL LLM backend whose model is the randomly initialised tiny
  Qwen2-shaped model of `agent.llm.testkit` (no weights can be downloaded here). Its tool calls are
  noise, kept valid by constrained decoding, so it routes at random except where the embedding router
  is sure enough to answer alone (the fast path): its figures exercise the LLM path end to end, they
  do not measure how well an LLM understands.

The catalog is the demo catalog that `aisle serve` generates (2400 products, seed 0, no images),
kept with its index under `--work-dir` between runs; `--catalog` takes any other catalog file.
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

from agent.config import AisleConfig, load_config
from agent.errors import ConfigError
from bench.conversation_report import backend_report, table
from bench.search_timing import machine
from training.conversations import ConversationSpec, read_conversations

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "tests" / "conversations"
DEMO_SIZE, DEMO_SEED = 2400, 0
QUICK_PER_CATEGORY = 2
BACKENDS = ("embedded", "tiny-llm")
LABELS = {
    "embedded": "embedded default (MiniLM router, no LLM)",
    "tiny-llm": "tiny LLM: randomly initialised Qwen2-shaped test model (agent.llm.testkit), local backend on CPU; "
                "its tool calls are noise (kept valid by constrained decoding), so it routes at random except on "
                "the turns the embedding router is sure of (the fast path): not a measure of an LLM's understanding",
}


def conversation_files(paths: list[str]) -> list[Path]:
    """The .yml/.yaml files named, or found in the folders named; nothing when none exists."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix in (".yml", ".yaml"))
        elif path.is_file():
            files.append(path)
    return files


def select(specs: list[ConversationSpec], quick: bool) -> list[ConversationSpec]:
    if not quick:
        return specs
    taken: dict[str, int] = {}
    chosen = []
    for spec in specs:
        if taken.get(spec.category, 0) < QUICK_PER_CATEGORY:
            taken[spec.category] = taken.get(spec.category, 0) + 1
            chosen.append(spec)
    return chosen


def demo_catalog(work: Path) -> Path:
    from knowledge.demo.catalog import CATALOG_NAME, generate_demo_catalog

    folder = work / f"demo-{DEMO_SIZE}-seed{DEMO_SEED}"
    if not (folder / CATALOG_NAME).exists():
        generate_demo_catalog(folder, n=DEMO_SIZE, seed=DEMO_SEED, images=False)
    return folder / CATALOG_NAME


def tiny_model(work: Path, config: AisleConfig) -> Path:
    """The random tiny model, its tokenizer also trained on the prompts this agent sends (its tools, its
    system prompt, the shoppers' phrasings of `nlu.data`), as a real model's would be: otherwise a prompt
    is spelt out almost byte by byte and runs past the model's context."""
    from agent.llm.router import SYSTEM_PROMPT
    from agent.llm.testkit import build_chat_model, build_tokenizer
    from agent.nlu.nlu_data import read_nlu_data
    from training.llm_data import render
    from training.served_tools import served_tools

    path = work / "tiny-llm"
    if (path / "config.json").exists():
        return path
    tools, _ = asyncio.run(served_tools(config, progress=False))
    template = build_tokenizer()
    texts = [example.text for example in read_nlu_data(config.nlu.data).examples][::4][:400]
    corpus = [render(template, [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": text}],
                     tools) for text in texts]
    return build_chat_model(path, shape="tiny", seed=0, corpus=corpus, vocab_size=4096)


def agent_config(base: AisleConfig, catalog: Path, work: Path, scratch: Path, backend: str) -> AisleConfig:
    """The shipped config with the catalog and its index kept in `work`, everything a run writes in `scratch`."""
    cache = work / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    (scratch / "cache").symlink_to(cache.resolve(), target_is_directory=True)  # the intent head, trained once
    index_dir = work / "index" / f"{catalog.stem}-{zlib.crc32(str(catalog.resolve()).encode()):08x}"
    config = dataclasses.replace(base, data_dir=str(scratch),
                                 catalog=dataclasses.replace(base.catalog, path=str(catalog), index_dir=str(index_dir)),
                                 store=dataclasses.replace(base.store, path="", redis_url=""),
                                 orders=dataclasses.replace(base.orders, path=""))
    config = dataclasses.replace(config, llm=dataclasses.replace(base.llm, backend="none", model=""))
    if backend == "tiny-llm":
        llm = dataclasses.replace(base.llm, backend="local", model=str(tiny_model(work, config)),
                                  device="cpu", dtype="float32", adapters=(), adapter="", phrase_replies=False)
        config = dataclasses.replace(config, llm=llm)
    return config


def shopper(spec: ConversationSpec) -> str:
    """A sender id of the conversation's own (with demo sign-in it picks the demo customer, and so the
    orders a turn sees): the same conversation meets the same shopper whatever else the suite holds."""
    content = "\n".join([spec.category, spec.name, *(turn.user for turn in spec.turns)])
    return f"bench-{zlib.crc32(content.encode()):08x}"


async def play_all(config: AisleConfig, specs: list[ConversationSpec], progress: bool) -> tuple[list, float, float]:
    """Every conversation through one agent; the results, the seconds to open the agent and to play them."""
    from agent.runtime import open_agent
    from training.evaluate import play_conversation

    started = time.perf_counter()
    results = []
    async with open_agent(config, progress=False) as agent:
        opened = time.perf_counter()
        for n, spec in enumerate(specs, 1):
            results.append(await play_conversation(agent, spec, shopper(spec)))
            if progress:
                mark = "pass" if results[-1].passed else "FAIL"
                print(f"  [{n}/{len(specs)}] {mark}  {spec.category}: {spec.name}", file=sys.stderr, flush=True)
        played = time.perf_counter()
    return results, opened - started, played - opened


def run_backend(base: AisleConfig, backend: str, catalog: Path, work: Path, specs: list[ConversationSpec],
                progress: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="aisle-bench-conv-") as scratch:
        config = agent_config(base, catalog, work, Path(scratch), backend)
        results, open_s, play_s = asyncio.run(play_all(config, specs, progress))
        return backend_report(LABELS[backend], results, open_s, play_s)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.conversations", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_PER_CATEGORY} conversations per category")
    parser.add_argument("--data", nargs="+", default=[str(DEFAULT_DATA)],
                        help="conversation files or folders of them (default tests/conversations)")
    parser.add_argument("--catalog", help="catalog file (default: the demo catalog, 2400 products, seed 0)")
    parser.add_argument("--backend", choices=(*BACKENDS, "both"), default=None,
                        help="default: both for the full run, embedded with --quick")
    parser.add_argument("--config", default=str(ROOT / "aisle.yml"), help="the agent's config (default aisle.yml)")
    parser.add_argument("--work-dir", default=str(ROOT / "var" / "bench" / "conversations"),
                        help="where the demo catalog, its index and the tiny model are kept between runs")
    parser.add_argument("--progress", action="store_true", help="a line per conversation on stderr")
    parser.add_argument("--out", required=True, help="JSON report")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    files = conversation_files(args.data)
    if not files:
        print(f"no conversation files in {' '.join(args.data)}; nothing to run")
        return 0
    if args.catalog and not Path(args.catalog).is_file():
        print(f"catalog {args.catalog} not found; nothing to run")
        return 0
    try:
        specs = select([spec for path in files for spec in read_conversations(path)], args.quick)
        base = load_config(args.config)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    work = Path(args.work_dir)
    work.mkdir(parents=True, exist_ok=True)
    catalog = Path(args.catalog) if args.catalog else demo_catalog(work)
    backends = {"both": BACKENDS, None: ("embedded",) if args.quick else BACKENDS}.get(args.backend, (args.backend,))
    report = {"benchmark": "conversations", "quick": args.quick, "machine": machine(),
              "catalog": {"path": str(catalog), "demo": None if args.catalog else {"n": DEMO_SIZE, "seed": DEMO_SEED}},
              "data": [str(f) for f in files], "conversations": len(specs),
              "turns": sum(len(s.turns) for s in specs),
              "backends": {name: run_backend(base, name, catalog, work, specs, args.progress) for name in backends}}
    print(table(report))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
