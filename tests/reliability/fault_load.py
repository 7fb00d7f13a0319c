"""Simulated shoppers (`bench.load_shopper`) chatting with a served app while a test breaks things.

>>> async with Shoppers(base_url, turn_limit_s=3.0) as shoppers:
...     ok = await shoppers.phase(3.0)          # a `Tally` of what they measured meanwhile
...     stop_the_backend()
...     broken = await shoppers.phase(4.0)

Half the shoppers talk over the widget's WebSocket, half over REST; a turn that takes longer than
`turn_limit_s`, a non-200, an `error` frame or a dropped socket counts as an error in the tally.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Self

import aiohttp

from bench.load_shopper import ShopperPlan, Tally, shopper_loop


@dataclass
class Shoppers:
    base_url: str
    turn_limit_s: float
    count: int = 6
    think_s: tuple[float, float] = (0.05, 0.3)
    seed: int = 11
    _session: aiohttp.ClientSession | None = field(default=None, repr=False)
    _round: int = 0

    async def __aenter__(self) -> Self:
        self._session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()

    async def phase(self, seconds: float) -> Tally:
        """Every shopper chats for `seconds` (a turn under way at the end is finished and counted)."""
        assert self._session is not None
        tally = Tally()
        plan = ShopperPlan(self.base_url, turns=10_000, think_s=self.think_s, turn_timeout_s=self.turn_limit_s,
                           deadline=time.monotonic() + seconds)
        self._round += 1
        await asyncio.gather(*(shopper_loop(self._session, plan, n, 0.0, False, self.seed * 1000 + self._round, tally)
                               for n in range(self.count)))
        return tally


def slowest_ms(tally: Tally) -> float:
    return max(tally.latencies_ms, default=0.0)
