"""Search settings fitted to each catalog from the catalog itself, at index time, without labels.

How much the dense ranking should count against BM25, and BM25's ``k1``/``b``, depend on the
catalog: on short titles full of sizes and model numbers keywords win; on descriptive names the
embedding does. No shop has relevance labels, so the tuner makes its own: it draws products,
turns each one's text into a shopper-like query (two to four of its words, in order, sometimes
with a typo), and counts the product a query came from as its relevant result. BM25's ``k1``/``b``
are chosen first (the defaults stay unless another pair is clearly better), then the fusion (a
linear blend at dense weights 0 to 1, or reciprocal-rank fusion) with the best nDCG@10 over those
queries. Everything runs on a sample of the catalog, so the cost is bounded whatever its size::

    record = tune_search(products, vectors, embedder)     # goes into the index manifest
    hybrid, lexical = settings_from_manifest(manifest)     # what the retriever then uses
"""
from __future__ import annotations

import logging
import math
import random
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from knowledge.embedders import Embedder
from knowledge.hybrid import HybridConfig, reciprocal_rank_scores
from knowledge.lexical import STOPWORDS, LexicalConfig, Tokenizer
from knowledge.product import Product
from knowledge.vector_index import VectorIndex

log = logging.getLogger(__name__)
TUNING_KEY = "search_tuning"
TUNER_VERSION = 5
LEADING_WORDS = 16
MIN_QUERIES = 100
"""A small catalog gets a quarter of its size in pseudo-queries, never fewer than this, so that tuning
costs it about as much, relatively, as it costs a large one."""
_WORD = re.compile(r"[a-z0-9]+(?:[./-][a-z0-9]+)*")
_VOWELS = set("aeiou")
_DISCOUNT = [1 / math.log2(rank + 2) for rank in range(10)]
_IDEAL = [1.0] + [sum(_DISCOUNT[:count]) for count in range(1, 11)]


@dataclass(frozen=True)
class TuningPlan:
    """How much of the catalog the tuner reads and which settings it tries.

    ``pool`` products are searched among (all of them on a smaller catalog); ``queries`` of them
    give a pseudo-query each (a quarter of the catalog, at least ``MIN_QUERIES``, when that is
    fewer); ``typo_share`` of the queries get one typing slip, as real search logs do. Below
    ``min_products`` the catalog is too small to say anything and the defaults stay.
    """

    pool: int = 4000
    queries: int = 300
    typo_share: float = 0.2
    min_products: int = 50
    seed: int = 0
    dense_weights: tuple[float, ...] = tuple(round(0.1 * i, 1) for i in range(11))
    k1s: tuple[float, ...] = (0.6, 0.9, 1.2, 1.5)
    bs: tuple[float, ...] = (0.3, 0.5, 0.75)

    def __post_init__(self) -> None:
        if self.pool < 2 or self.queries < 1:
            raise ValueError(f"pool must be at least 2 and queries at least 1, got {self.pool} and {self.queries}")
        if not 0 <= self.typo_share <= 1:
            raise ValueError(f"typo_share must lie in 0..1, got {self.typo_share!r}")
        if not self.dense_weights or any(not 0 <= w <= 1 for w in self.dense_weights):
            raise ValueError(f"dense_weights must be values in 0..1, got {self.dense_weights!r}")


@dataclass(frozen=True)
class _Probe:
    """The pseudo-queries over one pool of products: each query's dense score for every pool
    product, its relevant pool positions, and both sides' BM25 tokens."""

    queries: list[str]
    relevant: list[frozenset[int]]
    dense: np.ndarray
    doc_tokens: list[list[str]]
    query_tokens: list[list[str]]


