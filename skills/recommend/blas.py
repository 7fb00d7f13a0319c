"""Matrix products on the calling thread while a recommendation is computed.

A request multiplies one vector by the catalog's matrices: a fraction of a millisecond on one core.
OpenBLAS would split each product across its thread pool, and on a busy server waking that pool
costs more than the work (measured: 1.0 ms instead of 0.13 ms per product with 2 cores shared).
The limit is process-wide in OpenBLAS, so it is taken by the first request in and given back by
the last one out::

    with single_threaded_blas():
        scores = vectors @ query
"""
from __future__ import annotations

import threading
from typing import Any

from threadpoolctl import ThreadpoolController

_lock = threading.Lock()
_state: dict[str, Any] = {"depth": 0, "limiter": None, "controller": None}


class single_threaded_blas:
    def __enter__(self) -> single_threaded_blas:
        with _lock:
            if _state["depth"] == 0:
                if _state["controller"] is None:
                    _state["controller"] = ThreadpoolController()
                _state["limiter"] = _state["controller"].limit(limits=1, user_api="blas")
            _state["depth"] += 1
        return self

    def __exit__(self, *exc: object) -> None:
        with _lock:
            _state["depth"] -= 1
            if _state["depth"] == 0:
                _state["limiter"].restore_original_limits()
                _state["limiter"] = None
