"""Product search benchmark: BM25, dense (MiniLM + FAISS) and hybrid fusion on any BEIR folder.

    python -m bench.search [--quick] [--data DIR] --out results/search.json

Protocol (``../shared/data/README.md``): retrieve over the whole corpus for every query with at
least one product graded above 0; nDCG@10 (gain 2^grade - 1, log2 discount, ideal from the judged
grades) and Recall@100 of products graded above 0. Home Depot search is the default data set;
``--data`` takes any folder in the BEIR layout, and the published reference figures are printed
only beside the data set they were measured on. The shipped hybrid uses the settings the index
chose for the catalog when it was built, from the catalog alone (``knowledge.search_tuning``);
for comparison, settings are also fitted with the labels on a seeded 20 % of the queries, and
every quality figure is reported on the other 80 %. Corpus and query embeddings are cached under
``var/bench-cache/`` keyed by a hash of the model and the texts.
``--quick`` samples 500 queries and a 5,000-product corpus holding every product they judge.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from bench.beir import BeirData, load_beir, missing_files, write_catalog
from bench.embed_cache import cached_embeddings, content_key
from bench.search_eval import agreement, compare, gather, split_queries, tune_linear
from bench.search_timing import build_throughput, machine, peak_rss_mb, paired_latency_ms
from knowledge.catalog_index import CatalogIndex
from knowledge.embedders import Embedder, HashingEmbedder, SentenceTransformerEmbedder
from knowledge.product import Product
from knowledge.retriever import Retriever
from knowledge.search_tuning import TUNING_KEY

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "homedepot_search"
REFERENCES = {"homedepot_search": {"bm25": (0.328, 0.673), "dense": (0.276, 0.647), "rrf": (0.331, 0.737)}}
"""Published figures (nDCG@10, Recall@100, all evaluable queries) by data set folder name."""
EMBEDDERS = ("minilm", "hashing")


@dataclass(frozen=True)
class SearchBenchConfig:
    """One run's settings; ``--quick`` picks the small ones."""

    quick: bool = False
    sample_queries: int = 500
    sample_products: int = 5000
    latency_queries: int = 500
    throughput_products: int = 2000
    tune_share: float = 0.2
    seed: int = 0
    embedder: str = "minilm"

    def __post_init__(self) -> None:
        if self.embedder not in EMBEDDERS:
            raise ValueError(f"embedder {self.embedder!r} is not known; choose one of {', '.join(EMBEDDERS)}")
        for name in ("sample_queries", "sample_products", "latency_queries", "throughput_products"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)!r}")

    @classmethod
    def for_run(cls, quick: bool, embedder: str, latency_queries: int | None = None) -> SearchBenchConfig:
        config = cls(quick=True, latency_queries=150, throughput_products=300, embedder=embedder) if quick \
            else cls(embedder=embedder)
        return config if latency_queries is None else replace(config, latency_queries=latency_queries)


