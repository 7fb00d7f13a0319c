"""Dynamic batching: requests from concurrent conversations are gathered for a few milliseconds and
decoded together by one worker thread that owns the model. The window slides: it closes once no
request arrived for `wait_ms` (or after ten windows), so a burst of conversations is caught whole.

    batcher = Batcher(run_batch, max_batch=32, wait_ms=5)
    batcher.start()
    batcher.submit(job)          # from any thread; the job's events arrive on its asyncio queue
    batcher.stop()

With `max_batch=1` it is the naive server: one request at a time, in arrival order.
"""
from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

_STOP = object()


@dataclass(eq=False)
class Job:
    """One request on its way through the worker: prompt in, events (str deltas, then the end) out."""

    request: Any
    prompt_ids: list[int]
    loop: asyncio.AbstractEventLoop
    matcher: Any = None
    events: asyncio.Queue = field(default_factory=asyncio.Queue)
    deadline: float = float("inf")  # time.monotonic() seconds
    cancelled: threading.Event = field(default_factory=threading.Event)

    def emit(self, event: Any) -> None:
        """Thread-safe: hand an event to the coroutine that waits for this job."""
        try:
            self.loop.call_soon_threadsafe(self.events.put_nowait, event)
        except RuntimeError:  # the loop closed: nobody is listening any more
            self.cancelled.set()

    @property
    def expired(self) -> bool:
        return self.cancelled.is_set() or time.monotonic() >= self.deadline

    def batch_key(self) -> tuple:
        """Requests decode together only when they sample alike."""
        r = self.request
        return (r.temperature > 0, round(r.temperature, 4), round(r.top_p, 4))


@dataclass(frozen=True)
class Finished:
    """The last event of a job."""

    reason: str  # stop | length | timeout | cancelled
    prompt_tokens: int
    completion_tokens: int


class Batcher:
    """One worker thread; `run_batch(jobs)` decodes a list of jobs that sample alike."""

    def __init__(self, run_batch: Callable[[Sequence[Job]], None], max_batch: int = 8, wait_ms: float = 5.0):
        if max_batch < 1:
            raise ValueError(f"max_batch must be at least 1, got {max_batch}")
        self.run_batch = run_batch
        self.max_batch = max_batch
        self.wait_s = max(0.0, wait_ms) / 1000
        self._queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self.batch_sizes: list[int] = []  # what the worker actually decoded together, for reports and tests

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="llm-batcher", daemon=True)
            self._thread.start()

    def submit(self, job: Job) -> None:
        if self._thread is None:
            raise RuntimeError("the batcher is not running")
        self._queue.put(job)

    def stop(self, timeout: float = 30.0) -> None:
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout)
            self._thread = None

    def _work(self) -> None:
        while (first := self._queue.get()) is not _STOP:
            batch, stopping = self._gather(first)
            for group in _partition([job for job in batch if not job.expired]):  # expired: its caller gave up
                self._run(group)
            if stopping:
                break
        self._drain()

    def _gather(self, first: Job) -> tuple[list[Job], bool]:
        """Wait until no request arrived for `wait_ms` (at most ten windows in all), or the batch is full."""
        batch, now = [first], time.monotonic()
        until, cap = now + self.wait_s, now + 10 * self.wait_s
        while len(batch) < self.max_batch:
            try:
                job = self._queue.get(timeout=max(0.0, min(until, cap) - time.monotonic()))
            except queue.Empty:
                break
            if job is _STOP:
                return batch, True
            batch.append(job)
            until = time.monotonic() + self.wait_s  # a request just came: others may be right behind it
        return batch, False

    def _run(self, group: list[Job]) -> None:
        self.batch_sizes.append(len(group))
        try:
            self.run_batch(group)
        except Exception as exc:  # the worker must survive a failed batch; every caller hears of it
            log.exception("LLM batch of %d requests failed", len(group))
            for job in group:
                job.emit(exc)

    def _drain(self) -> None:
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                return
            if job is not _STOP:
                job.emit(RuntimeError("the model server is shutting down"))


def _partition(jobs: list[Job]) -> list[list[Job]]:
    groups: dict[tuple, list[Job]] = {}
    for job in jobs:
        groups.setdefault(job.batch_key(), []).append(job)
    return list(groups.values())
