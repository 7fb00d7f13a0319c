"""Train the intent model from Rasa NLU YAML: `aisle train nlu` or `python -m training.nlu`.

Reads top to bottom: the config; the examples and a stratified held-out split; contrastive
fine-tuning of the sentence encoder (SetFit-style, `training/contrastive.py`); the softmax head on
its embeddings; the out-of-scope threshold tuned on the held-out split; then the model directory,
which carries its config and metrics::

    var/models/nlu/
        model.json      format, encoder folder, tuned threshold, intents
        head.npz        the head's weights (plain arrays, never pickled)
        encoder/        the fine-tuned sentence-transformers model (absent when steps = 0)
        config.json     this script's config
        metrics.json    held-out accuracy, macro-F1, threshold, timings, loss curve

Set `nlu.model` in aisle.yml to that folder and the agent uses it.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from agent.errors import ConfigError
from agent.nlu.intent_model import BUNDLE_FILE, BUNDLE_FORMAT, HEAD_FILE, IntentModel
from agent.nlu.nlu_data import NluData, read_nlu_yaml
from training.contrastive import ContrastiveConfig, finetune_encoder
from training.reports import intent_report, write_json
from training.threshold import OUT_OF_SCOPE, decide, tune_threshold

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NluTrainConfig:
    data: str = "data/nlu.yml"
    out: str = "var/models/nlu"
    base_model: str = ""  # sentence-transformers folder; empty: the bundled all-MiniLM-L6-v2
    steps: int = 200  # contrastive fine-tuning steps; 0 keeps the encoder frozen
    batch_size: int = 32
    learning_rate: float = 5e-5
    train_layers: int = 0  # top transformer layers to fine-tune; 0: all
    max_seq_length: int = 64
    head_c: float = 10.0  # inverse regularisation of the logistic-regression head
    holdout: float = 0.2  # share of each intent held out to tune the threshold and measure
    oos_intent: str = OUT_OF_SCOPE
    default_threshold: float = 0.35  # kept when the data has no out-of-scope examples
    refit_on_all: bool = True  # after tuning, train the head once more on every example
    seed: int = 0

    def __post_init__(self) -> None:
        if not 0 < self.holdout < 1:
            raise ConfigError(f"holdout = {self.holdout!r} is not valid: expected a share between 0 and 1")
        if self.steps < 0:
            raise ConfigError(f"steps = {self.steps!r} is not valid: expected 0 or more")

    def contrastive(self) -> ContrastiveConfig:
        return ContrastiveConfig(steps=self.steps, batch_size=self.batch_size, learning_rate=self.learning_rate,
                                 max_seq_length=self.max_seq_length, train_layers=self.train_layers, seed=self.seed)


def stratified_split(labels: list[str], holdout: float, seed: int = 0) -> tuple[list[int], list[int]]:
    """Train and held-out indices; each intent with two or more examples gives at least one to held-out."""
    rng = np.random.default_rng(seed)
    train, held = [], []
    for label in sorted(set(labels)):
        members = [i for i, x in enumerate(labels) if x == label]
        rng.shuffle(members)
        n_held = 0 if len(members) < 2 else max(1, round(len(members) * holdout))
        held += members[:n_held]
        train += members[n_held:]
    return sorted(train), sorted(held)


def check_data(data: NluData, path: str) -> None:
    """Stop early, naming the problem, when the examples cannot train a classifier."""
    counts: dict[str, int] = {}
    for example in data.examples:
        counts[example.intent] = counts.get(example.intent, 0) + 1
    if len(counts) < 2:
        raise ConfigError(f"{path}: an intent model needs at least two intents, found {sorted(counts)}")
    thin = sorted(intent for intent, n in counts.items() if n < 2)
    if thin:
        raise ConfigError(f"{path}: intent(s) {', '.join(thin)} have a single example; give each intent "
                          f"at least two (ten or more works well)")


def train(config: NluTrainConfig, progress: bool = True) -> dict:
    """Train, tune, measure and save; returns the metrics written to metrics.json."""
    from knowledge.embedders import SentenceTransformerEmbedder

    started = time.perf_counter()
    data = read_nlu_yaml(config.data)
    check_data(data, config.data)
    texts, labels = [e.text for e in data.examples], [e.intent for e in data.examples]
    train_idx, held_idx = stratified_split(labels, config.holdout, config.seed)

    # 1. the encoder, fine-tuned on the training split only
    embedder = SentenceTransformerEmbedder(config.base_model or None)
    encoder = embedder.load()
    losses = finetune_encoder(encoder, [texts[i] for i in train_idx], [labels[i] for i in train_idx],
                              config.contrastive(), progress=progress)

    # 2. the head on the encoder's embeddings
    vectors = embedder.embed(texts, progress=progress)
    head = IntentModel.train(vectors[train_idx], [labels[i] for i in train_idx], c=config.head_c)

    # 3. the threshold, tuned and measured on the held-out split
    scores = head.predict(vectors[held_idx])
    truth = [labels[i] for i in held_idx]
    confidences, predicted = [s.confidence for s in scores], [s.intent for s in scores]
    choice = tune_threshold(confidences, predicted, truth, config.oos_intent, config.default_threshold)
    final = decide(confidences, predicted, choice.threshold, config.oos_intent)

    if config.refit_on_all:
        head = IntentModel.train(vectors, labels, c=config.head_c)
    metrics = {
        "examples": {"train": len(train_idx), "held_out": len(held_idx), "intents": len(set(labels))},
        "held_out": {"accuracy_without_threshold": intent_report(truth, predicted)["accuracy"],
                     "report": intent_report(truth, final)},
        "threshold": choice.to_dict(),
        "steps": config.steps, "final_loss": float(np.mean(losses[-20:])) if losses else None,
        "loss_curve": [round(float(np.mean(losses[i:i + 20])), 4) for i in range(0, len(losses), 20)],
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    save_model(Path(config.out), head, encoder if config.steps else None, choice.threshold, config, metrics)
    return metrics


def save_model(out: Path, head: IntentModel, encoder, threshold: float, config: NluTrainConfig,
               metrics: dict) -> Path:
    """Write the model directory that `TrainedIntentModel.load` opens."""
    out.mkdir(parents=True, exist_ok=True)
    if (out / "encoder").exists():
        shutil.rmtree(out / "encoder")
    if encoder is not None:
        encoder.save(str(out / "encoder"), create_model_card=False)
    head.save(out / HEAD_FILE)
    manifest = {"format": BUNDLE_FORMAT, "encoder": "encoder" if encoder is not None else "",
                "threshold": threshold, "intents": list(head.classes), "base_model": config.base_model}
    write_json(out / "config.json", dataclasses.asdict(config))
    write_json(out / "metrics.json", metrics)
    write_json(out / BUNDLE_FILE, manifest)  # last: a directory with a manifest is complete
    return out


def summary(metrics: dict, out: str) -> str:
    held, choice = metrics["held_out"]["report"], metrics["threshold"]
    return "\n".join([
        f"trained on {metrics['examples']['train']} examples of {metrics['examples']['intents']} intents "
        f"in {metrics['train_seconds']:.0f} s ({metrics['steps']} fine-tuning steps)",
        f"held out {metrics['examples']['held_out']}: accuracy {held['accuracy']:.3f}, "
        f"macro-F1 {held['macro_avg']['f1']:.3f}",
        f"out-of-scope threshold {choice['threshold']:.3f}: in-scope accuracy {choice['in_scope_accuracy']:.3f}, "
        f"out-of-scope recall {choice['oos_recall']:.3f} "
        f"({choice['in_scope']} in-scope, {choice['out_of_scope']} out-of-scope held-out examples)",
        f"model written to {out}; use it with `nlu: {{model: {out}}}` in aisle.yml",
    ])


def main(argv: list[str] | None = None) -> int:
    """`python -m training.nlu --steps 300 --out var/models/nlu`: every config field is an option."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for field in dataclasses.fields(NluTrainConfig):
        kind = _boolean if isinstance(field.default, bool) else type(field.default)
        parser.add_argument(f"--{field.name.replace('_', '-')}", dest=field.name, default=field.default, type=kind)
    config = NluTrainConfig(**vars(parser.parse_args(argv)))
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        metrics = train(config)
    except ConfigError as exc:
        print(f"training.nlu: {exc}", file=sys.stderr)
        return 2
    print(summary(metrics, config.out))
    print(json.dumps(metrics["threshold"]))
    return 0


def _boolean(text: str) -> bool:
    return text.lower() in ("1", "true", "yes", "on")


if __name__ == "__main__":
    sys.exit(main())
