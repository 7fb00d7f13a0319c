"""Any OpenAI-compatible chat server (vLLM, TGI, Ollama, llama.cpp server, `aisle llm-serve`).

    async with OpenAIBackend("http://gpu-box:8000/v1", model="qwen2.5-7b", api_key_env="LLM_API_KEY") as llm:
        completion = await llm.complete(ChatRequest(messages, tools=tools, tool_choice="required"))
        async for chunk in llm.stream(ChatRequest(messages)):
            print(chunk.text, end="")

Tools, `tool_choice`, structured outputs (`response_format`) and streaming (server-sent events)
pass through. Answers on 429 and 5xx, and refused connections, are retried with exponential backoff
and jitter (a `Retry-After` header is honoured); a circuit breaker stops calling a server that keeps
failing and lets one trial call through after `breaker_reset_s`. The whole request, retries
included, is bounded by its timeout. At most `max_concurrency` requests are in flight at once; one
that finds every slot taken for a whole timeout fails with `BackendBusy` (the router then answers
without the LLM), so a slow server cannot pile up waiting conversations. A request's `adapter` is
sent as the model name (vLLM's multi-LoRA convention). The API key is read from the environment
variable named by `api_key_env`.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp

from agent.llm.toolcalls import parse_tool_calls
from agent.llm.types import BackendUnavailable, ChatRequest, Chunk, Completion, LLMError, LLMTimeout, ToolCall
from skills.tryon.resilience import CircuitBreaker, Slots, SlotsFull

log = logging.getLogger(__name__)

RETRYABLE = frozenset({429, 500, 502, 503, 504})


class RetryableError(LLMError):
    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class BackendBusy(BackendUnavailable):
    """Every request slot of the LLM server stayed taken for the request's whole timeout."""


