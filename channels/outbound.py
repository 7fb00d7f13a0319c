"""Calls to the platforms' APIs: one aiohttp session, each platform's pace, and its retry rules.

    outbound = Outbound(OutboundConfig())
    async with outbound:                     # the server opens it at start-up (`cleanup_ctx`)
        await outbound.call("telegram", "sendMessage", "POST", url, json=body, pace=TELEGRAM_PACE, key=chat_id)

A 429 waits as long as the platform asks (the `Retry-After` header, or Telegram's
`parameters.retry_after`) and tries again; a 5xx or a dropped connection backs off exponentially;
any other 4xx is the caller's mistake and is raised at once. At most `max_concurrency` calls per
platform are in flight at once; a call that finds them all taken for `timeout_s` fails at once with
`PlatformBusy` instead of joining an ever longer queue behind a slow platform. Log lines and errors name the
platform and the API method, never the URL: Telegram puts the bot token in the path.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from agent.config_channels import OutboundConfig
from agent.errors import ChannelError
from skills.tryon.resilience import Slots, SlotsFull

log = logging.getLogger(__name__)

RetryWhen = Callable[[int, bytes], bool]


class PlatformError(ChannelError):
    """A platform refused a call, or could not be reached after every retry."""

    def __init__(self, platform: str, action: str, status: int, detail: str) -> None:
        super().__init__(f"{platform} {action} failed ({status or 'no answer'}): {detail[:300]}")
        self.platform, self.action, self.status = platform, action, status


class PlatformBusy(PlatformError):
    """Every slot for the platform stayed taken for `timeout_s`: the call was not sent."""

    def __init__(self, platform: str, action: str, detail: str) -> None:
        super().__init__(platform, action, 0, detail)


@dataclass(frozen=True)
class Pace:
    """How fast one bot may send: `per_key` messages a second to one chat (bursts of `burst`), `overall` in all."""

    per_key: float
    burst: int
    overall: float


class _Bucket:
    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate, self.capacity, self.tokens, self.last = rate, capacity, capacity, now

    def take(self, now: float) -> float:
        """Take one token; the seconds to wait before the message may go (0 when it may go now)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
        self.last = now
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate


class Outbound:
    """The one HTTP session every channel sends through."""

    def __init__(self, config: OutboundConfig = OutboundConfig(),
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.session: aiohttp.ClientSession | None = None
        self._sleep, self._clock = sleep, clock
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self.slots: dict[str, Slots] = {}

    async def __aenter__(self) -> "Outbound":
        timeout = aiohttp.ClientTimeout(total=self.config.timeout_s)
        self.session = aiohttp.ClientSession(timeout=timeout, headers={"User-Agent": "Aisle"})
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.session is not None:
            await self.session.close()
            self.session = None

    async def call(self, platform: str, action: str, method: str, url: str, *, pace: Pace | None = None,
                   key: str = "", retry_when: RetryWhen | None = None, **kwargs: Any) -> Any:
        """Send one request; returns the decoded JSON body (or the text when it is not JSON).

        `retry_when(status, body)` marks further answers as "slow down" (Meta's rate-limit error codes
        arrive with a 400).
        """
        if pace is not None:
            await self._wait_turn(platform, key, pace)
        body, _ = await self._request(platform, action, method, url, retry_when=retry_when, **kwargs)
        try:
            return json.loads(body) if body else {}
        except ValueError:
            return body.decode("utf-8", "replace")

    async def download(self, platform: str, url: str, max_bytes: int, **kwargs: Any) -> tuple[bytes, str]:
        """A file's bytes and content type; a `PlatformError` when it is larger than `max_bytes`."""
        return await self._request(platform, "download", "GET", url, max_bytes=max_bytes, **kwargs)

    async def _wait_turn(self, platform: str, key: str, pace: Pace) -> None:
        now = self._clock()
        if len(self._buckets) > 20_000:
            self._buckets = {k: b for k, b in self._buckets.items() if now - b.last < 60}
        one = self._bucket((platform, key), pace.per_key, pace.burst, now)
        every = self._bucket((platform, ""), pace.overall, max(pace.overall, 1.0), now)
        wait = max(one.take(now), every.take(now))
        if wait > 0:
            await self._sleep(wait)

    def _slots(self, platform: str) -> Slots:
        slots = self.slots.get(platform)
        if slots is None:
            slots = self.slots[platform] = Slots(platform, self.config.max_concurrency, self.config.timeout_s)
        return slots

    def _bucket(self, name: tuple[str, str], rate: float, capacity: float, now: float) -> _Bucket:
        bucket = self._buckets.get(name)
        if bucket is None:
            bucket = self._buckets[name] = _Bucket(rate, capacity, now)
        return bucket

    async def _request(self, platform: str, action: str, method: str, url: str, max_bytes: int = 0,
                       retry_when: RetryWhen | None = None, **kwargs: Any) -> tuple[bytes, str]:
        if self.session is None:
            raise PlatformError(platform, action, 0, "the HTTP session is not open (the server is not running)")
        attempts = self.config.retries + 1
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                async with self._slots(platform).hold(), self.session.request(method, url, **kwargs) as response:
                    body = await _read(response, max_bytes, platform, action)
                    status, headers = response.status, response.headers
                    content_type = response.content_type
            except SlotsFull as exc:
                raise PlatformBusy(platform, action, str(exc)) from None
            except (aiohttp.ClientConnectionError, asyncio.TimeoutError) as exc:
                if last:
                    raise PlatformError(platform, action, 0, type(exc).__name__) from None
                await self._back_off(platform, action, attempt, None, "no answer")
                continue
            if status < 400:
                return body, content_type
            if (status == 429 or status >= 500 or (retry_when and retry_when(status, body))) and not last:
                await self._back_off(platform, action, attempt, _retry_after(headers, body), str(status))
                continue
            raise PlatformError(platform, action, status, body.decode("utf-8", "replace"))
        raise AssertionError("unreachable")  # pragma: no cover

    async def _back_off(self, platform: str, action: str, attempt: int, asked: float | None, why: str) -> None:
        wait = asked if asked is not None else self.config.backoff_s * 2 ** attempt
        if wait > self.config.max_retry_after_s:
            raise PlatformError(platform, action, 429, f"asked to wait {wait:.0f} s, more than "
                                f"channels.outbound.max_retry_after_s ({self.config.max_retry_after_s:.0f} s)")
        log.warning("%s %s: %s, trying again in %.1f s", platform, action, why, wait)
        await self._sleep(wait)


async def _read(response: aiohttp.ClientResponse, max_bytes: int, platform: str, action: str) -> bytes:
    if not max_bytes:
        return await response.read()
    if response.content_length is not None and response.content_length > max_bytes:
        raise PlatformError(platform, action, response.status, f"the file is larger than {max_bytes} bytes")
    data = bytearray()
    async for chunk in response.content.iter_chunked(64 * 1024):
        data.extend(chunk)
        if len(data) > max_bytes:
            raise PlatformError(platform, action, response.status, f"the file is larger than {max_bytes} bytes")
    return bytes(data)


def _retry_after(headers: Any, body: bytes) -> float | None:
    """Seconds the platform asked us to wait: the header, else Telegram's `parameters.retry_after`."""
    value = headers.get("Retry-After")
    if value is not None:
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
    try:
        hint = json.loads(body).get("parameters", {}).get("retry_after")
    except (ValueError, AttributeError):
        return None
    return float(hint) if isinstance(hint, (int, float)) else None
