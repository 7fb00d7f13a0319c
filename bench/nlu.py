"""Intent classification benchmark: frozen MiniLM + logistic regression against the contrastive
fine-tuned MiniLM + logistic regression that `aisle train nlu` builds, side by side.

    python -m bench.nlu [--quick] [--data DIR] --out results/nlu.json

- banking77, official test split; bitext customer service, stratified 80/20 with seed 0:
  accuracy, macro-F1 and training time (wall and process CPU seconds: encoder fine-tuning, embedding
  the training set, fitting the head; the model load is not counted).
- Out-of-scope: 10 banking77 intents (seeded) are held out of training; their test utterances are the
  out-of-scope set. The headline threshold is tuned as `aisle train nlu` tunes it: on a 10 % split of
  the training data, the highest that keeps 90 % of the in-scope accuracy there; the figures are
  in-scope accuracy (accepted and right, over all in-scope test utterances) and the share of
  out-of-scope utterances under it. Beside it, for comparison across models, the threshold that keeps
  in-scope test accuracy at fixed levels (an oracle, chosen on the test set). AUROC is the
  threshold-free view of the same separation.
- Shop (`bench/nlu_shop.py`): the model `aisle train nlu` ships for this project's `agent/defaults/nlu.yml`, on a
  held-out shopping set with out-of-scope messages of many kinds (`bench/data/shop_intents_heldout.yml`).

`--quick` samples a few examples per intent and fine-tunes for a few steps (a smoke check).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Callable

import numpy as np

from agent.nlu.intent_model import IntentModel
from bench.nlu_data import Labelled, Splits, hold_out_intents, load_banking77, load_bitext, present
from bench.nlu_shop import shop_part, shop_table
from training.contrastive import ContrastiveConfig, finetune_encoder
from training.threshold import threshold_at_accuracy, tune_threshold

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "data"
METHODS = ("frozen", "contrastive")
PARTS = ("banking77", "bitext", "oos", "banking77_8shot", "shop")
SHARED = {"banking77": "banking77", "oos": "banking77", "banking77_8shot": "banking77", "bitext": "bitext"}
FEW_SHOT = 8  # examples per intent in MTEB's Banking77Classification, where the published 80.04 % comes from
LABELS = {"frozen": "frozen MiniLM + logreg", "contrastive": "contrastive MiniLM + logreg"}
PUBLISHED = {"banking77": {"bert_large_finetuned": 0.9366, "use_convert": 0.9336},
             "banking77_8shot": {"minilm_frozen_logreg_mteb": 0.8004}}


@dataclass(frozen=True)
class NluBenchConfig:
    quick: bool = False
    steps: int = 300  # contrastive fine-tuning steps on banking77 (and the out-of-scope run)
    bitext_steps: int = 100  # bitext is template-like: a short run suffices
    few_shot_steps: int = 200  # on 8 examples per intent (616 in all)
    batch_size: int = 32
    learning_rate: float = 8e-5
    oos_intents: int = 10
    oos_levels: tuple[float, ...] = (0.75, 0.70, 0.80, 0.85)  # oracle levels on the test set
    oos_tuning_share: float = 0.1  # of the in-scope training data, held out to tune the threshold
    in_scope_target: float = 0.9  # the tuned threshold keeps this share of the tuning split's accuracy
    shop_steps: int = 200  # `aisle train nlu`'s default
    per_intent: int = 0  # training examples kept per intent; 0: all
    test_per_intent: int = 0
    threads: int = 2
    seed: int = 0
    parts: tuple[str, ...] = PARTS

    @classmethod
    def for_run(cls, quick: bool, steps: int | None, parts: tuple[str, ...] = PARTS) -> "NluBenchConfig":
        config = cls(quick=True, steps=12, bitext_steps=6, batch_size=16, per_intent=8, test_per_intent=3,
                     shop_steps=6) \
            if quick else cls()
        config = replace(config, parts=parts)
        return config if steps is None else replace(config, steps=steps, bitext_steps=min(steps, config.bitext_steps),
                                                    few_shot_steps=min(steps, config.few_shot_steps),
                                                    shop_steps=min(steps, config.shop_steps))


@dataclass
class Fitted:
    embedder: Any
    head: IntentModel
    train_seconds: float
    train_cpu_seconds: float


def fit(method: str, train: Labelled, steps: int, config: NluBenchConfig) -> Fitted:
    """Fine-tune (or not), embed the training set, fit the head; timed from a loaded model."""
    from knowledge.embedders import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder()
    model = embedder.load()
    wall, cpu = time.perf_counter(), time.process_time()
    if method == "contrastive":
        tune = ContrastiveConfig(steps=steps, batch_size=config.batch_size, learning_rate=config.learning_rate,
                                 seed=config.seed)
        finetune_encoder(model, train.texts, train.labels, tune, progress=not config.quick)
    vectors = embedder.embed(train.texts, progress=not config.quick)
    head = IntentModel.train(vectors, train.labels)
    return Fitted(embedder, head, round(time.perf_counter() - wall, 1), round(time.process_time() - cpu, 1))


def scores(fitted: Fitted, test: Labelled) -> tuple[list[str], np.ndarray]:
    probabilities = fitted.head.probabilities(fitted.embedder.embed(test.texts))
    return [fitted.head.classes[i] for i in probabilities.argmax(axis=1)], probabilities.max(axis=1)


def classification(splits: Splits, steps: int, config: NluBenchConfig) -> dict[str, dict]:
    from sklearn.metrics import f1_score

    results = {}
    for method in METHODS:
        fitted = fit(method, splits.train, steps if method == "contrastive" else 0, config)
        predicted, _ = scores(fitted, splits.test)
        results[method] = {
            "accuracy": round(float(np.mean(np.array(predicted) == np.array(splits.test.labels))), 4),
            "macro_f1": round(float(f1_score(splits.test.labels, predicted, average="macro")), 4),
            "train_seconds": fitted.train_seconds, "train_cpu_seconds": fitted.train_cpu_seconds,
            "steps": steps if method == "contrastive" else 0}
    return results


def out_of_scope(splits: Splits, config: NluBenchConfig) -> dict[str, Any]:
    count = max(1, min(config.oos_intents, len(set(splits.train.labels)) // 4))
    in_scope, oos, held = hold_out_intents(splits, count, config.seed)
    fitting, tuning = _tuning_split(in_scope.train, config)
    result: dict[str, Any] = {
        "protocol": (f"{count} banking77 intents (seed {config.seed}) held out of training; their test "
                     f"utterances are out-of-scope. The threshold is tuned on {config.oos_tuning_share:.0%} of the "
                     f"in-scope training data (the model is fitted on the rest): the highest that keeps "
                     f"{config.in_scope_target:.0%} of the in-scope accuracy there. At it: in_scope_accuracy "
                     f"(accepted and right, over all in-scope test utterances) and oos_recall (out-of-scope test "
                     f"utterances under it). at_level: the oracle threshold keeping in-scope test accuracy at "
                     f"each level."),
        "held_out_intents": held, "in_scope_test": len(in_scope.test), "oos_test": len(oos),
        "in_scope_target": config.in_scope_target}
    for method in METHODS:
        fitted = fit(method, fitting, config.steps if method == "contrastive" else 0, config)
        result[method] = _oos_figures(fitted, tuning, in_scope.test, oos, config)
    return result


def _tuning_split(train: Labelled, config: NluBenchConfig) -> tuple[Labelled, Labelled]:
    from training.nlu import stratified_split

    fitting, tuning = stratified_split(train.labels, config.oos_tuning_share, config.seed)
    return train.take(fitting), train.take(tuning)


def _oos_figures(fitted: Fitted, tuning: Labelled, test: Labelled, oos: Labelled, config: NluBenchConfig) -> dict:
    from sklearn.metrics import roc_auc_score

    from training.nlu import absolute_target

    tuned_on, conf_tune = scores(fitted, tuning)
    choice = tune_threshold(conf_tune, tuned_on, tuning.labels,
                            target=absolute_target(tuned_on, tuning.labels, config.in_scope_target))
    predicted, conf_in = scores(fitted, test)
    _, conf_oos = scores(fitted, oos)
    correct = np.array(predicted) == np.array(test.labels)

    def at(threshold: float) -> dict[str, float]:
        return {"threshold": round(threshold, 4), "oos_recall": round(float(np.mean(conf_oos < threshold)), 4),
                "in_scope_accuracy": round(float(np.mean(correct & (conf_in >= threshold))), 4)}

    by_level = {f"{level:.2f}": at(threshold_at_accuracy(conf_in, correct, level)) for level in config.oos_levels}
    auroc = roc_auc_score([1] * len(conf_in) + [0] * len(conf_oos), np.concatenate([conf_in, conf_oos]))
    return {**at(choice.threshold), "target_met": choice.target_met, "auroc": round(float(auroc), 4),
            "in_scope_accuracy_without_threshold": round(float(correct.mean()), 4), "at_level": by_level}


def run(data_dir: Path, config: NluBenchConfig, checkpoint: Callable[[dict], None] = lambda report: None
        ) -> dict[str, Any]:
    """Every figure of the benchmark; `checkpoint` sees the report after each part (a long run keeps them)."""
    started, load_start = time.perf_counter(), os.getloadavg()
    report: dict[str, Any] = {}
    if "shop" in config.parts:
        report["shop"] = shop_part(config.shop_steps, config.quick)
        checkpoint(report)
    if set(config.parts) - {"shop"}:
        _shared_parts(data_dir, config, report, checkpoint)
    report["machine"] = machine(config.threads, load_start)
    report["quick"] = config.quick
    report["config"] = asdict(config)
    report["seconds"] = round(time.perf_counter() - started, 1)
    return report


def _shared_parts(data_dir: Path, config: NluBenchConfig, report: dict[str, Any],
                  checkpoint: Callable[[dict], None]) -> None:
    """The parts on the shared public data: banking77, bitext, banking77 with intents held out."""
    banking = load_banking77(data_dir / "banking77") if {"banking77", "oos", "banking77_8shot"} & set(config.parts) \
        else None
    bitext = load_bitext(data_dir / "bitext_customer_service") if "bitext" in config.parts else None
    if config.per_intent:
        banking, bitext = (s and Splits(s.train.sample(config.per_intent, config.seed),
                                        s.test.sample(config.test_per_intent, config.seed)) for s in (banking, bitext))
    few_shot = banking and Splits(banking.train.sample(FEW_SHOT, config.seed), banking.test)
    for name, splits, steps in (("banking77", banking, config.steps), ("bitext", bitext, config.bitext_steps),
                                ("banking77_8shot", few_shot, config.few_shot_steps)):
        if name not in config.parts:
            continue
        methods = classification(splits, steps, config)
        report[name] = {**methods["contrastive"], "model": LABELS["contrastive"], "baseline": methods["frozen"],
                        "train_size": len(splits.train), "test_size": len(splits.test),
                        "intents": len(set(splits.train.labels)), "published": PUBLISHED.get(name, {})}
        checkpoint(report)
    if "oos" in config.parts:
        report["oos"] = out_of_scope(banking, config)


def machine(threads: int, load_start: tuple[float, float, float]) -> dict[str, Any]:
    """The CPU, the torch threads, and the load average (other work on the machine) at start and end."""
    import torch

    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    return {"cpu_count": os.cpu_count(), "cpu_model": model, "gpu": None, "torch_threads": threads,
            "torch": torch.__version__, "python": platform.python_version(),
            "load_average_start": [round(x, 2) for x in load_start],
            "load_average_end": [round(x, 2) for x in os.getloadavg()]}


def table(report: dict[str, Any]) -> str:
    lines = [f"{'data':<15} {'model':<28} {'accuracy':>8} {'macro-F1':>8} {'train s':>8} {'CPU s':>8}"]
    for name in ("banking77", "bitext", "banking77_8shot"):
        if name not in report:
            continue
        part = report[name]
        for label, row in ((LABELS["frozen"], part["baseline"]), (part["model"], part)):
            lines.append(f"{name:<15} {label:<28} {row['accuracy']:8.4f} {row['macro_f1']:8.4f} "
                         f"{row['train_seconds']:8.1f} {row['train_cpu_seconds']:8.1f}")
        for label, value in part["published"].items():
            lines.append(f"{name:<15} {'published ' + label:<28} {value:8.4f}")
    if "oos" in report:
        oos = report["oos"]
        lines.append(f"out-of-scope ({len(oos['held_out_intents'])} banking77 intents held out), at the threshold "
                     f"tuned on a training split for {oos['in_scope_target']:.0%} of its in-scope accuracy:")
        for method in METHODS:
            row = oos[method]
            lines.append(f"  {LABELS[method]:<28} threshold {row['threshold']:.3f}  in-scope acc "
                         f"{row['in_scope_accuracy']:.4f}  OOS recall {row['oos_recall']:.4f}  AUROC {row['auroc']:.4f}")
    if "shop" in report:
        lines += shop_table(report["shop"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Intent classification benchmark (banking77, bitext).")
    parser.add_argument("--quick", action="store_true", help="a sample and a few steps, under 2 minutes")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder holding banking77/ and "
                                                                         "bitext_customer_service/")
    parser.add_argument("--out", type=Path, required=True, help="JSON file to write")
    parser.add_argument("--steps", type=int, help="override the fine-tuning steps")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated subset of {', '.join(PARTS)}")
    args = parser.parse_args(argv)
    parts = tuple(part.strip() for part in args.parts.split(",") if part.strip())
    if not parts or set(parts) - set(PARTS):
        parser.error(f"--parts takes a comma-separated subset of {', '.join(PARTS)}, got {args.parts!r}")
    missing = [name for name, ok in present(args.data).items() if not ok]
    if any(SHARED.get(part) in missing for part in parts):
        print(f"bench.nlu: no {' or '.join(missing)} data under {args.data}; nothing to measure "
              f"(`--parts shop` needs none)")
        return 0
    config = NluBenchConfig.for_run(args.quick, args.steps, parts)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # idle threads yield when other work shares the cores
    import torch

    torch.set_num_threads(config.threads)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    partial = args.out.with_name(args.out.name + ".partial")
    report = run(args.data, config, lambda part: partial.write_text(json.dumps(part, indent=2), encoding="utf-8"))
    print(table(report))
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    partial.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
