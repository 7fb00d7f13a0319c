"""`aisle llm-serve`: an OpenAI-compatible chat-completions server over the local model.

One GPU box runs this; any number of CPU chat servers point `llm.backend: openai` at it.

    POST /v1/chat/completions   messages, tools, tool_choice, max_tokens, temperature, top_p,
                                response_format (json_schema, or json_object: any JSON object),
                                n (choices, without streaming), stream (server-sent events),
                                model (an adapter name picks that LoRA adapter)
    GET  /v1/models             the base model and its adapters
    GET  /health

Every error, unknown routes included, is OpenAI's shape: `{"error": {"message", "type", "param", "code"}}`,
so the official SDKs raise their usual exceptions (`BadRequestError`, `NotFoundError`, ...).

>>> app = build_llm_app(LocalBackend("path/to/model", max_batch=32), model_name="shop-model")
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from agent.llm.local import LocalBackend
from agent.llm.types import ChatRequest, Chunk, Completion, LLMError, LLMTimeout
from channels.json_input import JsonTooComplex, loads_bounded

log = logging.getLogger(__name__)

BACKEND = web.AppKey("llm_backend", LocalBackend)
MODEL_NAME = web.AppKey("llm_model_name", str)
STARTED = web.AppKey("llm_started", int)
MAX_CHOICES = 8
_RESPONSE_FORMATS = ("text", "json_object", "json_schema")


class BadParam(ValueError):
    """A request field the client got wrong; `param` names it, as OpenAI's errors do."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param


class UnknownModel(ValueError):
    """The request names a model that is neither the base model nor a loaded adapter."""


def build_llm_app(backend: LocalBackend, model_name: str = "", max_body_bytes: int = 4 * 1024 * 1024) -> web.Application:
    app = web.Application(client_max_size=max_body_bytes, middlewares=[openai_errors])
    app[BACKEND] = backend
    app[MODEL_NAME] = model_name or backend.model_name
    app[STARTED] = int(time.time())
    app.cleanup_ctx.append(_backend_lifecycle)
    app.router.add_post("/v1/chat/completions", chat_completions)
    app.router.add_get("/v1/models", models)
    app.router.add_get("/health", health)
    return app


async def _backend_lifecycle(app: web.Application):
    async with app[BACKEND]:
        yield


def error(status: int, message: str, kind: str = "invalid_request_error", code: str | None = None,
          param: str | None = None) -> web.Response:
    body = {"error": {"message": message, "type": kind, "param": param, "code": code}}
    return web.json_response(body, status=status)


@web.middleware
async def openai_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Unknown routes, wrong methods, oversized bodies and anything unexpected, in OpenAI's error shape."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        kind = "not_found_error" if exc.status == 404 else "invalid_request_error"
        return error(exc.status, f"{request.method} {request.path}: {exc.reason}", kind)
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error(500, "the server failed to answer this request", "server_error")


async def health(request: web.Request) -> web.Response:
    backend = request.app[BACKEND]
    return web.json_response({"status": "ok", "model": request.app[MODEL_NAME], "device": backend.device,
                              "adapters": backend.adapters})


async def models(request: web.Request) -> web.Response:
    names = [request.app[MODEL_NAME], *request.app[BACKEND].adapters]
    created = request.app[STARTED]
    data = [{"id": n, "object": "model", "created": created, "owned_by": "aisle"} for n in names]
    return web.json_response({"object": "list", "data": data})


