"""Concurrent small embedding requests share forward passes and each gets exactly its own rows."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from knowledge.embed_batching import BatchingEmbedder

TEXTS = [f"{colour} {kind} under {price} dollars" for colour in ("red", "blue", "black", "green")
         for kind in ("sneakers", "boots", "dress", "jacket") for price in (40, 80)]


class Slow:
    """Records each pass; the first one blocks until released, so later requests queue behind it."""

    name, dim = "slow", 3

    def __init__(self):
        self.passes: list[list[str]] = []
        self.release = threading.Event()

    def embed(self, texts, progress=False):
        self.passes.append(list(texts))
        if len(self.passes) == 1:
            self.release.wait(5)
        return np.array([[len(t), ord(t[0]), 1.0] for t in texts], dtype=np.float32)


def test_requests_made_while_a_pass_runs_share_the_next_pass_and_get_their_own_rows():
    inner = Slow()
    embedder = BatchingEmbedder(inner, max_batch=64)
    with ThreadPoolExecutor(16) as pool:
        first = pool.submit(embedder.embed, ["the first"])
        while not inner.passes:
            pass
        rest = [pool.submit(embedder.embed, [text]) for text in TEXTS[:15]]
        while embedder._queue.qsize() < 15:
            pass
        inner.release.set()
        results = [f.result(5) for f in rest]
    assert first.result()[0][0] == len("the first")
    assert [row[0][0] for row in results] == [len(t) for t in TEXTS[:15]]
    assert len(inner.passes) == 2 and sorted(inner.passes[1]) == sorted(TEXTS[:15])


def test_a_failing_pass_raises_in_every_caller_and_the_next_call_works():
    class Flaky(Slow):
        def embed(self, texts, progress=False):
            self.passes.append(list(texts))
            if len(self.passes) == 1:
                raise RuntimeError("out of memory")
            return np.ones((len(texts), 3), dtype=np.float32)

    embedder = BatchingEmbedder(Flaky())
    with pytest.raises(RuntimeError, match="out of memory"):
        embedder.embed(["a"])
    assert embedder.embed(["b", "c"]).shape == (2, 3)


def test_large_calls_bypass_the_queue_and_close_stops_the_worker():
    inner = Slow()
    inner.release.set()
    embedder = BatchingEmbedder(inner, max_batch=4)
    assert embedder.embed(TEXTS[:10]).shape == (10, 3) and embedder.passes == 0  # an index build: direct
    embedder.embed(["x"])
    embedder.close()
    assert embedder.passes == 1 and embedder._worker is None
    assert embedder.embed(["y"]).shape == (1, 3)  # a new worker on demand


def test_batched_vectors_equal_one_at_a_time_with_minilm(minilm):
    embedder = BatchingEmbedder(minilm)
    alone = np.vstack([minilm.embed([t]) for t in TEXTS])
    with ThreadPoolExecutor(8) as pool:
        together = np.vstack(list(pool.map(lambda t: embedder.embed([t]), TEXTS)))
    np.testing.assert_allclose(together, alone, atol=1e-5)
    assert embedder.name == minilm.name and embedder.dim == 384 and embedder.batch_size == minilm.batch_size


def test_the_worker_runs_its_passes_on_the_configured_torch_threads():
    import torch

    class Counts(Slow):
        def embed(self, texts, progress=False):
            self.passes.append([str(torch.get_num_threads())])
            return np.ones((len(texts), 3), dtype=np.float32)

    before = torch.get_num_threads()
    inner = Counts()
    BatchingEmbedder(inner, threads=1).embed(["a"])
    assert inner.passes == [["1"]] and torch.get_num_threads() == before  # the caller's own count is untouched
