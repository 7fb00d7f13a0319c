"""A search benchmark in the BEIR layout: ``corpus.jsonl``, ``queries.jsonl`` and ``qrels.tsv``.

    data = load_beir(Path("../shared/data/homedepot_search"))
    data.evaluable()                 # query ids with at least one product graded above 0
    small = data.sample(queries=500, products=5000, seed=0)
"""
from __future__ import annotations

import csv
import json
import os
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge.catalog_io import write_jsonl
from knowledge.product import Product

FILES = ("corpus.jsonl", "queries.jsonl", "qrels.tsv")


@dataclass(frozen=True)
class BeirData:
    """Documents (id → text), queries (id → text) and graded judgments (query id → {doc id: grade})."""

    corpus: dict[str, str]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]

    def evaluable(self) -> list[str]:
        """Queries with at least one judged document in the corpus graded above 0, in file order."""
        return [qid for qid in self.queries
                if any(grade > 0 and doc in self.corpus for doc, grade in self.qrels.get(qid, {}).items())]

    def sample(self, queries: int, products: int, seed: int = 0) -> BeirData:
        """A smaller benchmark: ``queries`` evaluable queries, every product they judge, then random
        other products up to ``products`` (more if the judged ones alone exceed it)."""
        rng = random.Random(seed)
        chosen = sorted(rng.sample(self.evaluable(), min(queries, len(self.evaluable()))))
        judged = {doc for qid in chosen for doc in self.qrels[qid] if doc in self.corpus}
        others = sorted(set(self.corpus) - judged)
        extra = rng.sample(others, max(0, min(len(others), products - len(judged))))
        keep = judged | set(extra)
        return BeirData(
            corpus={doc: text for doc, text in self.corpus.items() if doc in keep},
            queries={qid: self.queries[qid] for qid in chosen},
            qrels={qid: self.qrels[qid] for qid in chosen},
        )


def missing_files(folder: Path) -> list[str]:
    """The BEIR files absent from ``folder``."""
    return [name for name in FILES if not (folder / name).is_file()]


def load_beir(folder: Path) -> BeirData:
    """Read the three files of a BEIR folder; the corpus text is the title and text joined."""
    corpus = {}
    for row in _jsonl(folder / "corpus.jsonl"):
        corpus[str(row["_id"])] = " ".join(part for part in (row.get("title", ""), row.get("text", "")) if part)
    queries = {str(row["_id"]): row["text"] for row in _jsonl(folder / "queries.jsonl")}
    qrels: dict[str, dict[str, int]] = {}
    with open(folder / "qrels.tsv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            qrels.setdefault(row["query-id"], {})[row["corpus-id"]] = int(float(row["score"]))
    return BeirData(corpus, queries, qrels)


def write_catalog(path: Path, products: Sequence[Product]) -> Path:
    """Products as a JSON Lines catalog, written aside and renamed so a reader never sees half of it."""
    partial = write_jsonl(products, path.with_name(path.name + ".partial"))
    os.replace(partial, path)
    return path


def _jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