def run(data_dir: Path, config: SearchBenchConfig, cache_dir: Path) -> dict[str, Any]:
    """Every figure of the benchmark, as the JSON object it writes."""
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    data = load_beir(data_dir)
    if config.quick:
        data = data.sample(config.sample_queries, config.sample_products, config.seed)
    embedder = _embedder(config.embedder)
    retriever, doc_ids, open_seconds = _build(data, embedder, cache_dir)
    lexical_started = time.perf_counter()
    retriever.lexical
    lexical_seconds = time.perf_counter() - lexical_started
    quality = _quality(retriever, data, doc_ids, config, cache_dir)
    speed = _speed(retriever, data, config)
    name = data_dir.resolve().name
    return {
        **quality,
        **speed,
        "catalog_open_seconds": round(open_seconds, 1),
        "lexical_build_seconds": round(lexical_seconds, 2),
        "peak_rss_mb": peak_rss_mb(),
        "hybrid_config": asdict(retriever.config),
        "index_tuning": retriever.index.manifest.get(TUNING_KEY, {}),
        "lexical_config": asdict(retriever.lexical_config),
        "data": {"name": name, "folder": str(data_dir), "products": len(doc_ids),
                 "evaluable_queries": len(data.evaluable()), "sample": _sample(data, doc_ids, config)},
        "reference": {method: {"ndcg10": n, "recall100": r} for method, (n, r) in REFERENCES.get(name, {}).items()},
        "embedder": embedder.name,
        "machine": {**machine(), "load_average_1min": {"start": round(load_before, 2),
                                                        "end": round(os.getloadavg()[0], 2)}},
        "quick": config.quick,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _sample(data: BeirData, doc_ids: list[str], config: SearchBenchConfig) -> str | None:
    """What a ``--quick`` run measured on, counted from the data it really used; None for a full run."""
    if not config.quick:
        return None
    return (f"{len(data.evaluable())} of its queries drawn at random (seed {config.seed}), over "
            f"{len(doc_ids):,} products: all they judge plus random others")


def _quality(retriever: Retriever, data: BeirData, doc_ids: list[str], config: SearchBenchConfig,
             cache_dir: Path) -> dict[str, Any]:
    """nDCG@10 and Recall@100 of every method on the held-out queries (and on all), and the tuning."""
    query_ids = data.evaluable()
    split = split_queries(query_ids, config.tune_share, config.seed)
    vectors = cached_embeddings(retriever.index.embedder, [data.queries[q] for q in query_ids], cache_dir)
    found = gather(retriever, data, query_ids, vectors, retriever.config.depth)
    tuned, grid = tune_linear(found, split.tune, data, doc_ids, retriever.config)
    held_out = compare(found, split.report, data, doc_ids, retriever.config, tuned)
    step = max(1, len(query_ids) // 50)
    same = agreement(retriever, data, found, query_ids[::step], vectors[::step], retriever.config)
    return {
        "ndcg10": {name: figures["ndcg10"] for name, figures in held_out.items()},
        "recall100": {name: figures["recall100"] for name, figures in held_out.items()},
        "all_queries": compare(found, query_ids, data, doc_ids, retriever.config, tuned),
        "tuning": {"split": f"seeded {config.tune_share:.0%} of queries tuned on, the rest reported",
                   "tune_queries": len(split.tune), "report_queries": len(split.report),
                   "chosen_in_run": asdict(tuned), "grid_on_tune_split": grid},
        "batched_vs_live_top10_agreement": {"queries": len(query_ids[::step]),
                                             "share": round(same, 3)},
    }


def _speed(retriever: Retriever, data: BeirData, config: SearchBenchConfig) -> dict[str, Any]:
    """Warm search latency beside query-embedding latency, and index build throughput."""
    query_ids = data.evaluable()
    timing_ids = random.Random(config.seed).sample(query_ids, min(config.latency_queries, len(query_ids)))
    embedder = retriever.index.embedder
    timed = paired_latency_ms({"search": lambda text: retriever.search(text, k=10),
                               "embed": lambda text: embedder.embed([text])},
                              [data.queries[q] for q in timing_ids])
    throughput = build_throughput(retriever.index.products[: config.throughput_products], embedder,
                                  lambda index: Retriever(index, retriever.config, retriever.lexical_config))
    return {"latency_ms": timed["search"], "embed_query_ms": timed["embed"],
            "latency_vs_embed": round(timed["search"]["p50"] / timed["embed"]["p50"], 2), **throughput}


def _embedder(name: str) -> Embedder:
    return HashingEmbedder(dim=256) if name == "hashing" else SentenceTransformerEmbedder()


def _build(data: BeirData, embedder: Embedder, cache_dir: Path) -> tuple[Retriever, list[str], float]:
    """The catalog written as JSON Lines and opened the way a shop opens its own; the index lives
    in a folder named by the corpus hash, so a rerun reuses every stored vector."""
    doc_ids = list(data.corpus)
    folder = cache_dir / f"catalog-{content_key(embedder, [data.corpus[doc] for doc in doc_ids])[:16]}"
    catalog = folder / "catalog.jsonl"
    if not catalog.is_file():
        write_catalog(catalog, [Product(id=doc, title=data.corpus[doc]) for doc in doc_ids])
    started = time.perf_counter()
    index = CatalogIndex.open(catalog, folder / "index", embedder, progress=True)
    if len(index.products) != len(doc_ids):
        first = index.load_errors[0] if index.load_errors else "no error reported"
        raise RuntimeError(f"{catalog}: {len(index.products)} of {len(doc_ids)} products loaded ({first})")
    return Retriever(index), doc_ids, time.perf_counter() - started


def format_table(result: dict[str, Any]) -> str:
    """The human-readable summary printed after a run."""
    data = result["data"]
    lines = [f"{data['name']}: {data['evaluable_queries']:,} evaluable queries over {data['products']:,} products"
             + (f" ({data['sample']})" if data["sample"] else ""),
             f"{'method':<22}{'nDCG@10':>9}{'R@100':>8}" + ("   published reference (all queries)"
                                                            if result["reference"] else "")]
    for name, ndcg in result["ndcg10"].items():
        ref = result["reference"].get(name)
        ref_text = f"{ref['ndcg10']:.3f} / {ref['recall100']:.3f}" if ref else ""
        lines.append(f"{name:<22}{ndcg:>9.4f}{result['recall100'][name]:>8.4f}   {ref_text}")
    tuning, chosen = result["tuning"], result["index_tuning"]
    lines += [
        f"(held-out {tuning['report_queries']} queries; hybrid_tuned_in_run fitted with labels on "
        f"{tuning['tune_queries']}; hybrid as shipped: {_describe(chosen)})",
        f"search latency p50 {result['latency_ms']['p50']} ms, p99 {result['latency_ms']['p99']} ms; "
        f"query embedding alone p50 {result['embed_query_ms']['p50']} ms (ratio {result['latency_vs_embed']})",
        f"index build {result['build_products_per_s']} products/s vs embedder alone "
        f"{result['embed_products_per_s']} products/s (ratio {result['build_vs_embed_ratio']})",
        f"peak RSS {result['peak_rss_mb']} MiB; {result['machine']['cpu_count']} CPUs "
        f"({result['machine']['cpu_model']}), GPU {result['machine']['gpu']}; quick={result['quick']}",
    ]
    return "\n".join(lines)


def _describe(record: dict[str, Any]) -> str:
    if not record.get("tuned"):
        return f"defaults, not tuned ({record.get('reason', 'no tuning recorded')})"
    hybrid, lexical = record["hybrid"], record["lexical"]
    fusion = "RRF" if hybrid["fusion"] == "rrf" else f"dense weight {hybrid['dense_weight']}"
    return (f"{fusion}, BM25 k1 {lexical['k1']} b {lexical['b']}, chosen at index time from "
            f"{record['queries']} pseudo-queries in {record['seconds']} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="500 queries over a 5,000-product sample")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="a folder in the BEIR layout")
    parser.add_argument("--out", type=Path, required=True, help="where to write the JSON result")
    parser.add_argument("--embedder", choices=EMBEDDERS, default="minilm")
    parser.add_argument("--latency-queries", type=int, default=None,
                        help="queries timed for latency (default 500, 150 with --quick)")
    parser.add_argument("--cache-dir", type=Path, default=ROOT / "var" / "bench-cache")
    args = parser.parse_args(argv)
    absent = missing_files(args.data)
    if absent:
        print(f"bench.search: no search data at {args.data} (missing {', '.join(absent)}); skipped")
        return 0
    result = run(args.data, SearchBenchConfig.for_run(args.quick, args.embedder, args.latency_queries), args.cache_dir)
    print(format_table(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
