"""Item sequences for the sequential recommender: reading them, splitting them, batching them.

Items are numbered 1..n (0 pads); ``item_ids[i - 1]`` is the shop's id of item ``i``::

    data = read_sequence_file(Path("../shared/data/amazon_beauty/Beauty.txt"))
    split = leave_one_out(data.seqs)          # train on all but the last two items of each user
    for inputs, targets in training_batches(split.train, 256, max_len=50, rng=random.Random(0)):
        ...
"""
from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch

from knowledge.errors import AisleError



class SequenceDataError(AisleError):
    """A sequence file that cannot be read as `user item item ...` lines."""


@dataclass(frozen=True)
class Sequences:
    """One item sequence per user, oldest first."""

    users: list[str]
    seqs: list[list[int]]
    item_ids: list[str]
    attributes: list[tuple[str, ...]] | None = None  # per item (item_ids order): brand, category, ...

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    @property
    def interactions(self) -> int:
        return sum(map(len, self.seqs))


@dataclass(frozen=True)
class Split:
    """Leave-one-out: the last item is the test target, the one before it the validation target."""

    train: list[list[int]]
    valid_history: list[list[int]]
    valid_target: list[int]
    test_history: list[list[int]]
    test_target: list[int]


def read_sequence_file(path: Path) -> Sequences:
    """A file of `user item1 item2 ...` lines in time order (the S3-Rec layout of Beauty.txt)."""
    users, raw = [], []
    with Path(path).open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) < 2:
                raise SequenceDataError(f"{path} line {number}: a user with no items")
            users.append(parts[0])
            raw.append(parts[1:])
    return _numbered(users, raw)


def read_item_attributes(path: Path, data: Sequences) -> Sequences:
    """`data` with each item's attributes from a JSON object `{item id: [attribute, ...]}`.

    The S3-Rec layout (`Beauty_item2attributes.json`: brand and category ids per item); items the
    file does not name have none.
    """
    try:
        table = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SequenceDataError(f"{path}: cannot read item attributes ({exc})") from exc
    if not isinstance(table, dict) or not all(isinstance(v, list) for v in table.values()):
        raise SequenceDataError(f"{path}: expected a JSON object of item id -> list of attributes")
    attributes = [tuple(str(a) for a in table.get(item, ())) for item in data.item_ids]
    return replace(data, attributes=attributes)


def attribute_matrix(attributes: Sequence[Sequence[str]]) -> tuple[torch.Tensor, int]:
    """(n_items + 1, most per item) attribute numbers (1..n, 0 pads; row 0 is padding) and n."""
    number: dict[str, int] = {}
    rows = [[number.setdefault(a, len(number) + 1) for a in dict.fromkeys(attrs)] for attrs in attributes]
    width = max(map(len, rows), default=0)
    out = np.zeros((len(rows) + 1, max(width, 1)), dtype=np.int64)
    for i, row in enumerate(rows, 1):
        out[i, :len(row)] = row
    return torch.from_numpy(out), len(number)


def sequences_from_events(rows: Iterable[tuple[str, str]], known_items: set[str] | None = None) -> Sequences:
    """Sequences from (user, item) rows in time order; a repeat of the item just seen is dropped."""
    by_user: dict[str, list[str]] = {}
    for user, item in rows:
        if known_items is not None and item not in known_items:
            continue
        seq = by_user.setdefault(user, [])
        if not seq or seq[-1] != item:
            seq.append(item)
    users = sorted(by_user)
    return _numbered(users, [by_user[user] for user in users])


def _numbered(users: list[str], raw: list[list[str]]) -> Sequences:
    ordered = sorted({item for seq in raw for item in seq}, key=_natural)
    number = {item: n for n, item in enumerate(ordered, 1)}
    return Sequences(users, [[number[item] for item in seq] for seq in raw], ordered)


def _natural(item: str) -> tuple[int, int | str]:
    return (0, int(item)) if item.isdigit() else (1, item)


def leave_one_out(seqs: Sequence[list[int]]) -> Split:
    """Users with fewer than 3 items only train; the rest give one validation and one test case each."""
    evaluable = [seq for seq in seqs if len(seq) >= 3]
    return Split(
        train=[seq[:-2] if len(seq) >= 3 else list(seq) for seq in seqs],
        valid_history=[seq[:-2] for seq in evaluable],
        valid_target=[seq[-2] for seq in evaluable],
        test_history=[seq[:-1] for seq in evaluable],
        test_target=[seq[-1] for seq in evaluable],
    )


def pad_left(rows: Sequence[Sequence[int]], length: int) -> torch.Tensor:
    """(len(rows), length) item ids, each row's most recent `length` items at the right end."""
    out = np.zeros((len(rows), length), dtype=np.int64)
    for i, row in enumerate(rows):
        tail = row[-length:]
        if len(tail):
            out[i, length - len(tail):] = tail
    return torch.from_numpy(out)


def training_batches(train: Sequence[list[int]], batch_size: int, max_len: int,
                     rng: random.Random) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """(inputs, next-item targets), both left-padded; users of similar length share a batch.

    A sequence longer than `max_len` + 1 contributes a random window of that size each epoch.
    """
    rows = [_window(seq, max_len + 1, rng) for seq in train if len(seq) >= 2]
    order = sorted(range(len(rows)), key=lambda i: (len(rows[i]), rng.random()))
    chunks = [order[start:start + batch_size] for start in range(0, len(order), batch_size)]
    rng.shuffle(chunks)
    for chunk in chunks:
        picked = [rows[i] for i in chunk]
        length = max(len(row) for row in picked) - 1
        yield pad_left([row[:-1] for row in picked], length), pad_left([row[1:] for row in picked], length)


def _window(seq: list[int], size: int, rng: random.Random) -> list[int]:
    if len(seq) <= size:
        return seq
    start = rng.randrange(len(seq) - size + 1)
    return seq[start:start + size]
