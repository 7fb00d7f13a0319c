"""The trained sequential model, serving the catalog: scores every product as the shopper's next one.

The checkpoint numbers items by its own vocabulary; this maps catalog rows to it. A product the
model never saw (new in the catalog) gets no sequential score, and content similarity covers it::

    model = SequentialScorer.load(Path("var/recs/sasrec.pt"), items)
    scores = model.scores([12, 40, 7])       # (len(items),), NaN where the model knows nothing
    model.closest_in_history([12, 40, 7], 99)
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from skills.recommend.items import ItemTable
from skills.recommend.sasrec import SASRec, load_checkpoint
from skills.recommend.sasrec_numpy import NumpySASRec


class SequentialScorer:
    def __init__(self, model: SASRec, model_items: list[str], items: ItemTable, metrics: dict | None = None):
        self.model = model.eval()
        self.fast = NumpySASRec.from_torch(self.model)
        self.metrics = metrics or {}
        known = {product_id: number for number, product_id in enumerate(model_items, 1)}
        # model item number of each catalog row (0: unknown to the model)
        self.numbers = np.array([known.get(p.id, 0) for p in items.products], dtype=np.int64)
        self.coverage = float((self.numbers > 0).mean()) if len(self.numbers) else 0.0
        self._embeddings = self.fast.items

    @classmethod
    def load(cls, path: Path, items: ItemTable) -> SequentialScorer:
        model, model_items, checkpoint = load_checkpoint(path)
        return cls(model, model_items, items, checkpoint.get("metrics"))

    def scores(self, history_rows: Sequence[int]) -> np.ndarray:
        """(len(items),) next-item scores; NaN for products the model does not know."""
        numbers = [int(n) for n in self.numbers[list(history_rows)] if n > 0][-self.model.config.max_len:]
        out = np.full(len(self.numbers), np.nan, dtype=np.float32)
        if not numbers:
            return out
        scores = self.fast.score_next(numbers)
        known = self.numbers > 0
        out[known] = scores[self.numbers[known]]
        return out

    def closest_in_history(self, history_rows: Sequence[int], row: int) -> int | None:
        """The history item whose learned embedding is closest to product `row`'s, or None."""
        target = self.numbers[row]
        candidates = [r for r in dict.fromkeys(history_rows) if self.numbers[r] > 0]
        if not target or not candidates:
            return None
        vectors = self._embeddings[self.numbers[candidates]]
        return candidates[int(np.argmax(vectors @ self._embeddings[target]))]
