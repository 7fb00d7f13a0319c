"""Train the intent model from Rasa NLU YAML: `aisle train nlu` or `python -m training.nlu`.

Reads top to bottom: the config; the examples and a stratified held-out split; contrastive
fine-tuning of the sentence encoder (SetFit-style, `training/contrastive.py`), with a checkpoint every
`save_every` steps that an interrupted run resumes from; the softmax head on its embeddings; the
out-of-scope threshold tuned on the held-out split for a target in-scope accuracy (`training/threshold.py`);
the head shipped is the one the threshold was tuned for. The same held-out evaluation (intent accuracy,
macro-F1, out-of-scope recall) runs on the base encoder before fine-tuning and on the fine-tuned one
after. Then the model directory, which carries its config and metrics::

    var/models/nlu/
        model.json      format, encoder folder, tuned threshold, intents
        head.npz        the head's weights (plain arrays, never pickled)
        encoder/        the fine-tuned sentence-transformers model (absent when steps = 0)
        config.json     this script's config
        metrics.json    held-out evaluation before and after, threshold, timings, loss curve
        loss.png        the contrastive loss per step
        checkpoints/step-NNNNNN/   the last `keep_checkpoints`, each with its config and metrics

Set `nlu.model` in aisle.yml to that folder and the agent uses it.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from agent.defaults import NLU_DATA, shipped
from agent.errors import ConfigError
from agent.nlu.intent_model import BUNDLE_FILE, BUNDLE_FORMAT, HEAD_FILE, IntentModel
from agent.nlu.nlu_data import NluData, read_nlu_data
from training.config_options import config_args, config_parser
from training.contrastive import ContrastiveConfig, finetune_encoder
from training.llm_setup import loss_png
from training.nlu_checkpoints import EncoderCheckpoints
from training.reports import intent_report, write_json
from training.threshold import OUT_OF_SCOPE, decide, tune_threshold

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NluTrainConfig:
    data: str = str(shipped(NLU_DATA))  # the intent examples shipped with Aisle
    out: str = "var/models/nlu"
    base_model: str = ""  # sentence-transformers folder; empty: the bundled all-MiniLM-L6-v2
    steps: int = 200  # contrastive fine-tuning steps; 0 keeps the encoder frozen
    batch_size: int = 32
    learning_rate: float = 5e-5
    train_layers: int = 0  # top transformer layers to fine-tune; 0: all
    max_seq_length: int = 64
    head_c: float = 10.0  # inverse regularisation of the logistic-regression head
    balanced: bool = True  # weigh intents by the inverse of their share of the examples
    holdout: float = 0.2  # share of each intent held out to tune the threshold and measure
    # the threshold keeps this share of the held-out in-scope messages the head gets right without one
    # (the target in-scope accuracy, relative to what the head reaches); 0: balance accuracy and recall
    in_scope_target: float = 0.9
    oos_intent: str = OUT_OF_SCOPE
    default_threshold: float = 0.35  # kept when neither a target nor out-of-scope examples can choose one
    save_every: int = 50  # steps between checkpoints
    keep_checkpoints: int = 1
    seed: int = 0

    def __post_init__(self) -> None:
        if not 0 < self.holdout < 1:
            raise ConfigError(f"holdout = {self.holdout!r} is not valid: expected a share between 0 and 1")
        if self.steps < 0:
            raise ConfigError(f"steps = {self.steps!r} is not valid: expected 0 or more")
        if not 0 <= self.in_scope_target <= 1:
            raise ConfigError(f"in_scope_target = {self.in_scope_target!r} is not valid: expected a share "
                              f"from 0 to 1 (0: balance in-scope accuracy and out-of-scope recall)")
        if self.save_every < 1:
            raise ConfigError(f"save_every = {self.save_every!r} is not valid: expected 1 or more")

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


def train(config: NluTrainConfig, progress: bool = True, fresh: bool = False,
          on_step: Callable[[int, float], None] | None = None) -> dict:
    """Evaluate the base encoder, fine-tune (resuming from a checkpoint in `config.out` unless `fresh`),
    evaluate again, save; returns the metrics written to metrics.json."""
    from knowledge.embedders import SentenceTransformerEmbedder

    started = time.perf_counter()
    data = read_nlu_data(config.data)
    check_data(data, config.data)
    texts, labels = [e.text for e in data.examples], [e.intent for e in data.examples]
    train_idx, held_idx = stratified_split(labels, config.holdout, config.seed)

    # 1. the base encoder, evaluated as it is (or as the checkpoint being resumed measured it)
    embedder = SentenceTransformerEmbedder(config.base_model or None)
    encoder = embedder.load()
    checkpoints = EncoderCheckpoints(Path(config.out), config.save_every, config.keep_checkpoints, fresh,
                                     {"config": dataclasses.asdict(config), "data_sha256": _digest(config.data)})
    resumed = checkpoints.latest_state() if config.steps else None
    _check_resumable(resumed, checkpoints.state)
    base_vectors = None if resumed else embedder.embed(texts, progress=progress)
    before = resumed["before"] if resumed else _held_out(base_vectors, labels, train_idx, held_idx, config)[0]
    checkpoints.state["before"] = before

    # 2. the encoder, fine-tuned on the training split only
    losses = finetune_encoder(encoder, [texts[i] for i in train_idx], [labels[i] for i in train_idx],
                              config.contrastive(), progress=progress, on_step=on_step,
                              checkpoints=checkpoints if config.steps else None)

    # 3. the head on the training split; the threshold tuned for it and measured on the held-out split.
    # The shipped head is that one, so its threshold was tuned on its own confidences.
    vectors = embedder.embed(texts, progress=progress) if base_vectors is None or config.steps else base_vectors
    after, head = _held_out(vectors, labels, train_idx, held_idx, config)
    metrics = _metrics(config, before, after, losses, len(train_idx), len(held_idx), len(set(labels)), started)
    save_model(Path(config.out), head, encoder if config.steps else None, after["threshold"], config, metrics)
    if losses:
        loss_png(losses, [], Path(config.out) / "loss.png", ylabel="contrastive loss (multiple negatives ranking)")
    return metrics


def _held_out(vectors: np.ndarray, labels: list[str], train_idx: list[int], held_idx: list[int],
              config: NluTrainConfig) -> tuple[dict, IntentModel]:
    """A head trained on the training split, measured on the held-out one with its tuned threshold."""
    head = IntentModel.train(vectors[train_idx], [labels[i] for i in train_idx], c=config.head_c,
                             balanced=config.balanced)
    scores = head.predict(vectors[held_idx])
    truth = [labels[i] for i in held_idx]
    confidences, predicted = [s.confidence for s in scores], [s.intent for s in scores]
    choice = tune_threshold(confidences, predicted, truth, config.oos_intent, config.default_threshold,
                            target=absolute_target(predicted, truth, config.in_scope_target, config.oos_intent))
    report = intent_report(truth, decide(confidences, predicted, choice.threshold, config.oos_intent))
    return {"accuracy": report["accuracy"], "macro_f1": report["macro_avg"]["f1"],
            "oos_recall": choice.oos_recall if choice.out_of_scope else None,
            "in_scope_accuracy": choice.in_scope_accuracy, "threshold": choice.threshold,
            "accuracy_without_threshold": intent_report(truth, predicted)["accuracy"],
            "choice": choice.to_dict(), "report": report}, head


def absolute_target(predicted: list[str], truth: list[str], share: float, oos_intent: str = OUT_OF_SCOPE
                    ) -> float | None:
    """The in-scope accuracy to keep: `share` of the held-out in-scope messages the head gets right; None for 0."""
    in_scope = [p == t for p, t in zip(predicted, truth) if t != oos_intent]
    if not share or not in_scope:
        return None
    return share * sum(in_scope) / len(in_scope)


def _metrics(config: NluTrainConfig, before: dict, after: dict, losses: list[float], n_train: int, n_held: int,
             n_intents: int, started: float) -> dict:
    compact = ("accuracy", "macro_f1", "oos_recall", "in_scope_accuracy", "threshold", "accuracy_without_threshold")
    return {
        "examples": {"train": n_train, "held_out": n_held, "intents": n_intents},
        "before": {k: before[k] for k in compact}, "after": {k: after[k] for k in compact},
        "held_out": {"accuracy_without_threshold": after["accuracy_without_threshold"], "report": after["report"]},
        "threshold": after["choice"],
        "steps": config.steps, "final_loss": float(np.mean(losses[-20:])) if losses else None,
        "loss_curve": [round(float(np.mean(losses[i:i + 20])), 4) for i in range(0, len(losses), 20)],
        "train_seconds": round(time.perf_counter() - started, 1),
    }


def _digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _check_resumable(resumed: dict | None, current: dict) -> None:
    """A checkpoint trained on other data or settings must not be continued as if it were this run's."""
    if not resumed:
        return
    if resumed.get("data_sha256") != current["data_sha256"]:
        raise ConfigError(f"{current['config']['out']}: its checkpoint was trained on other data than "
                          f"{current['config']['data']}; pass --fresh to start over")
    free = {"steps", "save_every", "keep_checkpoints", "out"}
    for key, value in current["config"].items():
        if key not in free and resumed["config"].get(key) != value:
            raise ConfigError(f"{current['config']['out']}: its checkpoint was trained with {key} = "
                              f"{resumed['config'].get(key)!r}, not {value!r}; pass --fresh to start over")


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
    """Before and after, side by side, as `aisle train llm` reports them."""
    before, after, choice = metrics["before"], metrics["after"], metrics["threshold"]
    rows = [f"{'':28}{'before':>10}{'after':>10}"]
    for key in ("accuracy", "macro_f1", "oos_recall", "in_scope_accuracy", "threshold"):
        rows.append(f"{key:28}{_cell(before[key])}{_cell(after[key])}")
    loss = f", final loss {metrics['final_loss']:.3f}" if metrics["final_loss"] is not None else ""
    curve = f" (loss curve: {out}/loss.png)" if metrics["steps"] else ""
    trained = (f"trained on {metrics['examples']['train']} examples of {metrics['examples']['intents']} intents "
               f"in {metrics['train_seconds']:.0f} s ({metrics['steps']} fine-tuning steps{loss})")
    held = (f"held-out: {metrics['examples']['held_out']} examples ({choice['in_scope']} in scope, "
            f"{choice['out_of_scope']} out of scope)")
    rows.append(_target_line(choice))
    return "\n".join([trained, held, *rows,
                      f"model written to {out}{curve}; use it with `nlu: {{model: {out}}}` in aisle.yml"])


def _target_line(choice: dict) -> str:
    if choice.get("target") is None:
        return "threshold: the best mean of in-scope accuracy and out-of-scope recall on the held-out split"
    if not choice.get("target_met"):
        return (f"threshold: target in-scope accuracy {choice['target']:.3f} out of reach; the balanced choice "
                f"was taken")
    return f"threshold: the highest that keeps held-out in-scope accuracy at {choice['target']:.3f} or more"


def _cell(value: float | None) -> str:
    return f"{'n/a':>10}" if value is None else f"{value:>10.3f}"


def main(argv: list[str] | None = None) -> int:
    """`python -m training.nlu --steps 300 --out var/models/nlu`: every config field is an option."""
    args, fresh = config_args(config_parser(NluTrainConfig, __doc__.splitlines()[0]), argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        config = NluTrainConfig(**args)
        metrics = train(config, fresh=fresh)
    except ConfigError as exc:
        print(f"training.nlu: {exc}", file=sys.stderr)
        return 2
    print(summary(metrics, config.out))
    print(json.dumps(metrics["threshold"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
