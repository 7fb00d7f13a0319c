"""The shop's own intent model on a held-out set with out-of-scope messages (CLINC150-style): part "shop".

    python -m bench.nlu --parts shop --out results/nlu_shop.json

The model is what `aisle train nlu` ships, trained on the shipped `agent/defaults/nlu.yml` (frozen MiniLM, and fine-tuned
contrastively): the head on its training split, the threshold tuned on its held-out split for the target
in-scope accuracy. It is measured on `bench/data/shop_intents_heldout.yml`, never trained on: new
phrasings of every intent, and out-of-scope messages of many kinds (weather, jokes, banking, recipes,
travel, health, sport, maths, coding, trivia, smart home...). Examples also in the training file are
left out. Beside it, the embedded default the agent trains at first start (every example, the
configured threshold 0.35), measured the same way.

- in_scope_accuracy: in-scope messages accepted and given the right intent, over all in-scope messages;
- oos_recall: out-of-scope messages answered as out of scope (below the threshold, or the
  out_of_scope intent the data also trains);
- AUROC: the threshold-free view of how well confidence separates in-scope from out-of-scope.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from agent.nlu.intent_model import IntentModel, TrainedIntentModel
from agent.nlu.nlu_data import read_nlu_data, read_nlu_yaml
from training.threshold import OUT_OF_SCOPE, decide

ROOT = Path(__file__).resolve().parents[1]
TRAIN_FILE = ROOT / "agent" / "defaults" / "nlu.yml"
HELDOUT_FILE = ROOT / "bench" / "data" / "shop_intents_heldout.yml"
DEFAULT_THRESHOLD = 0.35  # nlu.threshold's default, used by the model the agent trains at first start


def held_out_set(train_file: Path = TRAIN_FILE, heldout_file: Path = HELDOUT_FILE) -> tuple[list[str], list[str], int]:
    """The held-out texts and intents, minus any the training file also holds; and how many were left out."""
    seen = {e.text.lower() for e in read_nlu_data(train_file).examples}
    examples = read_nlu_yaml(heldout_file).examples
    kept = [e for e in examples if e.text.lower() not in seen]
    return [e.text for e in kept], [e.intent for e in kept], len(examples) - len(kept)


def measure(confidences: np.ndarray, predicted: list[str], truth: list[str], threshold: float) -> dict[str, Any]:
    from sklearn.metrics import roc_auc_score

    final = np.array(decide(confidences, predicted, threshold))
    truth_arr = np.array(truth)
    oos = truth_arr == OUT_OF_SCOPE
    separable = oos.any() and (~oos).any()
    in_scope_score = np.where(np.array(predicted) == OUT_OF_SCOPE, 0.0, confidences)  # its out_of_scope intent counts
    return {"threshold": round(float(threshold), 4),
            "in_scope_accuracy": round(float((final == truth_arr)[~oos].mean()), 4),
            "oos_recall": round(float((final == OUT_OF_SCOPE)[oos].mean()), 4) if oos.any() else None,
            "accuracy": round(float((final == truth_arr).mean()), 4),
            "in_scope_accuracy_without_threshold": round(float((np.array(predicted) == truth_arr)[~oos].mean()), 4),
            "auroc": round(float(roc_auc_score(~oos, in_scope_score)), 4) if separable else None}


def shipped(steps: int, texts: list[str], truth: list[str], train_file: Path, quick: bool) -> dict[str, Any]:
    """`aisle train nlu` with `steps` fine-tuning steps, then its model directory on the held-out set."""
    from training.nlu import NluTrainConfig, train

    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        config = NluTrainConfig(data=str(train_file), out=out, steps=steps, save_every=max(steps, 1))
        metrics = train(config, progress=not quick, fresh=True)
        seconds = round(time.perf_counter() - started, 1)
        model = TrainedIntentModel.load(out)
        scores = model.predict(texts)
    result = measure(np.array([s.confidence for s in scores]), [s.intent for s in scores], truth, model.threshold)
    return {**result, "steps": steps, "train_seconds": seconds, "tuning": metrics["threshold"],
            "tuning_split": metrics["after"]}


def embedded_default(texts: list[str], truth: list[str], train_file: Path) -> dict[str, Any]:
    """The model the agent trains at first start without `nlu.model`: every example, threshold 0.35."""
    from knowledge.embedders import SentenceTransformerEmbedder

    embedder = SentenceTransformerEmbedder()
    data = read_nlu_data(train_file)
    head = IntentModel.train(embedder.embed([e.text for e in data.examples]), [e.intent for e in data.examples])
    probabilities = head.probabilities(embedder.embed(texts))
    predicted = [head.classes[i] for i in probabilities.argmax(axis=1)]
    return measure(probabilities.max(axis=1), predicted, truth, DEFAULT_THRESHOLD)


def shop_part(steps: int, quick: bool, train_file: Path = TRAIN_FILE, heldout_file: Path = HELDOUT_FILE
              ) -> dict[str, Any]:
    from training.nlu import NluTrainConfig

    texts, truth, dropped = held_out_set(train_file, heldout_file)
    oos = sum(t == OUT_OF_SCOPE for t in truth)
    return {
        "protocol": (f"trained on {train_file.name} as `aisle train nlu` does (head on an 80 % split, threshold "
                     f"tuned on the other 20 % for {NluTrainConfig().in_scope_target:.0%} of its in-scope "
                     f"accuracy); measured on "
                     f"{heldout_file.name}, never trained on: {len(truth) - oos} in-scope messages of "
                     f"{len(set(truth)) - 1} intents and {oos} out-of-scope ones of many kinds"),
        "in_scope_test": len(truth) - oos, "oos_test": oos, "left_out_as_seen_in_training": dropped,
        "frozen": shipped(0, texts, truth, train_file, quick),
        "contrastive": shipped(steps, texts, truth, train_file, quick),
        "embedded_default": embedded_default(texts, truth, train_file),
    }


def shop_table(part: dict[str, Any]) -> list[str]:
    lines = [f"shop intents, held out ({part['in_scope_test']} in scope, {part['oos_test']} out of scope), at the "
             f"threshold each model ships with:",
             f"  {'model':<34} {'threshold':>9} {'in-scope acc':>12} {'OOS recall':>10} {'AUROC':>7}"]
    for name, label in (("frozen", "trained, frozen MiniLM"),
                        ("contrastive", f"trained, {part['contrastive']['steps']} contrastive steps"),
                        ("embedded_default", "embedded default (threshold 0.35)")):
        row = part[name]
        lines.append(f"  {label:<34} {row['threshold']:9.3f} {row['in_scope_accuracy']:12.4f} "
                     f"{row['oos_recall']:10.4f} {row['auroc'] or 0:7.4f}")
    return lines
