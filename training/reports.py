"""Evaluation reports: per-intent precision, recall and F1, a readable table, a confusion-matrix image.

    report = intent_report(truth, predicted)
    print(format_report(report))
    confusion_png(truth, predicted, Path("reports/intent_confusion_matrix.png"))
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np


def intent_report(truth: Sequence[str], predicted: Sequence[str]) -> dict:
    """Per-intent precision/recall/F1/support plus accuracy and macro and weighted averages."""
    from sklearn.metrics import precision_recall_fscore_support

    labels = sorted(set(truth) | set(predicted))
    p, r, f, s = precision_recall_fscore_support(truth, predicted, labels=labels, zero_division=0)
    intents = {label: _row(p[i], r[i], f[i], s[i]) for i, label in enumerate(labels)}
    in_truth = [i for i, label in enumerate(labels) if s[i] > 0]
    macro = _row(p[in_truth].mean(), r[in_truth].mean(), f[in_truth].mean(), s.sum())
    weights = s / max(1, s.sum())
    weighted = _row((p * weights).sum(), (r * weights).sum(), (f * weights).sum(), s.sum())
    accuracy = float(np.mean(np.asarray(truth) == np.asarray(predicted))) if len(truth) else 0.0
    return {"accuracy": round(accuracy, 4), "macro_avg": macro, "weighted_avg": weighted, "intents": intents}


def _row(precision: float, recall: float, f1: float, support: int) -> dict:
    return {"precision": round(float(precision), 4), "recall": round(float(recall), 4),
            "f1": round(float(f1), 4), "support": int(support)}


def format_report(report: dict) -> str:
    """The report as an aligned text table, one intent per line, averages at the bottom."""
    rows = list(report["intents"].items()) + [("", None), ("macro avg", report["macro_avg"]),
                                                ("weighted avg", report["weighted_avg"])]
    width = max(12, *(len(name) for name, _ in rows))
    lines = [f"{'intent':<{width}}  precision  recall     f1  support"]
    for name, row in rows:
        if row is None:
            lines.append("")
            continue
        lines.append(f"{name:<{width}}  {row['precision']:9.3f}  {row['recall']:6.3f}  {row['f1']:5.3f}  "
                     f"{row['support']:7d}")
    lines.append(f"{'accuracy':<{width}}  {report['accuracy']:9.3f}")
    return "\n".join(lines)


def confusion_png(truth: Sequence[str], predicted: Sequence[str], path: Path, title: str = "Intent confusion") -> Path:
    """Rows are the true intents, columns the predicted ones; each cell shows its count."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no display is needed or wanted
    import matplotlib.pyplot as plt
    from sklearn.metrics import confusion_matrix

    labels = sorted(set(truth) | set(predicted))
    matrix = confusion_matrix(truth, predicted, labels=labels)
    size = max(5.0, 0.45 * len(labels) + 2.5)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=90)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted intent")
    ax.set_ylabel("true intent")
    ax.set_title(title)
    if len(labels) <= 40:
        for (row, col), count in np.ndenumerate(matrix):
            if count:
                colour = "white" if count > matrix.max() / 2 else "black"
                ax.text(col, row, str(count), ha="center", va="center", color=colour, fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def write_json(path: Path, payload: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
