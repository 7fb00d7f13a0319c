"""The `aisle train` and `aisle test` commands; the work itself lives in `training/`."""
from __future__ import annotations

import argparse
import dataclasses
import os
from pathlib import Path

from agent.config import AisleConfig
from agent.defaults import CONVERSATIONS, shipped

DEFAULT_CONVERSATIONS = "tests/conversations/*.yml"  # a project's own (`aisle init` writes them), else the shipped


def add_training_commands(commands: argparse._SubParsersAction) -> None:
    train = commands.add_parser("train", help="train models from your data")
    what = train.add_subparsers(title="models", required=True, metavar="MODEL")
    nlu = what.add_parser("nlu", help="train the intent model from Rasa NLU YAML")
    nlu.add_argument("--data", help="NLU training data (default from config: nlu.data)")
    nlu.add_argument("--out", help="model directory to write (default: <data_dir>/models/nlu)")
    nlu.add_argument("--steps", type=int, help="contrastive fine-tuning steps; 0 keeps the encoder frozen "
                                               "(default 200)")
    nlu.add_argument("--save-every", type=int, help="steps between checkpoints (default 50)")
    nlu.add_argument("--holdout", type=float, metavar="FRACTION",
                     help="share of each intent held out to tune the out-of-scope threshold and measure (default 0.2)")
    nlu.add_argument("--in-scope-target", type=float, metavar="SHARE",
                     help="the threshold keeps this share of the held-out messages the head gets right (default "
                          "0.9); 0 balances in-scope accuracy and out-of-scope recall")
    nlu.add_argument("--fresh", action="store_true", help="start over instead of resuming from checkpoints in --out")
    nlu.set_defaults(command=_train_nlu)
    recs = what.add_parser("recs", help="train the sequential recommender on shopper events (or a sequence file)")
    recs.add_argument("--data", help="a file of `user item item ...` lines, oldest first; default: the shop's events")
    recs.add_argument("--out", help="checkpoint to write (default: <data_dir>/models/recs/sasrec.pt)")
    recs.add_argument("--max-minutes", type=float, help="training time budget in minutes (default 18)")
    recs.add_argument("--loss", choices=("ce", "ss", "bce"),
                      help="ce: softmax over all items (default); ss: softmax over 2,048 sampled items; "
                           "bce: SASRec's original sampled negatives")
    recs.add_argument("--precision", choices=("auto", "fp32", "bf16"),
                      help="auto (default): bfloat16 only on CPUs with native bfloat16 (AVX-512 BF16 or AMX)")
    recs.set_defaults(command=_train_recs)

    test = commands.add_parser("test", help="evaluate the intent model and run conversation tests")
    test.add_argument("--nlu", help="NLU data to cross-validate (default from config: nlu.data)")
    test.add_argument("--conversations", nargs="*", metavar="FILE",
                      help=f"conversation test files or globs (default: {DEFAULT_CONVERSATIONS}, "
                           "else the ones shipped with Aisle)")
    test.add_argument("--out", default="reports", help="folder for the reports (default: reports/)")
    test.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    test.add_argument("--skip-nlu", action="store_true", help="only run the conversation tests")
    test.set_defaults(command=_test)


def _train_nlu(config: AisleConfig, args: argparse.Namespace) -> int:
    from training.nlu import NluTrainConfig, summary, train

    overrides = {"data": args.data or config.nlu.data, "out": args.out or str(config.data_path / "models" / "nlu"),
                 "base_model": config.embedder.model, "default_threshold": config.nlu.threshold}
    for option in ("steps", "save_every", "holdout", "in_scope_target"):
        if getattr(args, option) is not None:
            overrides[option] = getattr(args, option)
    train_config = dataclasses.replace(NluTrainConfig(), **overrides)
    print(summary(train(train_config, fresh=args.fresh), train_config.out))
    return 0


def _train_recs(config: AisleConfig, args: argparse.Namespace) -> int:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # torch's threads sleep, not spin, while they wait
    from training.recs import train_shop_model

    print(train_shop_model(config, args.data, args.out, args.max_minutes, args.loss, args.precision))
    return 0


def _test(config: AisleConfig, args: argparse.Namespace) -> int:
    from training.evaluate import run_tests

    nlu = None if args.skip_nlu else (args.nlu or config.nlu.data)
    patterns = args.conversations if args.conversations is not None else default_conversations()
    return run_tests(config, nlu, patterns, Path(args.out), args.folds)


def default_conversations() -> list[str]:
    """The current folder's conversation tests (an `aisle init` project has some), else the shipped ones."""
    if list(Path().glob(DEFAULT_CONVERSATIONS)):
        return [DEFAULT_CONVERSATIONS]
    return [str(shipped(CONVERSATIONS) / "*.yml")]
