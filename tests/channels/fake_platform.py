"""A fake messaging platform on localhost: records every API call Aisle makes and answers it.

Each platform's tests add the routes its real API has (`route`), start it on a real port with
`aiohttp_server(fake.app)`, and point the channel's `base_url` at `fake.url`. Calls can be made
to fail (`fail_next`) to test the retry rules.

>>> fake = FakePlatform()
>>> fake.route("POST", "/bot{token}/sendMessage", lambda call: {"ok": True, "result": {}})
>>> await fake.wait_for(lambda calls: len(calls) >= 1)
"""
from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str]
    query: dict[str, str]
    body: bytes
    match: dict[str, str] = field(default_factory=dict)

    @property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


Answer = Callable[[Call], Any]  # -> dict (JSON), bytes, or a web.Response


@dataclass
class _Failure:
    path_part: str
    status: int
    headers: dict[str, str]
    body: Any
    times: int


class FakePlatform:
    def __init__(self) -> None:
        self.app = web.Application()
        self.calls: list[Call] = []
        self.url = ""
        self._changed = asyncio.Condition()
        self._failures: list[_Failure] = []

    def route(self, method: str, path: str, answer: Answer) -> None:
        async def handle(request: web.Request) -> web.StreamResponse:
            call = Call(request.method, request.path, dict(request.headers), dict(request.query),
                        await request.read(), dict(request.match_info))
            failure = self._take_failure(call.path)
            if failure is None:
                self.calls.append(call)
            async with self._changed:
                self._changed.notify_all()
            if failure is not None:
                return web.json_response(failure.body, status=failure.status, headers=failure.headers)
            return _response(answer(call))

        self.app.router.add_route(method, path, handle)

    def fail_next(self, path_part: str, status: int, headers: dict[str, str] | None = None, body: Any = None,
                  times: int = 1) -> None:
        """The next `times` calls whose path contains `path_part` get `status` instead of an answer."""
        self._failures.append(_Failure(path_part, status, headers or {}, body or {"error": "fake"}, times))

    def _take_failure(self, path: str) -> _Failure | None:
        for failure in self._failures:
            if failure.path_part in path and failure.times > 0:
                failure.times -= 1
                return failure
        return None

    async def wait_for(self, predicate: Callable[[list[Call]], bool], timeout: float = 10.0) -> list[Call]:
        """Wait until `predicate(calls)` holds; fails the test with the calls seen when it never does."""
        async def until() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: predicate(self.calls))

        try:
            await asyncio.wait_for(until(), timeout)
        except TimeoutError:
            seen = [(c.method, c.path, c.body[:200]) for c in self.calls]
            raise AssertionError(f"the platform never got the expected calls; it got {seen}") from None
        return self.calls

    async def settle(self, seconds: float = 0.3) -> list[Call]:
        """The calls after a short quiet moment, to check that nothing (more) was sent."""
        await asyncio.sleep(seconds)
        return self.calls


def _response(answer: Any) -> web.StreamResponse:
    if isinstance(answer, web.StreamResponse):
        return answer
    if isinstance(answer, bytes):
        return web.Response(body=answer, content_type="application/octet-stream")
    return web.json_response(answer)
