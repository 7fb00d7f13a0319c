"""The intent benchmark's data: banking77 (official split), bitext (stratified 80/20, seed 0), and
banking77 with a set of intents held out as out-of-scope.

    splits = load_banking77(Path("../shared/data/banking77"))
    splits.train.texts[:2], splits.test.labels[:2]
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BITEXT_FILE = "Bitext_Sample_Customer_Service_Training_Dataset.csv"


@dataclass(frozen=True)
class Labelled:
    texts: list[str]
    labels: list[str]

    def __len__(self) -> int:
        return len(self.texts)

    def take(self, indices) -> "Labelled":
        return Labelled([self.texts[i] for i in indices], [self.labels[i] for i in indices])

    def sample(self, per_intent: int, seed: int = 0) -> "Labelled":
        """At most `per_intent` examples of each intent, drawn at random."""
        rng = np.random.default_rng(seed)
        chosen = []
        for label in sorted(set(self.labels)):
            members = [i for i, x in enumerate(self.labels) if x == label]
            chosen += sorted(rng.permutation(members)[:per_intent].tolist())
        return self.take(sorted(chosen))


@dataclass(frozen=True)
class Splits:
    train: Labelled
    test: Labelled


def _read_csv(path: Path, text: str, label: str) -> Labelled:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row.get(text) and row.get(label)]
    return Labelled([row[text].strip() for row in rows], [row[label].strip() for row in rows])


def load_banking77(folder: Path) -> Splits:
    return Splits(_read_csv(folder / "train.csv", "text", "category"),
                  _read_csv(folder / "test.csv", "text", "category"))


def load_bitext(folder: Path, test_share: float = 0.2, seed: int = 0) -> Splits:
    """The data set has no official split: stratified 80/20 with seed 0, as the data README says."""
    from sklearn.model_selection import train_test_split

    data = _read_csv(folder / BITEXT_FILE, "utterance", "intent")
    train, test = train_test_split(list(range(len(data))), test_size=test_share, random_state=seed,
                                   stratify=data.labels)
    return Splits(data.take(sorted(train)), data.take(sorted(test)))


def hold_out_intents(splits: Splits, count: int, seed: int = 0) -> tuple[Splits, Labelled, list[str]]:
    """Remove `count` seeded intents from training; their test examples become out-of-scope.

    Returns the in-scope splits, the out-of-scope test examples and the held-out intent names.
    """
    intents = sorted(set(splits.train.labels))
    rng = np.random.default_rng(seed)
    held = sorted(rng.choice(intents, size=count, replace=False).tolist())
    keep = lambda part: part.take([i for i, x in enumerate(part.labels) if x not in held])  # noqa: E731
    oos = splits.test.take([i for i, x in enumerate(splits.test.labels) if x in held])
    return Splits(keep(splits.train), keep(splits.test)), oos, held


def present(data_dir: Path) -> dict[str, bool]:
    return {"banking77": (data_dir / "banking77" / "train.csv").is_file()
            and (data_dir / "banking77" / "test.csv").is_file(),
            "bitext": (data_dir / "bitext_customer_service" / BITEXT_FILE).is_file()}