def tune_search(products: Sequence[Product], vectors: VectorIndex, embedder: Embedder,
                plan: TuningPlan = TuningPlan(), base: HybridConfig = HybridConfig(),
                lexical: LexicalConfig = LexicalConfig()) -> dict[str, Any]:
    """The settings chosen for this catalog, with the evidence, as a JSON-ready record."""
    started = time.perf_counter()
    if len(products) < plan.min_products:
        return {"version": TUNER_VERSION, "tuned": False,
                "reason": f"{len(products)} products; tuning needs at least {plan.min_products}"}
    probe = _probe(products, vectors, embedder, plan, Tokenizer(lexical))
    if len(probe.queries) < 10:
        return {"version": TUNER_VERSION, "tuned": False,
                "reason": f"only {len(probe.queries)} products have two or more words to make a query from"}
    bm25 = _Bm25(probe.doc_tokens, probe.query_tokens)
    lexical_grid = {(k1, b): _ranked_ndcg(bm25.scores(k1, b), probe.relevant) for k1 in plan.k1s for b in plan.bs}
    k1, b = _best_lexical(lexical_grid, lexical)
    weights = np.asarray(plan.dense_weights, dtype=np.float64)
    fused = _fusion_ndcg(probe, bm25.scores(k1, b), weights, base)
    fusion_grid = dict(zip(plan.dense_weights, fused[:-1]))
    hybrid = choose_fusion(fusion_grid, fused[-1], base)
    chosen = fused[-1] if hybrid.fusion == "rrf" else fusion_grid[hybrid.dense_weight]
    log.info("search settings for this catalog: %s, BM25 k1 %s b %s (%d pseudo-queries, %.1f s)",
             "RRF" if hybrid.fusion == "rrf" else f"dense weight {hybrid.dense_weight}", k1, b,
             len(probe.queries), time.perf_counter() - started)
    return {
        "version": TUNER_VERSION, "tuned": True,
        "method": "pseudo-queries: 2-4 words of a product's own text, in order, some with a typo; "
                  "the product they came from is the relevant one",
        "pool_products": len(probe.doc_tokens), "queries": len(probe.queries), "seed": plan.seed,
        "hybrid": asdict(hybrid), "lexical": {"k1": k1, "b": b},
        "ndcg10": {"bm25": round(lexical_grid[(k1, b)], 4),
                   "dense": round(_ranked_ndcg(probe.dense, probe.relevant), 4),
                   "rrf": round(float(fused[-1]), 4), "chosen": round(float(chosen), 4)},
        "dense_weight_grid": {f"{w:.1f}": round(float(v), 4) for w, v in fusion_grid.items()},
        "bm25_grid": {f"k1={k}, b={v}": round(score, 4) for (k, v), score in lexical_grid.items()},
        "examples": probe.queries[:5],
        "seconds": round(time.perf_counter() - started, 2),
    }


def settings_from_manifest(manifest: Mapping[str, Any] | None, base: HybridConfig = HybridConfig(),
                           lexical: LexicalConfig = LexicalConfig()) -> tuple[HybridConfig, LexicalConfig]:
    """The fusion and BM25 settings a manifest's tuning chose, or ``base``/``lexical`` when it has none."""
    record = (manifest or {}).get(TUNING_KEY)
    if not isinstance(record, Mapping) or not record.get("tuned"):
        return base, lexical
    try:
        hybrid = replace(base, **{key: record["hybrid"][key] for key in ("fusion", "dense_weight", "normalisation")})
        return hybrid, replace(lexical, k1=float(record["lexical"]["k1"]), b=float(record["lexical"]["b"]))
    except (KeyError, TypeError, ValueError):
        return base, lexical


def pseudo_query(text: str, rng: random.Random, typo_share: float = 0.0) -> str | None:
    """Two to four of ``text``'s first distinct words, in their order, one mistyped with chance ``typo_share``.

    Only the first ``LEADING_WORDS`` count: a product's text starts with its name, and shoppers search
    for the name and its attributes, not for the 80th word of a description.

    >>> pseudo_query("Brushed Nickel Cabinet Pull 3 in.", random.Random(1))
    'brushed cabinet 3'
    >>> pseudo_query("Lamp", random.Random(1)) is None
    True
    """
    words = list(dict.fromkeys(w for w in _WORD.findall(text.lower()) if w not in STOPWORDS))[:LEADING_WORDS]
    if len(words) < 2:
        return None
    count = min(len(words), rng.choice((2, 3, 3, 4)))
    picked = [words[i] for i in sorted(rng.sample(range(len(words)), count))]
    if rng.random() < typo_share:
        longest = max(range(len(picked)), key=lambda i: len(picked[i]))
        picked[longest] = _typo(picked[longest], rng)
    return " ".join(picked)


