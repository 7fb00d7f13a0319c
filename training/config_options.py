"""Every field of a training config dataclass as a command-line option, for `python -m training.*`.

    parser = config_parser(LLMTrainConfig, "Fine-tune the dialog LLM.")
    LLMTrainConfig(**config_args(parser, ["--max-steps", "300", "--bf16", "true"])[0])

`--fresh` (start over instead of resuming from checkpoints) comes with every parser.
"""
from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Sequence
from typing import Any


def config_parser(config_class: type, description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    for spec in dataclasses.fields(config_class):
        default = spec.default
        converter = (_boolean if isinstance(default, bool) else
                     _names if isinstance(default, tuple) else type(default))
        parser.add_argument(f"--{spec.name.replace('_', '-')}", dest=spec.name, default=default, type=converter)
    parser.add_argument("--fresh", action="store_true", help="ignore checkpoints in --out and start over")
    return parser


def config_args(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> tuple[dict[str, Any], bool]:
    """The config's fields, and whether --fresh was given."""
    args = vars(parser.parse_args(argv))
    return args, args.pop("fresh")


def _boolean(text: str) -> bool:
    return text.lower() in ("1", "true", "yes", "on")


def _names(text: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in text.split(",") if t.strip())
