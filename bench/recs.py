"""Sequential recommendation benchmark: popularity, item-to-item, SASRec and the served path.

    python -m bench.recs [--quick] [--data FILE] --out results/recs.json

`--data` is any file of `user item item ...` lines in time order (the S3-Rec layout; Amazon Beauty
by default, a folder holding `Beauty.txt` works too); a `<name>_item2attributes.json` beside it
gives the items' attributes (brand and category ids), used as side information by the model and as
the catalog's content by the served path.

Protocol (``../shared/data/README.md``): leave-one-out; the last item of each user is the test
target, the one before it the validation target (early stopping and model choice); every item is
ranked, the user's own earlier items masked; HR@10 and NDCG@10; a score that is not a number never
counts as a hit. Popularity and item-to-item are fitted on everything before the test item; the
sequential model trains as `aisle train recs` does (`training.recs`): on everything before the
validation item (full softmax over all items, cross-entropy; `--compare-bce` adds SASRec's original
sampled objective in the same budget), stopped early on the validation items, the served blend's
weights fitted on them, then refitted for a few epochs with the validation items as targets too.
The test items are never trained or fitted on. `sequential` is the early-stopped model (trained
as the published models are: validation items only choose), `sequential_refit` the refitted one.
`served` is the recommendation path itself (`bench/recs_served.py`): each user's history stored as
events in SQLite, and `Recommender.recommend` asked for the top 10 "for you": the blend of
sequential, co-occurrence, content, taste and popularity, the business rules and the
diversification, as the `recommend` skill serves them with the shop's default settings and the
shipped checkpoint; its latency is that of those requests. `served_relevance_only` is the same path
with `recommend.diversity: 0`; the `served_early_stopped` rows use the early-stopped model (with
the same fitted blend), the published protocol exactly.
``--quick`` samples 3,000 users, trains for at most 25 seconds and asks the served path for 1,000.

torch's worker threads spin while they wait for each other; on a machine shared with other work
that spinning eats the cores it waits for, so this benchmark asks them to sleep instead
(``OMP_WAIT_POLICY=PASSIVE``, set before torch loads; an explicit setting wins).
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import copy
import json
import platform
import random
import sys
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from bench.recs_served import evaluate_served
from knowledge.errors import AisleError
from skills.recommend.cooccurrence import CoOccurrence
from skills.recommend.popularity import decayed_popularity
from skills.recommend.sasrec import save_checkpoint
from skills.recommend.service import RecommendSettings
from training.recs import TrainRecsConfig, choose_precision, read_data_file, train
from training.recs_data import Sequences, leave_one_out
from training.recs_eval import Scorer, rank_all

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "amazon_beauty" / "Beauty.txt"
S3REC = "Zhou et al., S3-Rec, CIKM 2020, table 3"
BSAREC = "Shin et al., BSARec, AAAI 2024"
ESASREC = "eSASRec, arXiv 2508.06450: SASRec with sampled softmax, tuned"
PUBLISHED = {  # full ranking, leave-one-out, on the S3-Rec files of the same name
    "beauty": {"popularity": (0.0152, 0.0068, S3REC), "gru4rec": (0.0283, 0.0137, S3REC),
               "bert4rec": (0.0347, 0.0170, S3REC), "sasrec": (0.0605, 0.0318, S3REC),
               "s3rec": (0.0647, 0.0327, S3REC), "sasrec_tuned": (0.0921, 0.0531, ESASREC),
               "bsarec": (0.1008, 0.0611, BSAREC)},
    "sports": {"sasrec_tuned": (0.0569, 0.0314, ESASREC)},
    "toys": {"sasrec_tuned": (0.0970, 0.0580, ESASREC)},
}


DIVERSITY = 0.3  # `recommend.diversity`'s default in agent/defaults/aisle.yml


@dataclass(frozen=True)
class RecsBenchConfig:
    quick: bool = False
    sample_users: int = 0  # 0: every user
    served_users: int = 0  # users asked through the served path (all of them feed its models); 0: every one
    train_seconds: float = 1080.0  # wall-clock budget of each sequential model
    compare_bce: bool = False  # also train with SASRec's sampled objective, in the same budget
    bce_eval_every: int = 5  # the sampled objective runs many cheap epochs: validate every few
    precision: str = "auto"
    blend_cases: int = 3000  # validation items the blend's weights are fitted on (as `aisle train recs`)
    seed: int = 0

    @classmethod
    def for_run(cls, quick: bool) -> RecsBenchConfig:
        return cls(quick=True, sample_users=3000, served_users=1000, train_seconds=25.0, blend_cases=500) \
            if quick else cls()


S3REC_FILES = {"beauty": "amazon_beauty", "sports_and_outdoors": "amazon_sports", "toys_and_games": "amazon_toys"}


def dataset_name(path: Path) -> str:
    """`amazon_beauty` for S3-Rec's `Beauty.txt` (and Sports, Toys); otherwise the file's name without suffix."""
    stem = path.stem.lower()
    return S3REC_FILES.get(stem) or (path.parent.name if stem in path.parent.name.lower() else stem)


def run(path: Path, config: RecsBenchConfig, log=print) -> dict[str, Any]:
    data = read_data_file(path)
    if config.sample_users and config.sample_users < len(data.users):
        data = _sample(data, config.sample_users, config.seed)
    split = leave_one_out(data.seqs)
    if not split.test_target:
        raise AisleError(f"{path}: no user has 3 or more items, so nothing can be held out to test")
    results = {"popularity": _evaluate(_popularity_scorer(data), data),
               "item_item": _evaluate(_item_item_scorer(data), data)}
    threads = os.cpu_count() or 1
    runs = (("sequential", "ce", 1),) + ((("sequential_bce", "bce", config.bce_eval_every),) if config.compare_bce else ())
    trained = {}
    for name, loss, every in runs:
        train_config = TrainRecsConfig(loss=loss, max_seconds=config.train_seconds, threads=threads,
                                       eval_every=every, seed=config.seed, precision=config.precision,
                                       blend_cases=config.blend_cases)
        log(f"training {name} ({loss}, {choose_precision(config.precision)}) for at most "
            f"{config.train_seconds:.0f} s on {threads} threads")
        trained[name] = train(train_config, data, progress=False, log=lambda line: log("  " + line))
        results |= _trained_rows(name, trained[name].metrics)
    shipped = trained["sequential"]
    rows = [("served", DIVERSITY, shipped.model.state_dict()), ("served_relevance_only", 0.0, shipped.model.state_dict())]
    if shipped.early_stopped is not None:
        rows += [("served_early_stopped", DIVERSITY, shipped.early_stopped),
                 ("served_early_stopped_relevance_only", 0.0, shipped.early_stopped)]
    for row, diversity, weights in rows:
        log(f"asking the served recommender ({row}, diversity {diversity}) for every evaluated user's top 10")
        served = _served(data, split, shipped, weights, diversity, config)
        results[row] = {**served["metrics"], "users": served["users"], "diversity": diversity,
                        "latency_ms": served["latency_ms"]}
    latency = results["served"]["latency_ms"]
    name = dataset_name(path)
    return {
        name: results, "dataset": name, "data_file": str(path),
        "train_seconds": results["sequential"]["train_seconds"],
        "train_cpu_seconds": results["sequential"]["cpu_seconds"], "latency_ms": latency,
        "published": _published(path),
        "blend": shipped.blend.to_dict() if shipped.blend is not None else None,
        "data": {"users": len(data.users), "items": data.n_items, "interactions": data.interactions,
                 "evaluated_users": len(split.test_target), "attributes": bool(data.attributes)},
        "config": asdict(config), "machine": machine(), "quick": config.quick,
    }


def _published(path: Path) -> dict[str, dict[str, Any]]:
    """Published figures for this file's data set (S3-Rec's Beauty, Sports, Toys), else none."""
    table = PUBLISHED.get(path.stem.lower().removesuffix("_and_outdoors").removesuffix("_and_games"), {})
    return {name: {"hr10": hr, "ndcg10": ndcg, "source": source} for name, (hr, ndcg, source) in table.items()}


def _trained_rows(name: str, metrics: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The early-stopped model's test figures under `name`, and the refitted one's under `name_refit`."""
    common = {"valid_hr10": metrics["valid"]["hr10"], "valid_ndcg10": metrics["valid"]["ndcg10"],
              "epochs": metrics["epochs"], "train_seconds": metrics["train_seconds"],
              "cpu_seconds": metrics["cpu_seconds"], "precision": metrics["precision"],
              "attributes": metrics["attributes"]}
    if "test_early_stopped" not in metrics:
        return {name: {**metrics["test"], **common}}
    return {name: {**metrics["test_early_stopped"], **common},
            f"{name}_refit": {**metrics["test"], "refit_epochs": metrics["refit_epochs"]}}


