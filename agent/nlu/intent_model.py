"""The default intent model: sentence embeddings and a trained softmax head.

>>> model = IntentModel.train(embeddings, labels)
>>> model.predict(embedder.embed(["hi"]))[0]
IntentScore(intent='greet', confidence=0.93, runner_up='thanks', runner_up_confidence=0.02)

Weights are saved as plain arrays (`.npz`), never pickled, so a cache file cannot run code.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np

if TYPE_CHECKING:
    from agent.nlu.nlu_data import NluData
    from knowledge.embedders import Embedder

log = logging.getLogger(__name__)

FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class IntentScore:
    intent: str
    confidence: float
    runner_up: str
    runner_up_confidence: float


@dataclass(frozen=True)
class IntentModel:
    classes: tuple[str, ...]
    weights: np.ndarray  # (n_classes, dim)
    bias: np.ndarray  # (n_classes,)

    @classmethod
    def train(cls, embeddings: np.ndarray, labels: Sequence[str], c: float = 10.0) -> "IntentModel":
        from sklearn.linear_model import LogisticRegression

        head = LogisticRegression(C=c, max_iter=2000)
        head.fit(embeddings, list(labels))
        return cls(tuple(head.classes_), head.coef_.astype(np.float32), head.intercept_.astype(np.float32))

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        logits = embeddings @ self.weights.T + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, embeddings: np.ndarray) -> list[IntentScore]:
        scores = []
        for row in self.probabilities(embeddings):
            first, second = np.argsort(row)[::-1][:2]
            scores.append(IntentScore(self.classes[first], float(row[first]), self.classes[second], float(row[second])))
        return scores

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, classes=np.array(self.classes), weights=self.weights, bias=self.bias,
                 version=np.array(FORMAT_VERSION))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> "IntentModel":
        with np.load(path, allow_pickle=False) as data:
            if int(data["version"]) != FORMAT_VERSION:
                raise ValueError(f"{path}: intent model format {int(data['version'])}, expected {FORMAT_VERSION}")
            return cls(tuple(str(c) for c in data["classes"]), data["weights"], data["bias"])


def cached_intent_model(data: "NluData", embedder: "Embedder", cache_dir: Path) -> IntentModel:
    """Train on first use, then reuse: the cache key is the NLU file's hash and the embedder's name."""
    key = hashlib.sha256(f"{data.checksum}:{embedder.name}:{FORMAT_VERSION}".encode()).hexdigest()[:16]
    path = cache_dir / f"intent-{key}.npz"
    if path.exists():
        try:
            return IntentModel.load(path)
        except (OSError, ValueError, KeyError) as exc:
            log.warning("intent model cache %s unreadable (%s); retraining", path, exc)
    log.info("training the intent model on %d examples", len(data.examples))
    embeddings = embedder.embed([e.text for e in data.examples])
    model = IntentModel.train(embeddings, [e.intent for e in data.examples])
    model.save(path)
    return model