async def chat_completions(request: web.Request) -> web.StreamResponse:
    try:
        body = loads_bounded(await request.read())
        chat = chat_request(body, request.app[BACKEND].adapters, request.app[MODEL_NAME])
        choices = _choices(body)
    except (json.JSONDecodeError, UnicodeDecodeError, JsonTooComplex) as exc:
        return error(400, f"the body is not usable JSON: {exc}")
    except UnknownModel as exc:
        return error(404, str(exc), code="model_not_found", param="model")
    except BadParam as exc:
        return error(400, str(exc), param=exc.param)
    except (ValueError, TypeError) as exc:
        return error(400, str(exc))
    model = body.get("model") or request.app[MODEL_NAME]
    if body.get("stream"):
        return await _stream(request, chat, model, bool((body.get("stream_options") or {}).get("include_usage")))
    try:
        completions = await asyncio.gather(*(request.app[BACKEND].complete(chat) for _ in range(choices)))
    except LLMTimeout as exc:
        return error(504, str(exc), "timeout")
    except LLMError as exc:
        return error(500, str(exc), "server_error")
    return web.json_response(completion_body(completions, model))


def _choices(body: dict) -> int:
    """`n`: how many choices to generate; streaming sends one."""
    n = body.get("n")
    if n is None:
        return 1
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_CHOICES:
        raise BadParam("n", f"'n' must be a whole number from 1 to {MAX_CHOICES}, got {n!r}")
    if n > 1 and body.get("stream"):
        raise BadParam("n", "'n' above 1 is not supported with 'stream': ask for one choice per request")
    return n


def chat_request(body: Any, adapters: list[str], model_name: str) -> ChatRequest:
    """Validate an OpenAI request body into a `ChatRequest`; errors name the field."""
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) and "role" in m for m in messages):
        raise BadParam("messages", "'messages' must be a non-empty list of {role, content} objects")
    model = body.get("model") or model_name
    if model not in (model_name, *adapters):
        raise UnknownModel(f"model {model!r} is not served here; models: {', '.join([model_name, *adapters])}")
    tools = body.get("tools") or []
    if not isinstance(tools, list) or not all(isinstance(t, dict) and isinstance(t.get("function"), dict)
                                              and isinstance(t["function"].get("name"), str) for t in tools):
        raise BadParam("tools", "'tools' must be a list of {type: function, function: {name, ...}} objects")
    return ChatRequest(
        messages=[_plain_message(m) for m in messages], tools=tools,
        tool_choice=_declared(_tool_choice(body.get("tool_choice")), tools),
        max_tokens=_number(body, ("max_completion_tokens", "max_tokens"), 256, int, 1, 32768),
        temperature=_number(body, ("temperature",), 0.0, float, 0.0, 2.0),
        top_p=_number(body, ("top_p",), 1.0, float, 0.0, 1.0),
        adapter=model if model in adapters else None, response_format=_response_format(body.get("response_format")),
        ignore_eos=bool(body.get("ignore_eos", False)),
    )


def _plain_message(message: dict) -> dict:
    """Content given as a list of parts becomes its text."""
    content = message.get("content")
    if isinstance(content, list):
        content = "".join(str(part.get("text") or "") for part in content if isinstance(part, dict))
    if not isinstance(message["role"], str) or not isinstance(content, (str, type(None))):
        raise BadParam("messages", "each message needs a string 'role' and a string or list-of-parts 'content'")
    return {**message, "content": content if content is not None else ""}


def _tool_choice(choice: Any) -> str:
    if choice is None:
        return "auto"
    if isinstance(choice, str) and choice in ("auto", "none", "required"):
        return choice
    if isinstance(choice, dict) and isinstance((choice.get("function") or {}).get("name"), str):
        return choice["function"]["name"]
    raise BadParam("tool_choice", f"'tool_choice' must be auto, none, required or "
                                  f"{{type: function, function: {{name}}}}, got {choice!r}")


def _declared(choice: str, tools: list[dict]) -> str:
    """A named or required tool choice needs the tools it names to be declared."""
    names = [t["function"]["name"] for t in tools]
    if choice == "required" and not names:
        raise BadParam("tool_choice", "'tool_choice' is 'required' but no 'tools' were given")
    if choice not in ("auto", "none", "required") and choice not in names:
        declared = ", ".join(names) or "none"
        raise BadParam("tool_choice", f"'tool_choice' names the tool {choice!r}, which is not in 'tools' "
                                      f"(declared: {declared})")
    return choice


