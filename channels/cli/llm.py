"""The dialog-LLM data and training commands; the work itself lives in `training/`.

    aisle generate dialogs --out var/dialogs.jsonl --count 2000 --with-nlu --with-tests
    aisle export conversations --out var/exported.jsonl --since-days 30
    aisle train llm --base Qwen/Qwen2.5-0.5B-Instruct --data var/dialogs.jsonl --lora 16,32,all-linear
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import time
from pathlib import Path

from agent.config import AisleConfig
from channels.cli.training import DEFAULT_CONVERSATIONS, default_conversations


def add_llm_commands(commands: argparse._SubParsersAction) -> None:
    """`train llm`, `generate dialogs` and `export conversations`, beside the commands already under
    `train`, `generate` and `export` (call it after those are added)."""
    llm = _subcommands(commands, "train").add_parser("llm", help="fine-tune the dialog LLM on chat JSONL")
    llm.add_argument("--base", required=True, help="base model: a local folder or a hub id")
    llm.add_argument("--data", required=True, help="chat JSONL (from generate dialogs, export conversations, ...)")
    how = llm.add_mutually_exclusive_group()
    how.add_argument("--lora", metavar="R,ALPHA,TARGETS", help="LoRA rank, alpha and target modules "
                                                                  "(default 16,32,all-linear)")
    how.add_argument("--full", action="store_true", help="train every weight instead of a LoRA adapter")
    llm.add_argument("--out", help="output folder (default: <data_dir>/models/llm)")
    llm.add_argument("--validation", help="held-out chat JSONL (default: 10%% of --data, split by conversation)")
    for flag, kind, text in (("--epochs", float, "passes over the data (default 3)"),
                             ("--steps", int, "optimizer steps, overriding --epochs"),
                             ("--batch-size", int, "conversations per micro-batch (default 4)"),
                             ("--grad-accum", int, "micro-batches per optimizer step (default 4)"),
                             ("--lr", float, "peak learning rate (default 2e-4)"),
                             ("--max-length", int, "tokens per conversation at most (default 4096)"),
                             ("--eval-calls", int, "held-out tool calls scored before and after (default 200)"),
                             ("--save-every", int, "steps between checkpoints (default 100)")):
        llm.add_argument(flag, type=kind, help=text)
    llm.add_argument("--tool-prompt", choices=("compact", "full"),
                     help="how prompts show the tools: compact (default) leaves out the parameters' descriptions, "
                          "which the calls teach; the model is served the same way")
    llm.add_argument("--fresh", action="store_true", help="start over instead of resuming from checkpoints in --out")
    llm.set_defaults(command=_train_llm)

    dialogs = _subcommands(commands, "generate").add_parser(
        "dialogs", help="synthetic tool-calling conversations from the catalog and the NLU examples")
    dialogs.add_argument("--out", required=True, help="chat JSONL file to write")
    dialogs.add_argument("--count", type=int, default=1000, help="synthetic conversations (default 1000)")
    dialogs.add_argument("--max-turns", type=int, default=6, help="shopper messages per conversation at most")
    dialogs.add_argument("--seed", type=int, default=0)
    dialogs.add_argument("--with-nlu", action="store_true", help="also convert every NLU example (nlu.data)")
    dialogs.add_argument("--with-tests", nargs="?", const="", metavar="GLOB",
                         help=f"also convert conversation test files (default {DEFAULT_CONVERSATIONS}, "
                              "else the ones shipped with Aisle)")
    dialogs.set_defaults(command=_generate_dialogs)

    _add_export_conversations(commands)


def _add_export_conversations(commands: argparse._SubParsersAction) -> None:
    """`aisle export conversations`: beside `aisle export USER` (a shopper's own data) when that exists,
    so `conversations` is the one name that means every conversation, redacted, for training."""
    export = commands.choices.get("export")
    if export is None:
        export = commands.add_parser("export", help="export data from the assistant's stores")
        export.add_argument("user", choices=["conversations"])
        export.add_argument("--out", type=Path)
    export.add_argument("--report", help="conversations: redaction report, JSON (default: <out>.report.json)")
    export.add_argument("--since-days", type=float, default=0,
                        help="conversations: only those active in the last N days (default: all)")
    export.add_argument("--min-turns", type=int, default=1, help="conversations: shopper messages one needs")
    for action in export._actions:
        if action.dest == "user" and action.help:
            action.help += "; or `conversations`: every conversation, redacted, as chat JSONL for fine-tuning"
    other = export.get_default("command")

    def export_command(config: AisleConfig, args: argparse.Namespace) -> int:
        if args.user == "conversations":
            return _export_conversations(config, args)
        return other(config, args)

    export.set_defaults(command=export_command)


def _subcommands(commands: argparse._SubParsersAction, name: str) -> argparse._SubParsersAction:
    """The subcommand list of an existing command (`train`, `generate`), to add ours beside theirs."""
    parser = commands.choices[name]
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def _train_llm(config: AisleConfig, args: argparse.Namespace) -> int:
    from training.llm import LLMTrainConfig, parse_lora, summary, train

    fields = {"base": args.base, "data": args.data, "out": args.out or str(config.data_path / "models" / "llm"),
              "validation_data": args.validation or ""}
    if args.full:
        fields["method"] = "full"
    elif args.lora:
        fields.update(parse_lora(args.lora))
    for option, field in (("epochs", "epochs"), ("steps", "max_steps"), ("batch_size", "batch_size"),
                          ("grad_accum", "grad_accum"), ("lr", "learning_rate"), ("max_length", "max_length"),
                          ("eval_calls", "eval_calls"), ("save_every", "save_every"), ("tool_prompt", "tool_prompt")):
        if getattr(args, option) is not None:
            fields[field] = getattr(args, option)
    train_config = dataclasses.replace(LLMTrainConfig(), **fields)
    print(summary(train(train_config, fresh=args.fresh), train_config.out))
    return 0


def _generate_dialogs(config: AisleConfig, args: argparse.Namespace) -> int:
    from agent.nlu.nlu_data import read_nlu_data
    from knowledge.query_parse import Lexicon
    from training.chat_data import write_chat_jsonl
    from training.convert import from_conversation_tests, from_rasa_nlu
    from training.conversations import expand_paths
    from training.served_tools import served_tools
    from training.synthetic import SyntheticConfig, generate_dialogs

    tools, products = asyncio.run(served_tools(config))
    nlu = read_nlu_data(config.nlu.data)
    records = generate_dialogs(products, tools, nlu,
                               SyntheticConfig(conversations=args.count, max_turns=args.max_turns, seed=args.seed))
    lines = [f"{len(records)} synthetic conversations"]
    lexicon = Lexicon.from_products(products)
    if args.with_nlu:
        converted, report = from_rasa_nlu(config.nlu.data, tools, lexicon)
        records += converted
        lines.append(f"NLU examples: {report.summary()}")
    if args.with_tests is not None:
        patterns = [args.with_tests] if args.with_tests else default_conversations()
        converted, report = from_conversation_tests(expand_paths(patterns), tools, lexicon)
        records += converted
        lines.append(f"conversation tests: {report.summary()}")
    written = write_chat_jsonl(args.out, records)
    print("\n".join([*lines, f"{written} conversations with {len(tools)} tools written to {args.out}"]))
    return 0


def _export_conversations(config: AisleConfig, args: argparse.Namespace) -> int:
    from agent.errors import ConfigError
    from training.export import export_conversations, write_report
    from training.served_tools import served_tools

    if not args.out:
        raise ConfigError("aisle export conversations needs --out FILE.jsonl")

    tools, products = asyncio.run(served_tools(config, progress=False))
    by_id = {p.id: {"id": p.id, "title": p.title, "price": p.price} for p in products}
    since = time.time() - args.since_days * 86400 if args.since_days else 0.0
    report = export_conversations(config.store_path, args.out, tools, since, args.min_turns, describe=by_id.get)
    path = write_report(report, args.report or Path(args.out).with_suffix(".report.json"))
    print(f"{report.summary()}\nwritten to {args.out}; redaction report in {path}")
    return 0
