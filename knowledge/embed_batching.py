"""One embedding model shared by many conversations: concurrent small requests become one forward pass.

    embedder = BatchingEmbedder(SentenceTransformerEmbedder(), max_batch=64)
    embedder.embed(["red sneakers"])          # from any thread; blocks until its rows are ready

Every turn embeds the shopper's message (the intent router) and often a search query. Under load,
dozens of turns do this at once from worker threads, and on a small CPU that is where the time
goes: a lone short sentence costs MiniLM about as much per text as a batch of eight costs in all,
and parallel forward passes only fight over the same cores. So requests are queued and a single
worker thread runs them: whatever queued up while the previous pass ran goes into the next one
(up to `max_batch` texts). A request that finds the worker idle runs at once, so a quiet server adds
no latency; `wait_ms` can hold a pass open a little longer for fuller batches.

Large calls (index builds, with or without a progress bar) bypass the queue but still take the
model's lock, so at most one forward pass runs at any time.

The worker's passes use `threads` torch threads (0: half the CPU cores, at least one). Small passes
gain little from more threads, and spinning ones take the core the event loop, search and the
store need: on 2 busy cores, one thread per pass cut bench.load's p99 turn latency to about half of
what two gave. Torch keeps a thread's count from its first operation, so the worker sets its own.
"""
from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future
from typing import Any

import numpy as np

from knowledge.embedders import Embedder

_Job = tuple[list[str], Future]


class BatchingEmbedder:
    """An `Embedder` that gathers concurrent `embed` calls into batches for the one it wraps."""

    def __init__(self, inner: Embedder, max_batch: int = 64, wait_ms: float = 0.0, threads: int = 0) -> None:
        if max_batch < 1:
            raise ValueError(f"max_batch must be at least 1, got {max_batch}")
        self.inner = inner
        self.max_batch = max_batch
        self.wait_s = wait_ms / 1000
        self.threads = threads or max(1, (os.cpu_count() or 2) // 2)
        self.passes = 0  # forward passes run by the worker, and the texts they held
        self.batched_texts = 0
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._model_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._worker: threading.Thread | None = None

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def __getattr__(self, attribute: str) -> Any:  # load(), batch_size, device: the wrapped embedder's
        if attribute == "inner":
            raise AttributeError(attribute)
        return getattr(self.inner, attribute)

    def embed(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        texts = list(texts)
        if not texts or progress or len(texts) >= self.max_batch:
            with self._model_lock:
                return self.inner.embed(texts, progress)
        job: Future = Future()
        self._ensure_worker()
        self._queue.put((texts, job))
        return job.result()

    def close(self) -> None:
        """Stop the worker after the requests already queued (a later `embed` starts a new one)."""
        with self._start_lock:
            if self._worker is not None:
                self._queue.put(None)
                self._worker.join()
                self._worker = None

    def _ensure_worker(self) -> None:
        if self._worker is None:
            with self._start_lock:
                if self._worker is None:
                    self._worker = threading.Thread(target=self._run, name="embedder-batches", daemon=True)
                    self._worker.start()

    def _run(self) -> None:
        _set_torch_threads(self.threads)
        while (first := self._queue.get()) is not None:
            jobs, stop = self._gather(first)
            self._embed(jobs)
            if stop:
                return

    def _gather(self, first: _Job) -> tuple[list[_Job], bool]:
        """`first` and what else is queued (waiting up to `wait_s` for more), up to `max_batch` texts."""
        jobs, count = [first], len(first[0])
        deadline = time.monotonic() + self.wait_s
        while count < self.max_batch:
            remaining = deadline - time.monotonic()
            try:
                job = self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait()
            except queue.Empty:
                break
            if job is None:
                return jobs, True
            jobs.append(job)
            count += len(job[0])
        return jobs, False

    def _embed(self, jobs: list[_Job]) -> None:
        texts = [text for job_texts, _ in jobs for text in job_texts]
        try:
            with self._model_lock:
                vectors = self.inner.embed(texts)
        except BaseException as exc:  # every caller hears of it; the worker lives on
            for _, job in jobs:
                job.set_exception(exc)
            return
        self.passes += 1
        self.batched_texts += len(texts)
        start = 0
        for job_texts, job in jobs:
            job.set_result(vectors[start:start + len(job_texts)])
            start += len(job_texts)


def _set_torch_threads(threads: int) -> None:
    """For the calling thread (torch reads the count once per thread); a model without torch is left be."""
    try:
        import torch
    except ImportError:  # pragma: no cover - torch comes with sentence-transformers
        return
    torch.set_num_threads(threads)