def _response_format(value: Any) -> dict | None:
    if value is None:
        return None
    kind = value.get("type") if isinstance(value, dict) else None
    if kind not in _RESPONSE_FORMATS:
        raise BadParam("response_format", f"'response_format' must be {{type: text | json_object | json_schema}}, "
                                          f"got {value!r}"[:300])
    schema = value.get("json_schema")
    if kind == "json_schema" and not (isinstance(schema, dict) and isinstance(schema.get("schema", schema), dict)):
        raise BadParam("response_format", "'response_format.json_schema' must be {name, schema: {...}}")
    return None if kind == "text" else value


def _number(body: dict, keys: tuple[str, ...], default: Any, kind: type, low: float, high: float) -> Any:
    for key in keys:
        if body.get(key) is not None:
            value = body[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
                raise ValueError(f"'{key}' must be a number from {low:g} to {high:g}, got {value!r}")
            return kind(value)
    return default


def completion_body(completions: Completion | list[Completion], model: str) -> dict:
    """OpenAI's chat completion: one choice per completion (`n`), usage summed over them."""
    completions = [completions] if isinstance(completions, Completion) else list(completions)
    choices = [{"index": n, "message": _message(c), "finish_reason": c.finish_reason} for n, c in enumerate(completions)]
    return {"id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion", "created": int(time.time()),
            "model": model, "choices": choices, "usage": _usage(*completions)}


def _message(completion: Completion) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": completion.text or None}
    if completion.tool_calls:
        message["tool_calls"] = [call.to_openai() for call in completion.tool_calls]
    return message


def _usage(*completions: Completion) -> dict:
    """The prompt is read once for all choices; every choice's tokens are generated."""
    prompt = completions[0].prompt_tokens if completions else 0
    generated = sum(c.completion_tokens for c in completions)
    return {"prompt_tokens": prompt, "completion_tokens": generated, "total_tokens": prompt + generated}


async def _stream(request: web.Request, chat: ChatRequest, model: str, include_usage: bool) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    await response.prepare(request)
    head = {"id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion.chunk",
            "created": int(time.time()), "model": model}

    async def send(delta: dict, finish_reason: str | None = None, **extra: Any) -> None:
        event = {**head, "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}], **extra}
        await response.write(f"data: {json.dumps(event)}\n\n".encode())

    await send({"role": "assistant", "content": ""})
    try:
        async for chunk in request.app[BACKEND].stream(chat):
            await _send_chunk(send, chunk)
            if chunk.completion is not None and include_usage:
                usage_event = {**head, "choices": [], "usage": _usage(chunk.completion)}
                await response.write(f"data: {json.dumps(usage_event)}\n\n".encode())
    except LLMError as exc:
        kind = "timeout" if isinstance(exc, LLMTimeout) else "server_error"
        await response.write(f"data: {json.dumps({'error': {'message': str(exc), 'type': kind}})}\n\n".encode())
    except (ConnectionResetError, asyncio.CancelledError):
        raise  # the client went away: nobody to tell
    except Exception:  # the headers are sent: the error goes into the stream instead of dropping it
        log.exception("the stream failed (model %s)", model)
        failed = {"error": {"message": "the server failed while streaming", "type": "server_error"}}
        await response.write(f"data: {json.dumps(failed)}\n\n".encode())
    await response.write(b"data: [DONE]\n\n")
    await response.write_eof()
    return response


async def _send_chunk(send: Any, chunk: Chunk) -> None:
    if chunk.text:
        await send({"content": chunk.text})
    for index, call in enumerate(chunk.tool_calls):
        wire = call.to_openai()
        await send({"tool_calls": [{"index": index, **wire}]})
    if chunk.finish_reason is not None:
        await send({}, chunk.finish_reason)