def _served(data: Sequences, split, trained, weights: dict, diversity: float,
            config: RecsBenchConfig) -> dict[str, Any]:
    """The served path with the shop's default settings (`recommend.diversity` as given), the model's
    `weights` and the blend fitted in training."""
    with tempfile.TemporaryDirectory(prefix="aisle-recs-bench-") as folder:
        model_path = Path(folder) / "sasrec.pt"
        model = copy.deepcopy(trained.model)
        model.load_state_dict(weights)
        blend = trained.blend.to_dict() if trained.blend is not None else None
        save_checkpoint(model_path, model, data.item_ids, trained.metrics, {}, blend)
        settings = RecommendSettings(relevance_share=1.0 - diversity)
        cases = len(split.test_target)
        users = None if not config.served_users or config.served_users >= cases else \
            sorted(random.Random(config.seed).sample(range(cases), config.served_users))
        return evaluate_served(data, split.test_history, split.test_target, model_path, settings, users=users)


def _sample(data: Sequences, users: int, seed: int) -> Sequences:
    picked = sorted(random.Random(seed).sample(range(len(data.users)), users))
    return replace(data, users=[data.users[i] for i in picked], seqs=[data.seqs[i] for i in picked])


def _popularity_scorer(data: Sequences) -> Scorer:
    """Counts over every item before each user's test item; no decay (the data has no timestamps)."""
    split = leave_one_out(data.seqs)
    rows = [item - 1 for seq in split.test_history for item in seq]
    counts = decayed_popularity(rows, np.ones(len(rows)), np.zeros(len(rows)), data.n_items, 0)
    scores = np.concatenate([[0.0], counts]).astype(np.float32)
    return lambda chunk: torch.from_numpy(np.tile(scores, (len(chunk), 1)))