def _typo(word: str, rng: random.Random) -> str:
    """The word with two neighbouring inner letters swapped or one inner vowel dropped (short words kept)."""
    if len(word) < 5 or not word.isalpha():
        return word
    inner = rng.randrange(1, len(word) - 2)
    vowels = [i for i in range(1, len(word) - 1) if word[i] in _VOWELS]
    if vowels and rng.random() < 0.5:
        drop = rng.choice(vowels)
        return word[:drop] + word[drop + 1:]
    return word[:inner] + word[inner + 1] + word[inner] + word[inner + 2:]


def _probe(products: Sequence[Product], vectors: VectorIndex, embedder: Embedder, plan: TuningPlan,
           tokenizer: Tokenizer) -> _Probe:
    rng = random.Random(plan.seed)
    rows = sorted(rng.sample(range(len(products)), min(plan.pool, len(products))))
    texts = [products[row].text_for_embedding() for row in rows]
    same_text: dict[str, list[int]] = {}
    for position, text in enumerate(texts):
        same_text.setdefault(text.lower(), []).append(position)
    queries, relevant = [], []
    wanted = min(plan.queries, max(MIN_QUERIES, len(products) // 4))
    for position in rng.sample(range(len(rows)), len(rows)):
        query = pseudo_query(texts[position], rng, plan.typo_share)
        if query is not None:
            queries.append(query)
            relevant.append(frozenset(same_text[texts[position].lower()]))
        if len(queries) == wanted:
            break
    matrix = vectors.vectors_of_ids(vectors.row_ids[rows])
    query_vectors = np.asarray(embedder.embed(queries), dtype=np.float32) if queries else matrix[:0]
    return _Probe(queries, relevant, query_vectors @ matrix.T, [tokenizer(text) for text in texts],
                  [tokenizer(query) for query in queries])


class _Bm25:
    """BM25 in Lucene's form over pre-tokenised texts, so that many (k1, b) cost one tokenisation.

    Ranks as :class:`knowledge.lexical.LexicalIndex` does; scores every query against every text at once.
    """

    def __init__(self, doc_tokens: Sequence[Sequence[str]], query_tokens: Sequence[Sequence[str]]) -> None:
        vocabulary: dict[str, int] = {}
        self.tf = _counts(doc_tokens, vocabulary, grow=True)
        self.query = _counts(query_tokens, vocabulary, grow=False, size=len(vocabulary))
        self.query.data[:] = 1.0
        lengths = np.asarray(self.tf.sum(axis=1)).ravel()
        self.relative_length = lengths / max(lengths.mean(), 1e-9)
        df = np.bincount(self.tf.indices, minlength=len(vocabulary))
        self.idf = np.log(1 + (len(doc_tokens) - df + 0.5) / (df + 0.5))

    def scores(self, k1: float, b: float) -> np.ndarray:
        """Every query's score for every text (queries x texts)."""
        tf = self.tf.copy()
        rows = np.repeat(np.arange(tf.shape[0]), np.diff(tf.indptr))
        tf.data = self.idf[tf.indices] * tf.data / (tf.data + k1 * (1 - b + b * self.relative_length[rows]))
        return np.asarray((self.query @ tf.T).todense())


def _counts(token_lists: Sequence[Sequence[str]], vocabulary: dict[str, int], grow: bool,
            size: int | None = None) -> Any:
    from scipy.sparse import csr_matrix

    rows, cols = [], []
    for row, tokens in enumerate(token_lists):
        for token in tokens:
            col = vocabulary.setdefault(token, len(vocabulary)) if grow else vocabulary.get(token)
            if col is not None:
                rows.append(row)
                cols.append(col)
    shape = (len(token_lists), size if size is not None else len(vocabulary))
    matrix = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)
    matrix.sum_duplicates()
    return matrix


def _ranked_ndcg(scores: np.ndarray, relevant: Sequence[frozenset[int]]) -> float:
    """Mean nDCG@10 of ranking each query's row of ``scores`` (a score of 0 or less is not retrieved)."""
    top = _top(scores, 10)
    total = sum(_ndcg10([row for row in best if line[row] > 0], wanted)
                for line, best, wanted in zip(scores, top.tolist(), relevant))
    return total / max(len(relevant), 1)


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Each row's ``k`` best columns, best first (ties: lower column first)."""
    k = min(k, scores.shape[1])
    best = np.argpartition(-scores, k - 1, axis=1)[:, :k] if k < scores.shape[1] else np.tile(
        np.arange(k), (len(scores), 1))
    picked = np.take_along_axis(scores, best, axis=1)
    order = np.lexsort((best, -picked), axis=1)
    return np.take_along_axis(best, order, axis=1)


def _fusion_ndcg(probe: _Probe, lexical: np.ndarray, weights: np.ndarray, base: HybridConfig) -> np.ndarray:
    """Mean nDCG@10 of the linear blend at each weight, then of reciprocal-rank fusion (the last value),
    fused over the union of both top ``depth`` lists as :func:`knowledge.hybrid.fuse` does."""
    totals = np.zeros(len(weights) + 1)
    tops = zip(_top(probe.dense, base.depth), _top(lexical, base.depth))
    for dense, bm25, wanted, (dense_top, lexical_top) in zip(probe.dense, lexical, probe.relevant, tops):
        lexical_top = lexical_top[bm25[lexical_top] > 0]
        rows = np.union1d(dense_top, lexical_top)
        blend = weights[:, None] * _minmax(dense[rows]) + (1 - weights[:, None]) * _minmax(bm25[rows])
        rrf = reciprocal_rank_scores((_rank_in(rows, dense_top), _rank_in(rows, lexical_top)), base.rrf_k)
        for i, scores in enumerate(np.vstack([blend, rrf])):
            totals[i] += _ndcg10(rows[np.argsort(-scores, kind="stable")[:10]].tolist(), wanted)
    return totals / max(len(probe.relevant), 1)


def _rank_in(rows: np.ndarray, ranked: np.ndarray) -> np.ndarray:
    rank = np.full(len(rows), -1, dtype=np.int64)
    rank[np.searchsorted(rows, ranked)] = np.arange(len(ranked))
    return rank


def _minmax(scores: np.ndarray) -> np.ndarray:
    spread = np.ptp(scores)
    return (scores - scores.min()) / spread if spread > 0 else np.zeros_like(scores, dtype=np.float64)


def _ndcg10(ranked: Sequence[int], relevant: frozenset[int]) -> float:
    """nDCG@10 with binary gains; the ideal ranking puts every relevant row first."""
    gain = sum(_DISCOUNT[rank] for rank, row in enumerate(ranked[:10]) if row in relevant)
    return gain / _IDEAL[min(len(relevant), 10)]


def _best_lexical(grid: Mapping[tuple[float, float], float], default: LexicalConfig,
                  margin: float = 0.01) -> tuple[float, float]:
    """The best (k1, b) when it beats the default pair by more than ``margin`` (relative), else the
    default: BM25's grid is flat on most catalogs, and noise alone must not move it."""
    best = max(grid, key=lambda pair: grid[pair])
    if grid.get((default.k1, default.b), -1.0) * (1 + margin) >= grid[best]:
        return default.k1, default.b
    return best


def choose_fusion(grid: Mapping[float, float], rrf: float, base: HybridConfig, tolerance: float = 0.01) -> HybridConfig:
    """The highest of the run of dense weights that score within ``tolerance`` (relative) of the best,
    each weight's score averaged with its neighbours' first (the grid is noisy); reciprocal-rank
    fusion instead when it beats every weight outright.

    Pseudo-queries copy a product's own words, so they flatter keyword search: real queries share
    fewer words with what they look for ("earbuds" for headphones, "couch" for a sofa). Of the weights
    that are about as good on pseudo-queries, the one that counts the embedding most is the one that
    stays good when shoppers use other words.
    """
    if rrf > max(grid.values()):
        return replace(base, fusion="rrf")
    weights = sorted(grid)
    smoothed = [float(np.mean([grid[v] for v in weights[max(0, i - 1): i + 2]])) for i in range(len(weights))]
    best = int(np.argmax(smoothed))
    good = [score >= smoothed[best] * (1 - tolerance) for score in smoothed]
    high = best
    while high < len(weights) - 1 and good[high + 1]:
        high += 1
    return replace(base, fusion="linear", dense_weight=weights[high])