class OpenAIBackend:
    """Chat completions over HTTP with retries and a circuit breaker; one session per backend."""

    name = "openai"

    def __init__(self, base_url: str, model: str = "", *, api_key_env: str = "", timeout_s: float = 30.0,
                 retries: int = 2, backoff_s: float = 0.25, breaker_failures: int = 5, breaker_reset_s: float = 30.0,
                 max_concurrency: int = 16):
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key_env = api_key_env
        self.timeout_s = timeout_s
        self.retries = retries
        self.backoff_s = backoff_s
        self.breaker = CircuitBreaker(breaker_failures, breaker_reset_s)
        self.slots = Slots(f"LLM server {self.url}", max_concurrency, timeout_s)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> OpenAIBackend:
        headers = {"Content-Type": "application/json"}
        if self.api_key_env:
            key = os.environ.get(self.api_key_env)
            if not key:
                raise LLMError(f"the environment variable {self.api_key_env} (llm.api_key_env) is not set")
            headers["Authorization"] = f"Bearer {key}"
        self._session = aiohttp.ClientSession(headers=headers)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    # the two calls -------------------------------------------------------------------------------
    async def complete(self, request: ChatRequest) -> Completion:
        async with self._slot(request):
            body = await self._guarded(request, self._post_json, self.payload(request, stream=False))
        return completion_from(body, request)

    async def stream(self, request: ChatRequest) -> AsyncIterator[Chunk]:
        async with self._slot(request):
            response = await self._guarded(request, self._open_stream, self.payload(request, stream=True))
            deadline = time.monotonic() + (request.timeout_s or self.timeout_s)
            state = _StreamState()
            try:
                async for event in _sse_events(response, deadline):
                    if text := state.add(event):
                        yield Chunk(text)
            except TimeoutError:
                raise LLMTimeout(f"{self.url}: the stream stalled past the timeout") from None
            finally:
                response.release()
        completion = state.completion(request)
        yield Chunk("", completion.tool_calls, completion.finish_reason, completion)

    @asynccontextmanager
    async def _slot(self, request: ChatRequest) -> AsyncIterator[None]:
        """Hold one of the `max_concurrency` slots, waiting at most the request's timeout for it."""
        try:
            async with self.slots.hold(request.timeout_s or self.timeout_s):
                yield
        except SlotsFull as exc:  # only the wait for a slot raises it
            raise BackendBusy(str(exc)) from None

    def payload(self, request: ChatRequest, stream: bool) -> dict[str, Any]:
        body: dict[str, Any] = {"model": request.adapter or self.model, "messages": request.messages,
                                "max_tokens": request.max_tokens, "temperature": request.temperature,
                                "top_p": request.top_p, "stream": stream}
        if request.tools:
            body["tools"] = request.tools
            body["tool_choice"] = _tool_choice(request.tool_choice)
        if request.response_format:
            body["response_format"] = request.response_format
        if request.ignore_eos:
            body["ignore_eos"] = True  # vLLM and aisle llm-serve honour it; others ignore it
        if stream:
            body["stream_options"] = {"include_usage": True}
        return body

    # retries, backoff and the breaker ----------------------------------------------------------------
    async def _guarded(self, request: ChatRequest, attempt: Any, body: dict) -> Any:
        if self._session is None:
            raise LLMError("the HTTP backend is not open: use `async with OpenAIBackend(...)`")
        if not self.breaker.allow():
            raise BackendUnavailable(f"{self.url}: paused after repeated failures; retrying in "
                                     f"{self.breaker.retry_after():.0f}s")
        timeout = request.timeout_s or self.timeout_s
        try:
            async with asyncio.timeout(timeout):
                result = await self._with_retries(attempt, body, time.monotonic() + timeout)
        except TimeoutError:
            self.breaker.record_failure()
            raise LLMTimeout(f"{self.url}: no answer within {timeout:g}s") from None
        except RetryableError as exc:
            self.breaker.record_failure()
            raise BackendUnavailable(str(exc)) from exc
        except BaseException:
            self.breaker.release_trial()  # a refused request or a cancel says nothing about the server
            raise
        self.breaker.record_success()
        return result

    async def _with_retries(self, attempt: Any, body: dict, deadline: float) -> Any:
        for number in range(self.retries + 1):
            try:
                return await attempt(body)
            except RetryableError as exc:
                pause = exc.retry_after if exc.retry_after is not None else self.backoff_s * 2 ** number
                pause *= 1 if exc.retry_after is not None else random.uniform(0.5, 1.0)
                if number == self.retries or time.monotonic() + pause >= deadline:
                    raise RetryableError(f"{exc} (after {number + 1} attempts)") from exc
                log.info("LLM server %s: %s; retrying in %.2fs", self.url, exc, pause)
                await asyncio.sleep(pause)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _post_json(self, body: dict) -> dict:
        async with self._request(body) as response:
            await _raise_for_status(response)
            return await response.json(content_type=None)

    async def _open_stream(self, body: dict) -> aiohttp.ClientResponse:
        response = await self._request(body)
        try:
            await _raise_for_status(response)
        except BaseException:
            response.release()
            raise
        return response

    def _request(self, body: dict) -> Any:
        assert self._session is not None
        return _ConnectionErrorsRetryable(self._session.post(self.url, json=body))


class _ConnectionErrorsRetryable:
    """Wraps a request context so that a refused or dropped connection counts as retryable."""

    def __init__(self, request: Any):
        self._request = request

    def __await__(self) -> Any:
        return self._open().__await__()

    async def _open(self) -> aiohttp.ClientResponse:
        try:
            return await self._request
        except aiohttp.ClientConnectionError as exc:
            raise RetryableError(f"cannot reach the LLM server: {exc}") from exc

    async def __aenter__(self) -> aiohttp.ClientResponse:
        self._response = await self._open()
        return self._response

    async def __aexit__(self, *exc: object) -> None:
        self._response.release()


async def _raise_for_status(response: aiohttp.ClientResponse) -> None:
    if response.status < 400:
        return
    text = (await response.text())[:500]
    try:
        message = error_message(json.loads(text)["error"])
    except (ValueError, KeyError, TypeError):
        message = text
    if response.status in RETRYABLE:
        raise RetryableError(f"HTTP {response.status}: {message}", _retry_after(response))
    raise LLMError(f"the LLM server refused the request: HTTP {response.status}: {message}")


def _retry_after(response: aiohttp.ClientResponse) -> float | None:
    try:
        return max(0.0, float(response.headers["Retry-After"]))
    except (KeyError, ValueError):
        return None


def _tool_choice(choice: str) -> Any:
    if choice in ("auto", "none", "required"):
        return choice
    return {"type": "function", "function": {"name": choice}}


