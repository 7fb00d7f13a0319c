"""The out-of-scope confidence threshold: below it, a message is answered as out of scope.

A threshold t accepts a prediction when its confidence is at least t. Between two neighbouring
confidences every t makes the same decisions, so the candidates are those gaps; `tune_threshold`
takes the middle of the chosen gap, which keeps a margin on both sides. Which gap:

- with a `target` in-scope accuracy (accepted and right, over every in-scope held-out message), the
  highest threshold that keeps it: as many out-of-scope messages caught as that accuracy allows. It
  needs no out-of-scope examples, as in CLINC150's protocol;
- without one, or when the model cannot reach the target, the best mean of in-scope accuracy and
  out-of-scope recall.

    choice = tune_threshold(confidences, predicted, truth, target=0.9)
    choice.threshold, choice.in_scope_accuracy, choice.oos_recall, choice.target_met
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np

OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class ThresholdChoice:
    threshold: float
    in_scope_accuracy: float  # in-scope messages accepted and given the right intent
    oos_recall: float  # out-of-scope messages answered as out of scope
    in_scope: int
    out_of_scope: int
    target: float | None = None  # the in-scope accuracy asked for
    target_met: bool | None = None  # False: out of reach, the balanced choice was taken

    def to_dict(self) -> dict:
        return asdict(self)


def decide(confidences: Sequence[float], predicted: Sequence[str], threshold: float,
           oos_intent: str = OUT_OF_SCOPE) -> list[str]:
    """What the router answers: the predicted intent, or out of scope below the threshold."""
    return [intent if conf >= threshold else oos_intent for conf, intent in zip(confidences, predicted)]


def tune_threshold(confidences: Sequence[float], predicted: Sequence[str], truth: Sequence[str],
                   oos_intent: str = OUT_OF_SCOPE, default: float = 0.35,
                   target: float | None = None) -> ThresholdChoice:
    """The threshold for held-out data: the highest that keeps `target` in-scope accuracy, else the balanced one.

    The balanced objective is the mean of in-scope accuracy and out-of-scope recall, so a small
    out-of-scope sample counts as much as a large in-scope one. With no out-of-scope example to learn
    from and no reachable target, `default` is kept.
    """
    conf = np.asarray(confidences, dtype=float)
    oos = np.asarray(truth) == oos_intent
    if target is not None:
        kept = _highest_keeping(conf, np.asarray(predicted), np.asarray(truth), oos, target)
        if kept is not None:
            return replace(_choice(kept, conf, predicted, truth, oos_intent), target=target, target_met=True)
        return replace(tune_threshold(confidences, predicted, truth, oos_intent, default), target=target,
                       target_met=False)
    if not oos.any() or oos.all():
        return _choice(default, conf, predicted, truth, oos_intent)
    cuts, objective = _objective_by_cut(conf, np.asarray(predicted), np.asarray(truth), oos, oos_intent)
    best = np.flatnonzero(objective >= objective.max() - 1e-12)
    run_end = best[0]
    while run_end + 1 in best:  # the contiguous stretch of best cuts around the first one
        run_end += 1
    low, high = cuts[best[0]], cuts[run_end + 1]
    return _choice(float((low + high) / 2), conf, predicted, truth, oos_intent)


def _highest_keeping(conf: np.ndarray, predicted: np.ndarray, truth: np.ndarray, oos: np.ndarray,
                     target: float) -> float | None:
    """The middle of the gap below the fewest most-confident in-scope messages that reach `target` accuracy."""
    if oos.all() or not 0 < target <= 1:
        return None
    in_conf, right = conf[~oos], (predicted == truth)[~oos]
    order = np.argsort(-in_conf, kind="stable")
    accuracy = np.cumsum(right[order]) / len(in_conf)  # accepting the k + 1 most confident
    reachable = np.flatnonzero(accuracy >= target - 1e-12)
    if not len(reachable):
        return None
    lowest_accepted = in_conf[order][reachable[0]]
    below = conf[conf < lowest_accepted]
    return float((lowest_accepted + (below.max() if len(below) else 0.0)) / 2)


def _objective_by_cut(conf: np.ndarray, predicted: np.ndarray, truth: np.ndarray, oos: np.ndarray,
                      oos_intent: str) -> tuple[np.ndarray, np.ndarray]:
    """For cut k, thresholds in (cuts[k], cuts[k + 1]] accept exactly the confidences above cuts[k]."""
    cuts = np.concatenate([[0.0], np.unique(conf), [1.0 + 1e-9]])
    objective = np.empty(len(cuts) - 1)
    for k in range(len(cuts) - 1):
        accepted = conf > cuts[k]
        final = np.where(accepted, predicted, oos_intent)
        objective[k] = ((final == truth)[~oos].mean() + (final == oos_intent)[oos].mean()) / 2
    return cuts, objective


def _choice(threshold: float, conf: np.ndarray, predicted: Sequence[str], truth: Sequence[str],
            oos_intent: str) -> ThresholdChoice:
    final = np.asarray(decide(conf, predicted, threshold, oos_intent))
    truth_arr = np.asarray(truth)
    oos = truth_arr == oos_intent
    in_acc = float((final == truth_arr)[~oos].mean()) if (~oos).any() else 0.0
    recall = float((final == oos_intent)[oos].mean()) if oos.any() else 0.0
    return ThresholdChoice(round(min(threshold, 1.0), 4), in_acc, recall, int((~oos).sum()), int(oos.sum()))


def threshold_at_accuracy(confidences: Sequence[float], correct: Sequence[bool], level: float) -> float:
    """The highest threshold whose in-scope accuracy (accepted and right) stays at or above `level`.

    Used by the benchmark to compare models at the same in-scope operating point.
    """
    conf = np.asarray(confidences, dtype=float)
    right = np.asarray(correct, dtype=bool)
    order = np.argsort(-conf)
    # accepting the k most confident: accuracy = right answers among them / all in-scope messages
    accuracy = np.cumsum(right[order]) / len(conf)
    reachable = np.flatnonzero(accuracy >= level)
    if not len(reachable):
        return 0.0
    return float(conf[order][reachable[0]])
