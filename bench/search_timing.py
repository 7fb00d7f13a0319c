"""Warm timings for the search benchmark: query latency, build throughput, memory and the machine."""
from __future__ import annotations

import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.beir import write_catalog
from knowledge.catalog_index import CatalogIndex
from knowledge.embedders import Embedder
from knowledge.product import Product
from knowledge.retriever import Retriever


def paired_latency_ms(calls: dict[str, Callable[[str], Any]], inputs: Sequence[str],
                      warmup: int = 20) -> dict[str, dict[str, float]]:
    """p50 and p99 in milliseconds of each call over ``inputs``, after ``warmup`` untimed rounds.

    The calls take turns on each input, so on a busy machine they meet the same load.
    """
    for text in inputs[:warmup]:
        for call in calls.values():
            call(text)
    times: dict[str, list[float]] = {name: [] for name in calls}
    for text in inputs:
        for name, call in calls.items():
            started = time.perf_counter()
            call(text)
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: {"p50": round(float(np.percentile(values, 50)), 2),
                   "p99": round(float(np.percentile(values, 99)), 2), "n": len(values)}
            for name, values in times.items()}


def build_throughput(products: Sequence[Product], embedder: Embedder,
                     retriever: Callable[[CatalogIndex], Retriever]) -> dict[str, float]:
    """Products per second of the raw embedder, and of building a searchable index from a catalog file
    over the same products (load, embed, FAISS, stored files, BM25 and filter columns), timed once each
    after a warm-up batch."""
    texts = [product.text_for_embedding() for product in products]
    embedder.embed(texts[:64])
    started = time.perf_counter()
    embedder.embed(texts)
    raw = len(texts) / (time.perf_counter() - started)
    with tempfile.TemporaryDirectory(prefix="aisle-bench-") as folder:
        catalog = write_catalog(Path(folder) / "catalog.jsonl", products)
        started = time.perf_counter()
        index = CatalogIndex.open(catalog, Path(folder) / "index", embedder, progress=False, rebuild=True)
        retriever(index).count()
        built = len(texts) / (time.perf_counter() - started)
    return {"build_products_per_s": round(built, 1), "embed_products_per_s": round(raw, 1),
            "build_vs_embed_ratio": round(built / raw, 3), "products_timed": len(texts)}


def peak_rss_mb() -> float:
    """The process's peak resident memory so far, in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024, 1)


def machine() -> dict[str, Any]:
    """CPU count and model, GPU name (or None), Python and platform."""
    return {"cpu_count": os.cpu_count(), "cpu_model": _cpu_model(), "gpu": _gpu_name(),
            "python": platform.python_version(), "platform": platform.platform()}


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        return platform.processor() or "unknown"
    return platform.processor() or "unknown"


def _gpu_name() -> str | None:
    """The first CUDA device's name; torch is asked only when this run already loaded it."""
    torch = sys.modules.get("torch")
    if torch is not None:
        return torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    if shutil.which("nvidia-smi") is None:
        return None
    listed = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"], capture_output=True,
                            text=True, check=False)
    return listed.stdout.strip().splitlines()[0] if listed.returncode == 0 and listed.stdout.strip() else None
