"""The default intent model: sentence embeddings and a trained softmax head.

    model = IntentModel.train(embeddings, labels)
    model.predict(embedder.embed(["hi"]))[0]
    # -> IntentScore(intent='greet', confidence=0.93, runner_up='thanks', runner_up_confidence=0.02)

Weights are saved as plain arrays (`.npz`), never pickled, so a cache file cannot run code.

`aisle train nlu` writes a model directory that also carries a fine-tuned encoder and a tuned
out-of-scope threshold; `TrainedIntentModel.load(path)` opens it with its own embedder::

    trained = TrainedIntentModel.load("var/models/nlu")
    trained.predict(["where is my parcel?"])[0].intent
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np

from agent.errors import ConfigError
from knowledge.embedders import SentenceTransformerEmbedder

if TYPE_CHECKING:
    from agent.nlu.nlu_data import NluData
    from knowledge.embedders import Embedder

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
BUNDLE_FORMAT = 1
BUNDLE_FILE = "model.json"  # what a trained model directory holds: head, encoder folder, threshold
HEAD_FILE = "head.npz"


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
    def train(cls, embeddings: np.ndarray, labels: Sequence[str], c: float = 10.0,
              balanced: bool = False) -> "IntentModel":
        """`balanced` weighs each intent by the inverse of its share, so a large intent does not crowd out small ones."""
        from sklearn.linear_model import LogisticRegression

        head = LogisticRegression(C=c, max_iter=2000, class_weight="balanced" if balanced else None)
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


@dataclass(frozen=True)
class TrainedIntentModel:
    """What the router needs from an intent model: an embedder, the head and the out-of-scope threshold.

        bundle = TrainedIntentModel.load("var/models/nlu")
        router = EmbeddingRouter(bundle.embedder, bundle.model, lexicon, bundle.threshold)
    """

    embedder: "Embedder"
    model: IntentModel
    threshold: float
    path: Path | None = None

    def predict(self, texts: Sequence[str]) -> list[IntentScore]:
        return self.model.predict(self.embedder.embed(list(texts)))

    @classmethod
    def load(cls, path: str | Path, device: str = "cpu", batch_size: int = 64) -> "TrainedIntentModel":
        """Open a directory written by `aisle train nlu`; a wrong path says how to make one."""
        path = Path(path).expanduser()
        manifest = _read_manifest(path)
        encoder = manifest.get("encoder") or None
        source = path / encoder if encoder else None
        try:
            head = IntentModel.load(path / HEAD_FILE)
        except (OSError, ValueError, KeyError) as exc:
            raise ConfigError(f"nlu.model = '{path}': cannot read {HEAD_FILE}: {exc}") from None
        embedder = SentenceTransformerEmbedder(source, batch_size, device)
        return cls(embedder, head, float(manifest["threshold"]), path)


def _read_manifest(path: Path) -> dict:
    hint = "train one with `aisle train nlu --out DIR`, or set nlu.model to \"\" for the default model"
    try:
        manifest = json.loads((path / BUNDLE_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"nlu.model = '{path}' is not a trained intent model (no {BUNDLE_FILE}); {hint}") from None
    except (OSError, ValueError) as exc:
        raise ConfigError(f"nlu.model = '{path}': {BUNDLE_FILE} is unreadable ({exc}); {hint}") from None
    if manifest.get("format") != BUNDLE_FORMAT or "threshold" not in manifest:
        raise ConfigError(f"nlu.model = '{path}': {BUNDLE_FILE} has format {manifest.get('format')!r}, "
                          f"expected {BUNDLE_FORMAT}; {hint}")
    return manifest


def open_intent_model(model_dir: str, data: "NluData", embedder: "Embedder", cache_dir: Path,
                      threshold: float, device: str = "cpu") -> TrainedIntentModel:
    """The configured intent model: a trained directory (`nlu.model`), else the default trained on first start.

    A trained directory brings its own encoder and its tuned threshold; the default uses the
    catalog's embedder and the configured `nlu.threshold`.
    """
    if model_dir:
        return TrainedIntentModel.load(model_dir, device)
    return TrainedIntentModel(embedder, cached_intent_model(data, embedder, cache_dir), threshold)