def _item_item_scorer(data: Sequences) -> Scorer:
    """Co-occurrence fitted on every item before each user's test item."""
    split = leave_one_out(data.seqs)
    model = CoOccurrence.fit([[item - 1 for item in seq] for seq in split.test_history], data.n_items)

    def scorer(chunk):
        scores = model.scores([[item - 1 for item in seq] for seq in chunk])
        return torch.from_numpy(np.hstack([np.zeros((len(chunk), 1), dtype=np.float32), scores]))

    return scorer


def _evaluate(scorer: Scorer, data: Sequences) -> dict[str, float]:
    split = leave_one_out(data.seqs)
    return rank_all(scorer, split.test_history, split.test_target, data.n_items)


def machine() -> dict[str, Any]:
    """CPU count and model, torch threads, GPU (None: the benchmark is CPU-only), Python."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() \
        else platform.processor()
    return {"cpu_count": os.cpu_count(), "cpu_model": model, "torch_threads": torch.get_num_threads(), "gpu": None,
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"), "python": platform.python_version(),
            "torch": torch.__version__}


def _table(result: dict[str, Any]) -> str:
    rows = [f"{result['dataset']}: {result['data']['users']} users, {result['data']['items']} items",
            f"{'model':<36}{'HR@10':>8}{'NDCG@10':>9}"]
    for name, metrics in result[result["dataset"]].items():
        rows.append(f"{name:<36}{metrics['hr10']:>8.4f}{metrics['ndcg10']:>9.4f}")
    for name, metrics in result["published"].items():
        rows.append(f"{'published ' + name:<36}{metrics['hr10']:>8.4f}{metrics['ndcg10']:>9.4f}  ({metrics['source']})")
    if not result["published"]:
        rows.append("no published figures for this file: compare the rows above with each other")
    elif result["quick"]:
        rows.append("--quick: a sample of users and a short training, not comparable with the published figures")
    latency = result["latency_ms"]
    rows.append(f"sequential training {result['train_seconds']:.0f} s wall, {result['train_cpu_seconds']:.0f} s CPU; "
                f"one served request p50 {latency['p50']} ms, p99 {latency['p99']} ms")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.recs", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3,000 users, 25 s of training")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="a file of `user item item ...` lines, oldest first (default: Amazon Beauty); "
                             "a folder means its Beauty.txt")
    parser.add_argument("--out", type=Path, required=True, help="JSON file to write")
    parser.add_argument("--train-seconds", type=float, help="training budget of the sequential model "
                                                             "(default 1080, quick 25)")
    parser.add_argument("--compare-bce", action="store_true", help="also train with sampled negatives (BCE)")
    parser.add_argument("--precision", choices=("auto", "fp32", "bf16"), default="auto",
                        help="auto: bfloat16 only on CPUs with native bfloat16 (AVX-512 BF16 or AMX)")
    args = parser.parse_args(argv)
    path = args.data / "Beauty.txt" if args.data.is_dir() else args.data
    if not path.is_file():
        print(f"bench.recs: {path} not found; nothing to do")
        return 0
    config = replace(RecsBenchConfig.for_run(args.quick), compare_bce=args.compare_bce, precision=args.precision)
    if args.train_seconds:
        config = replace(config, train_seconds=args.train_seconds)
    load_before = os.getloadavg()
    try:
        result = run(path, config, log=lambda line: print(line, flush=True))
    except AisleError as exc:
        print(f"bench.recs: {exc}", file=sys.stderr)
        return 2
    result["load_average"] = {"before": [round(x, 2) for x in load_before],
                              "after": [round(x, 2) for x in os.getloadavg()]}
    print(_table(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
