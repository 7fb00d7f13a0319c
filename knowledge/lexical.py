"""Keyword search over product titles: BM25 (the ``bm25s`` library) with a tokeniser for catalogs.

Product titles are dense with numbers and units ("2 in. x 4 in. x 8 ft.", "1/2-gal.", "12-Gauge"),
and shoppers type them differently ("2x4", "1/2 gallon", "12 gauge"). The tokeniser lower-cases,
splits digits from letters, keeps fractions and decimals whole, folds unit spellings into one form,
drops stopwords and stems with Snowball, so both sides meet on the same tokens::

    index = LexicalIndex.build([p.title for p in products])
    index.search("2x4 stud 8 ft", k=10)                         # [(row, bm25 score), ...]
    index.search("2x4 stud", k=10, allowed=np.array([3, 7]))   # only rows 3 and 7 compete

A row that shares no token with the query scores 0 and is never returned.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

_TOKEN = re.compile(r"\d+(?:[./]\d+)*|[a-z]+")
_NUMBER = re.compile(r"\d")
_INCH_MARK = re.compile(r"(?<=\d)\s*(?:\"|'')")
_FOOT_MARK = re.compile(r"(?<=\d)\s*'(?!')")
UNIT_ALIASES: dict[str, str] = {
    "inch": "in", "inches": "in", "feet": "ft", "foot": "ft", "gallon": "gal", "gallons": "gal",
    "pound": "lb", "pounds": "lb", "lbs": "lb", "ounce": "oz", "ounces": "oz", "volt": "v", "volts": "v",
    "watt": "w", "watts": "w", "amps": "amp", "ampere": "amp", "millimeter": "mm", "centimeter": "cm",
    "quart": "qt", "quarts": "qt", "square": "sq", "cubic": "cu", "yard": "yd", "yards": "yd",
}
STOPWORDS = frozenset("""
a an and are as at be but by for if into is it its of on or such that the their then there these they this
to was will with s t
""".split())
"""English stopwords for product text ("in" is left out: in titles it is mostly inches)."""
_STEMMERS = ("english", "porter")
STEM_CACHE_SIZE = 500_000
"""Distinct words whose stems are remembered; queries full of typos cannot grow the cache past it."""


@dataclass(frozen=True)
class LexicalConfig:
    """How titles are tokenised and how BM25 weighs them.

    ``stemmer`` is a Snowball algorithm name (``"english"``, ``"porter"``) or None for no stemming.
    ``k1`` and ``b`` are chosen per catalog when its index is built (:mod:`knowledge.search_tuning`),
    starting from these defaults, which were chosen on the Home Depot search benchmark: stemming is
    worth about +0.04 nDCG@10 there; dropping stopwords cost 0.003, so they are kept; short titles
    favour a low ``k1`` and a mild length normalisation ``b``.
    """

    k1: float = 0.9
    b: float = 0.5
    stemmer: str | None = "english"
    stopwords: bool = False
    fold_units: bool = True

    def __post_init__(self) -> None:
        if not self.k1 > 0:
            raise ValueError(f"k1 must be positive, got {self.k1!r}")
        if not 0 <= self.b <= 1:
            raise ValueError(f"b must lie in 0..1, got {self.b!r}")
        if self.stemmer is not None and self.stemmer not in _STEMMERS:
            raise ValueError(f"stemmer {self.stemmer!r} is not known; choose one of {', '.join(_STEMMERS)} or None")


class Tokenizer:
    """Turns a title or a query into BM25 tokens; the same instance must serve the index and its queries."""

    def __init__(self, config: LexicalConfig = LexicalConfig()) -> None:
        self.config = config
        self._stemmer = _snowball(config.stemmer) if config.stemmer else None
        self._stems: dict[str, str] = {}

    def __call__(self, text: str) -> list[str]:
        text = text.lower().replace("\u2019", "'").replace("\u201d", '"').replace("'s", "")
        if self.config.fold_units:
            text = _FOOT_MARK.sub(" ft ", _INCH_MARK.sub(" in ", text))
        words = _TOKEN.findall(text)
        if self.config.fold_units:
            words = [UNIT_ALIASES.get(word, word) for word in words]
        if self.config.stopwords:
            words = [word for word in words if word not in STOPWORDS]
        return [self._stem(word) for word in words] if self._stemmer else words

    def _stem(self, word: str) -> str:
        if _NUMBER.match(word):
            return word
        stem = self._stems.get(word)
        if stem is None:
            stem = self._stemmer.stemWord(word)
            if len(self._stems) < STEM_CACHE_SIZE:
                self._stems[word] = stem
        return stem


class LexicalIndex:
    """BM25 over one text per row; rows are numbered 0..n-1 in the order given to :meth:`build`."""

    def __init__(self, bm25: Any, tokenizer: Tokenizer, size: int) -> None:
        self._bm25 = bm25
        self.tokenizer = tokenizer
        self._size = size

    @classmethod
    def build(cls, texts: Sequence[str], config: LexicalConfig = LexicalConfig()) -> LexicalIndex:
        """An index over ``texts``; row i is ``texts[i]``."""
        import bm25s

        tokenizer = Tokenizer(config)
        bm25 = bm25s.BM25(k1=config.k1, b=config.b, method="lucene")
        if texts:
            bm25.index([tokenizer(text) for text in texts], show_progress=False)
        return cls(bm25, tokenizer, len(texts))

    def __len__(self) -> int:
        return self._size

    def scores(self, query: str) -> np.ndarray:
        """The BM25 score of every row for ``query`` (0 where no token matches)."""
        ids = self._bm25.get_tokens_ids(self.tokenizer(query)) if self._size else []
        if not ids:
            return np.zeros(self._size, dtype=np.float32)
        return self._bm25.get_scores_from_ids(ids)

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The best ``k`` (row, score) pairs with a positive score, best first; only ``allowed`` rows if given."""
        return top_rows(self.scores(query), k, allowed)


def top_rows(scores: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
    """The ``k`` rows with the highest positive scores, best first, chosen among ``allowed`` rows if given.

    Ties keep the lower row first, so results are stable across runs.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    rows = np.flatnonzero(scores > 0) if allowed is None else _positive(scores, allowed)
    if len(rows) > k:
        rows = rows[np.argpartition(-scores[rows], k - 1)[:k]]
    rows = rows[np.lexsort((rows, -scores[rows]))]
    return [(int(row), float(scores[row])) for row in rows]


def _positive(scores: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    rows = np.unique(np.asarray(allowed, dtype=np.int64))
    if len(rows) and (rows.min() < 0 or rows.max() >= len(scores)):
        raise ValueError(f"allowed rows must lie in 0..{len(scores) - 1}, got {rows.min()}..{rows.max()}")
    return rows[scores[rows] > 0]


def _snowball(algorithm: str) -> Any:
    import Stemmer

    return Stemmer.Stemmer(algorithm)
