"""Failed order look-ups, counted per conversation and per client address, so order numbers cannot be guessed.

An anonymous shopper proves an order is theirs with its number and the e-mail address on it. Each
pair that does not match counts against the conversation and against the address it came from
(where the channel knows one); over either limit within `window_s`, look-ups are refused without
reading the store until old failures age out. Counts live in this process's memory.

>>> guard = LookupGuard(per_conversation=5, per_address=20)
>>> guard.blocked("webchat:abc", "203.0.113.9")
False
>>> guard.failed("webchat:abc", "203.0.113.9")
"""
from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class LookupGuard:
    per_conversation: int = 5
    per_address: int = 20
    window_s: float = 3600.0
    max_keys: int = 100_000
    clock: Callable[[], float] = time.monotonic
    _failures: OrderedDict[str, deque[float]] = field(default_factory=OrderedDict, repr=False)

    def blocked(self, conversation: str, address: str = "") -> bool:
        """True while the conversation or the address has used up its failed tries."""
        return (self._count(f"c:{conversation}") >= self.per_conversation
                or bool(address) and self._count(f"a:{address}") >= self.per_address)

    def failed(self, conversation: str, address: str = "") -> None:
        now = self.clock()
        for key in (f"c:{conversation}", f"a:{address}" if address else ""):
            if key:
                self._failures.setdefault(key, deque()).append(now)
                self._failures.move_to_end(key)
        while len(self._failures) > self.max_keys:
            self._failures.popitem(last=False)

    def _count(self, key: str) -> int:
        times = self._failures.get(key)
        if not times:
            return 0
        while times and self.clock() - times[0] >= self.window_s:
            times.popleft()
        return len(times)
