"""A try-on service with an asynchronous task API, the way commercial try-on APIs work.

1. `POST {base_url}{path}` with the JSON body of the plain HTTP API (see `http_api`), plus
   `callback_url` when Aisle has a public address → `{"task_id": "..."}` (or `{"id": ...}`).
2. Either the service POSTs the task's status JSON to `callback_url`, or Aisle polls
   `GET {base_url}{path}/{task_id}` every `poll_interval_s` → `{"status": "queued"|"running"|
   "succeeded"|"failed", "image" | "image_url" | "output": ..., "error": "..."}`.
   Common spellings (`completed`, `processing`, `IN_QUEUE`, ...) are understood. With callbacks on,
   polling continues more slowly as a safety net, so a lost callback costs time, not the result.

    inbox = TaskInbox(signer, "https://shop.example")       # the server routes callbacks into it
    backend = TaskApiBackend(session, "https://api.tryon.example/v1", inbox=inbox)
"""
from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from typing import Any
from urllib.parse import quote

import aiohttp

from knowledge.media import MediaLinkInvalid, UrlSigner
from skills.tryon.backend import BadServiceReply, ServiceUnavailable, TaskFailed, TryOnImage, TryOnRequest, status_failure
from skills.tryon.http_api import bearer, image_from_answer, parse_json, read_limited, request_payload

CALLBACK_PREFIX = "/tryon/callback/"
PENDING = frozenset({"queued", "pending", "starting", "in_queue", "in_progress", "processing", "running",
                     "submitted", "created", "waiting"})
DONE = frozenset({"succeeded", "success", "successful", "completed", "complete", "done", "finished"})
FAILED = frozenset({"failed", "failure", "error", "canceled", "cancelled", "timeout", "expired"})


class TaskInbox:
    """Where callbacks land: `expect(key)` hands out a queue, `deliver(token, body)` feeds it."""

    def __init__(self, signer: UrlSigner, public_base_url: str, link_ttl_s: float = 3600) -> None:
        self.signer = signer
        self.public_base_url = public_base_url.rstrip("/")
        self.link_ttl_s = link_ttl_s
        self._waiting: dict[str, asyncio.Queue[dict[str, Any]]] = {}

    def callback_url(self, key: str) -> str:
        token = self.signer.sign(f"task-{key}", time.time() + self.link_ttl_s)
        return f"{self.public_base_url}{CALLBACK_PREFIX}{token}"

    def expect(self, key: str) -> asyncio.Queue[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=16)
        self._waiting[key] = queue
        return queue

    def forget(self, key: str) -> None:
        self._waiting.pop(key, None)

    def deliver(self, token: str, body: dict[str, Any]) -> bool:
        """True if a waiting task took `body`; raises `MediaLinkInvalid` for a forged or expired token."""
        payload = self.signer.verify(token)
        if not payload.startswith("task-"):
            raise MediaLinkInvalid("this link is not a task callback")
        queue = self._waiting.get(payload.removeprefix("task-"))
        if queue is None or queue.full():
            return False
        queue.put_nowait(body)
        return True


class TaskApiBackend:
    name = "task"

    def __init__(self, session: aiohttp.ClientSession, base_url: str, path: str = "/tasks", api_key: str = "",
                 inputs: str = "base64", poll_interval_s: float = 1.0, inbox: TaskInbox | None = None) -> None:
        self.session = session
        self.base = base_url.rstrip("/")
        self.url = self.base + "/" + path.strip("/")
        self.headers = bearer(api_key)
        self.inputs = inputs
        self.poll_interval_s = poll_interval_s
        self.inbox = inbox

    async def render(self, request: TryOnRequest) -> TryOnImage:
        payload = request_payload(request, self.inputs, self.name)
        key = secrets.token_urlsafe(12)
        callbacks = self.inbox.expect(key) if self.inbox else None
        if self.inbox:
            payload["callback_url"] = self.inbox.callback_url(key)
        try:
            task_id = await self._submit(payload)
            return await self._wait(task_id, callbacks)
        finally:
            if self.inbox:
                self.inbox.forget(key)

    async def _submit(self, payload: dict[str, Any]) -> str:
        answer = await self._call("POST", self.url, payload, "submitting the task", ok=(200, 201, 202))
        task_id = answer.get("task_id", answer.get("id"))
        if not isinstance(task_id, (str, int)) or isinstance(task_id, bool) or not str(task_id):
            raise BadServiceReply(f"the submit answer has no task id (keys: {', '.join(sorted(answer))})", self.name)
        return str(task_id)

    async def _wait(self, task_id: str, callbacks: asyncio.Queue | None) -> TryOnImage:
        """Until the task ends: take callbacks as they come, poll otherwise (slower with callbacks on)."""
        interval = self.poll_interval_s * (5 if callbacks is not None else 1)
        status_url = f"{self.url}/{quote(task_id, safe='')}"
        while True:
            answer = await self._next_status(callbacks, interval, status_url)
            image = await self._outcome(answer)
            if image is not None:
                return image

    async def _next_status(self, callbacks: asyncio.Queue | None, interval: float, status_url: str) -> dict:
        if callbacks is None:
            await asyncio.sleep(interval)
        else:
            with contextlib.suppress(TimeoutError):
                return await asyncio.wait_for(callbacks.get(), interval)
        return await self._call("GET", status_url, None, "the task status")

    async def _outcome(self, answer: dict[str, Any]) -> TryOnImage | None:
        status = answer.get("status", answer.get("state"))
        status = status.lower() if isinstance(status, str) else status
        if status in PENDING:
            return None
        if status in FAILED:
            error = answer.get("error") or answer.get("message") or "no reason given"
            raise TaskFailed(f"the task failed: {str(error)[:200]}", self.name)
        if status in DONE:
            return await image_from_answer(self.session, answer, self.name, self.headers, self.base)
        raise BadServiceReply(f"unknown task status {status!r}", self.name)

    async def _call(self, method: str, url: str, body: dict | None, what: str, ok: tuple[int, ...] = (200,)) -> dict:
        try:
            async with self.session.request(method, url, json=body, headers=self.headers) as response:
                if response.status not in ok:
                    raise status_failure(response.status, self.name, what)
                return parse_json(await read_limited(response, self.name), self.name)
        except aiohttp.ClientError as exc:
            raise ServiceUnavailable(f"{what}: {exc}", self.name) from None