def completion_from(body: dict, request: ChatRequest) -> Completion:
    """An OpenAI chat-completion body -> `Completion` (tool calls in the text parsed as a fallback)."""
    try:
        choice = body["choices"][0]
        message = choice["message"]
    except (KeyError, IndexError, TypeError):
        raise LLMError(f"not a chat completion: {str(body)[:200]}") from None
    usage = body.get("usage") or {}
    calls = tuple(_call(c) for c in message.get("tool_calls") or [])
    text = message.get("content") or ""
    if not calls and request.tools and request.tool_choice != "none":
        parsed = parse_tool_calls(text, [t["function"]["name"] for t in request.tools])
        text, calls = (parsed.content, tuple(parsed.calls)) if parsed.calls else (text, ())
    reason = "tool_calls" if calls else (choice.get("finish_reason") or "stop")
    return Completion(text, calls, reason, usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0),
                      raw=message.get("content") or "")


def _call(wire: dict) -> ToolCall:
    fn = wire.get("function") or {}
    arguments = fn.get("arguments") or "{}"
    try:
        parsed = json.loads(arguments, strict=False) if isinstance(arguments, str) else arguments
    except ValueError:
        parsed = {"__unreadable__": arguments}  # validation will refuse it with its text
    return ToolCall(fn.get("name", ""), parsed if isinstance(parsed, dict) else {"__unreadable__": parsed},
                    id=wire.get("id") or ToolCall("", {}).id)


def error_message(error: Any) -> str:
    """The text of an OpenAI-style `error`: an object with a `message`, or (some servers) a plain string."""
    if isinstance(error, dict):
        return str(error.get("message") or error)
    return str(error)


class _StreamState:
    """Accumulates streamed deltas: text, tool calls by index, finish reason, usage."""

    def __init__(self) -> None:
        self.text, self.reason, self.usage = "", None, {}
        self.calls: dict[int, dict] = {}

    def add(self, event: dict) -> str:
        self.usage = event.get("usage") or self.usage
        delta_text = ""
        for choice in event.get("choices") or []:
            delta = choice.get("delta") or {}
            delta_text += delta.get("content") or ""
            for piece in delta.get("tool_calls") or []:
                self._add_call_piece(piece)
            self.reason = choice.get("finish_reason") or self.reason
        self.text += delta_text
        return delta_text

    def _add_call_piece(self, piece: dict) -> None:
        call = self.calls.setdefault(self._index_of(piece), {"id": None, "function": {"name": "", "arguments": ""}})
        call["id"] = piece.get("id") or call["id"]
        fn = piece.get("function") or {}
        name = fn.get("name") or ""
        if name != call["function"]["name"]:  # older vLLM repeats the whole name in every chunk
            call["function"]["name"] += name
        call["function"]["arguments"] += fn.get("arguments") or ""

    def _index_of(self, piece: dict) -> int:
        """The call a piece belongs to: its `index`; without one, a new `id` starts the next call."""
        index = piece.get("index")
        if isinstance(index, int):
            return index
        last = max(self.calls, default=None)
        if last is None or (piece.get("id") and piece["id"] != self.calls[last]["id"]):
            return 0 if last is None else last + 1
        return last

    def completion(self, request: ChatRequest) -> Completion:
        body = {"choices": [{"finish_reason": self.reason, "message": {
            "content": self.text, "tool_calls": [self.calls[i] for i in sorted(self.calls)]}}], "usage": self.usage}
        return completion_from(body, request)


async def _sse_events(response: aiohttp.ClientResponse, deadline: float) -> AsyncIterator[dict]:
    """The JSON payloads of `data:` lines until `data: [DONE]` (or the end of the body)."""
    while True:
        line = await asyncio.wait_for(response.content.readline(), max(0.0, deadline - time.monotonic()))
        if not line:
            return
        line = line.strip()
        if not line.startswith(b"data:"):
            continue
        data = line[5:].strip()
        if data == b"[DONE]":
            return
        event = json.loads(data)
        if not isinstance(event, dict):
            continue
        if "error" in event:
            raise LLMError(f"the LLM server failed mid-stream: {error_message(event['error'])}")
        yield event
