"""Sequential recommendation benchmark: popularity, item-to-item and SASRec on Amazon Beauty.

    python -m bench.recs [--quick] [--data DIR] --out results/recs.json

Protocol (``../shared/data/README.md``): leave-one-out; the last item of each user is the test
target, the one before it the validation target (early stopping and model choice); every item is
ranked, the user's own earlier items masked; HR@10 and NDCG@10. Popularity and item-to-item are
fitted on everything before the test item; the sequential model trains on everything before the
validation item, once with the full softmax over all items (cross-entropy) and once with SASRec's
original sampled objective (one random negative, binary cross-entropy), each within the same
wall-clock budget. The latency is one whole recommendation request through the serving path
(`skills.recommend.Recommender`: the shopper's events from SQLite, the profile, the trained model,
co-occurrence, blending, diversity and explanations), measured warm.
``--quick`` samples 3,000 users and trains each model for at most 25 seconds.

torch's worker threads spin while they wait for each other; on a machine shared with other work
that spinning eats the cores it waits for, so this benchmark asks them to sleep instead
(``OMP_WAIT_POLICY=PASSIVE``, set before torch loads; an explicit setting wins).
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import json
import platform
import random
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from knowledge.product import Product
from skills.recommend.cooccurrence import CoOccurrence
from skills.recommend.events import Event, EventStore
from skills.recommend.items import ItemTable
from skills.recommend.popularity import decayed_popularity
from skills.recommend.blend import Weights
from skills.recommend.sasrec import SASRec, save_checkpoint
from skills.recommend.service import Recommender, RecommendSettings
from training.recs import TrainRecsConfig, train
from training.recs_data import Sequences, leave_one_out, pad_left, read_sequence_file
from training.recs_eval import Scorer, rank_all

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "amazon_beauty"
FILE = "Beauty.txt"
PUBLISHED = {"popularity": (0.0152, 0.0068), "gru4rec": (0.0283, 0.0137), "bert4rec": (0.0347, 0.0170),
             "sasrec": (0.0605, 0.0318), "s3rec": (0.0647, 0.0327)}


@dataclass(frozen=True)
class RecsBenchConfig:
    quick: bool = False
    sample_users: int = 0  # 0: every user
    train_seconds: float = 1080.0  # wall-clock budget of each sequential model
    bce_eval_every: int = 5  # the sampled objective runs many cheap epochs: validate every few
    latency_requests: int = 1000
    seed: int = 0

    @classmethod
    def for_run(cls, quick: bool) -> RecsBenchConfig:
        return cls(quick=True, sample_users=3000, train_seconds=25.0, latency_requests=300) if quick else cls()


def run(data_dir: Path, config: RecsBenchConfig, log=print) -> dict[str, Any]:
    data = read_sequence_file(data_dir / FILE)
    if config.sample_users and config.sample_users < len(data.users):
        data = _sample(data, config.sample_users, config.seed)
    split = leave_one_out(data.seqs)
    baselines = {"popularity": _popularity_scorer(data), "co_occurrence": _item_item_scorer(data)}
    results = {"popularity": _evaluate(baselines["popularity"], data),
               "item_item": _evaluate(baselines["co_occurrence"], data)}
    threads = os.cpu_count() or 1
    trained = {}
    for name, loss, every in (("sequential", "ce", 1), ("sequential_bce", "bce", config.bce_eval_every)):
        train_config = TrainRecsConfig(loss=loss, max_seconds=config.train_seconds, threads=threads,
                                       eval_every=every, seed=config.seed)
        log(f"training {name} ({loss}) for at most {config.train_seconds:.0f} s on {threads} threads")
        trained[name] = train(train_config, data, progress=False, log=lambda line: log("  " + line))
        metrics = trained[name].metrics
        results[name] = {**metrics["test"], "valid_hr10": metrics["valid"]["hr10"],
                         "valid_ndcg10": metrics["valid"]["ndcg10"], "epochs": metrics["epochs"],
                         "train_seconds": metrics["train_seconds"], "cpu_seconds": metrics["cpu_seconds"]}
    served = {"sequential": _sequential_scorer(trained["sequential"].model), **baselines}
    results["blend"] = _evaluate(_blend_scorer(served), data)
    latency = _request_latency(data, split.test_history, trained["sequential"], config)
    return {
        "amazon_beauty": results, "train_seconds": results["sequential"]["train_seconds"],
        "train_cpu_seconds": results["sequential"]["cpu_seconds"], "latency_ms": latency,
        "published": {name: {"hr10": hr, "ndcg10": ndcg} for name, (hr, ndcg) in PUBLISHED.items()},
        "data": {"users": len(data.users), "items": data.n_items, "interactions": data.interactions,
                 "evaluated_users": len(split.test_target)},
        "config": asdict(config), "machine": machine(), "quick": config.quick,
    }


def _sample(data: Sequences, users: int, seed: int) -> Sequences:
    picked = sorted(random.Random(seed).sample(range(len(data.users)), users))
    return Sequences([data.users[i] for i in picked], [data.seqs[i] for i in picked], data.item_ids)


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


def _sequential_scorer(model: SASRec) -> Scorer:
    return lambda chunk: model.score_next(pad_left(chunk, min(model.config.max_len, max(map(len, chunk)))))


def _blend_scorer(parts: dict[str, Scorer], weights: Weights = Weights()) -> Scorer:
    """The served blend: each signal scaled to [0, 1] per shopper (the model's as probabilities), weighted."""
    def scorer(chunk):
        total = 0
        for name, part in parts.items():
            scores = part(chunk).float()[:, 1:]
            if name == "sequential":
                scores = torch.softmax(scores, dim=1)
            top = scores.max(dim=1, keepdim=True).values.clamp_min(1e-12)
            total = total + weights.of(name) * scores.clamp_min(0) / top
        return torch.hstack([torch.zeros(len(chunk), 1), total])

    return scorer


def _evaluate(scorer: Scorer, data: Sequences) -> dict[str, float]:
    split = leave_one_out(data.seqs)
    return rank_all(scorer, split.test_history, split.test_target, data.n_items)


def _request_latency(data: Sequences, histories: list[list[int]], trained, config: RecsBenchConfig
                     ) -> dict[str, float]:
    """p50/p99 of `Recommender.recommend` for random users whose histories are stored as events."""
    items = ItemTable(tuple(Product(id=item, title=f"item {item}", category="beauty", stock=1)
                            for item in data.item_ids))
    with tempfile.TemporaryDirectory(prefix="aisle-recs-bench-") as folder:
        model_path = Path(folder) / "sasrec.pt"
        save_checkpoint(model_path, trained.model, data.item_ids, trained.metrics, {})
        store = EventStore.open(Path(folder) / "events.db")
        users = random.Random(config.seed).sample(range(len(histories)), min(len(histories), 2000))
        store.add(Event(id=f"{u}-{n}", user=f"u{u}", type="view", item=data.item_ids[item - 1], ts=1e9 + n)
                  for u in users for n, item in enumerate(histories[u]))
        settings = RecommendSettings(model_path=model_path, per_type=50, refresh_seconds=1e9)
        recommender = Recommender(lambda: items, store, settings)
        recommender.refresh()
        order = [users[i % len(users)] for i in range(config.latency_requests + 50)]
        times = []
        for n, user in enumerate(order):
            started = time.perf_counter()
            recommender.recommend(f"u{user}")
            if n >= 50:  # the first ones warm up
                times.append((time.perf_counter() - started) * 1000)
        store.close()
    return {"p50": round(float(np.percentile(times, 50)), 2), "p99": round(float(np.percentile(times, 99)), 2),
            "n": len(times)}


def machine() -> dict[str, Any]:
    """CPU count and model, torch threads, GPU (None: the benchmark is CPU-only), Python."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() \
        else platform.processor()
    return {"cpu_count": os.cpu_count(), "cpu_model": model, "torch_threads": torch.get_num_threads(), "gpu": None,
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"), "python": platform.python_version(),
            "torch": torch.__version__}


def _table(result: dict[str, Any]) -> str:
    rows = [f"{'model':<22}{'HR@10':>8}{'NDCG@10':>9}"]
    for name, metrics in result["amazon_beauty"].items():
        rows.append(f"{name:<22}{metrics['hr10']:>8.4f}{metrics['ndcg10']:>9.4f}")
    for name, metrics in result["published"].items():
        rows.append(f"{'published ' + name:<22}{metrics['hr10']:>8.4f}{metrics['ndcg10']:>9.4f}")
    latency = result["latency_ms"]
    rows.append(f"sequential training {result['train_seconds']:.0f} s wall, {result['train_cpu_seconds']:.0f} s CPU; "
                f"one request p50 {latency['p50']} ms, p99 {latency['p99']} ms")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.recs", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3,000 users, 25 s of training per model")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"folder holding {FILE}")
    parser.add_argument("--out", type=Path, required=True, help="JSON file to write")
    parser.add_argument("--train-seconds", type=float, help="training budget of each sequential model "
                                                             "(default 1080, quick 25)")
    args = parser.parse_args(argv)
    if not (args.data / FILE).is_file():
        print(f"bench.recs: {args.data / FILE} not found; nothing to do")
        return 0
    config = RecsBenchConfig.for_run(args.quick)
    if args.train_seconds:
        config = replace(config, train_seconds=args.train_seconds)
    load_before = os.getloadavg()
    result = run(args.data, config, log=lambda line: print(line, flush=True))
    result["load_average"] = {"before": [round(x, 2) for x in load_before],
                              "after": [round(x, 2) for x in os.getloadavg()]}
    print(_table(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
