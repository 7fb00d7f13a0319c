"""Timeouts, retries with backoff, a concurrency limit and a circuit breaker around any backend.

    guarded = Guarded(GradioBackend(...), Policy(timeout_s=60, retries=2, max_concurrency=2))
    image = await guarded.render(request)     # same interface as the backend it wraps

At most `max_concurrency` calls are in flight at once (`Slots`); a call that waits longer than
`timeout_s` for a slot fails at once with `ServiceBusy`, which neither retries nor counts towards the
breaker, so a slow service cannot pile up waiting shoppers. Each attempt then gets `timeout_s`.
Retryable failures (`ServiceUnavailable`, timeouts) are retried after `backoff_s`, doubling each
time, with jitter. Every call that finally fails counts towards the
breaker; after `breaker_failures` in a row it opens and calls fail at once for `breaker_reset_s`
seconds, then one trial call decides whether it closes again.
"""
from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from knowledge.errors import AisleError
from skills.tryon.backend import CircuitOpen, ServiceUnavailable, TryOnBackend, TryOnFailed, TryOnImage, TryOnRequest

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Policy:
    timeout_s: float = 60.0
    retries: int = 2
    backoff_s: float = 1.0
    max_concurrency: int = 2
    breaker_failures: int = 3
    breaker_reset_s: float = 30.0

    def __post_init__(self) -> None:
        if self.timeout_s <= 0 or self.retries < 0 or self.backoff_s < 0 or self.max_concurrency < 1:
            raise ValueError(f"invalid try-on policy: {self}")


class SlotsFull(AisleError):
    """Every slot of a backend stayed taken for longer than a caller may wait."""


class ServiceBusy(TryOnFailed):
    """The try-on service already has `max_concurrency` calls in flight and none finished in time."""


class Slots:
    """At most `limit` calls to one backend at once; a caller that waits `wait_s` for a slot gets `SlotsFull`.

        slots = Slots("llm", limit=16, wait_s=10.0)
        async with slots.hold():
            await call_the_backend()

    `in_flight` and `waiting` say how loaded the backend is right now (`/metrics` reports them).
    """

    def __init__(self, name: str, limit: int, wait_s: float) -> None:
        if limit < 1 or wait_s < 0:
            raise ValueError(f"invalid slots for {name}: limit {limit}, wait_s {wait_s}")
        self.name, self.limit, self.wait_s = name, limit, wait_s
        self.in_flight = 0
        self.waiting = 0
        self._semaphore = asyncio.Semaphore(limit)

    @asynccontextmanager
    async def hold(self, wait_s: float | None = None) -> AsyncIterator[None]:
        wait = self.wait_s if wait_s is None else max(0.0, wait_s)
        self.waiting += 1
        try:
            async with asyncio.timeout(wait):
                await self._semaphore.acquire()
        except TimeoutError:
            raise SlotsFull(f"{self.name} is busy: {self.limit} calls in flight and no slot free "
                            f"within {wait:g} s") from None
        finally:
            self.waiting -= 1
        self.in_flight += 1
        try:
            yield
        finally:
            self.in_flight -= 1
            self._semaphore.release()


class CircuitBreaker:
    """Closed until `failures` failures in a row; open for `reset_s`; then half-open for one trial."""

    def __init__(self, failures: int, reset_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.failures = failures
        self.reset_s = reset_s
        self._clock = clock
        self._count = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> str:
        if self._opened_at is None:
            return "closed"
        return "half-open" if self._clock() - self._opened_at >= self.reset_s else "open"

    def allow(self) -> bool:
        state = self.state
        if state == "closed":
            return True
        if state == "half-open" and not self._trial_running:
            self._trial_running = True
            return True
        return False

    def retry_after(self) -> float:
        if self._opened_at is None:
            return 0.0
        return max(0.0, self.reset_s - (self._clock() - self._opened_at))

    def release_trial(self) -> None:
        self._trial_running = False

    def record_success(self) -> None:
        self._count, self._opened_at, self._trial_running = 0, None, False

    def record_failure(self) -> None:
        self._count += 1
        self._trial_running = False
        if self._opened_at is not None or self._count >= self.failures:
            self._opened_at = self._clock()


class Guarded:
    """A backend with the policy applied; `name` and `render` as the wrapped one."""

    def __init__(self, backend: TryOnBackend, policy: Policy = Policy(),
                 sleep: Callable[[float], object] = asyncio.sleep) -> None:
        self.backend = backend
        self.policy = policy
        self.name = backend.name
        self.breaker = CircuitBreaker(policy.breaker_failures, policy.breaker_reset_s)
        self.slots = Slots(f"try-on service {self.name}", policy.max_concurrency, policy.timeout_s)
        self._sleep = sleep

    def supports(self, category: str) -> bool:
        """Whether the wrapped backend can dress this garment category (most can dress all three)."""
        supports = getattr(self.backend, "supports", None)
        return supports(category) if supports is not None else True

    async def render(self, request: TryOnRequest) -> TryOnImage:
        if not self.breaker.allow():
            raise CircuitOpen(f"paused after repeated failures; retrying in {self.breaker.retry_after():.0f} s",
                              self.name)
        try:
            image = await self._attempts(request)
        except ServiceBusy:
            self.breaker.release_trial()  # our own limit was full: that says nothing about the service
            raise
        except TryOnFailed:
            self.breaker.record_failure()
            raise
        except BaseException:
            self.breaker.release_trial()  # a cancelled call says nothing about the service
            raise
        self.breaker.record_success()
        return image

    async def _attempts(self, request: TryOnRequest) -> TryOnImage:
        for attempt in range(self.policy.retries + 1):
            try:
                return await self._one_attempt(request)
            except TryOnFailed as exc:
                if not exc.retryable or attempt == self.policy.retries:
                    raise
                delay = self.policy.backoff_s * (2 ** attempt) * random.uniform(0.8, 1.2)
                log.warning("try-on attempt %d of %d failed (%s); retrying in %.2f s",
                            attempt + 1, self.policy.retries + 1, exc, delay)
                await self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _one_attempt(self, request: TryOnRequest) -> TryOnImage:
        try:
            async with self.slots.hold():
                async with asyncio.timeout(self.policy.timeout_s):
                    return await self.backend.render(request)
        except SlotsFull as exc:
            raise ServiceBusy(str(exc), self.name) from None
        except TimeoutError:
            raise ServiceUnavailable(f"no answer within {self.policy.timeout_s:g} s", self.name) from None
