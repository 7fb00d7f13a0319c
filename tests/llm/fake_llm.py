"""A scripted OpenAI-compatible server on localhost, for behaviour a random-weight model cannot show."""
import asyncio
import json

from aiohttp import web


def answer(text: str) -> tuple:
    return (200, {"choices": [{"message": {"content": text}, "finish_reason": "stop"}],
                  "usage": {"prompt_tokens": 3, "completion_tokens": 2}}, {}, 0)


def scripted_server(script: list, hits: list) -> web.Application:
    """Answers each POST with the next scripted (status, body, headers, delay); the last repeats."""
    async def handle(request):
        hits.append(await request.json())
        status, body, headers, delay = script[min(len(hits), len(script)) - 1]
        await asyncio.sleep(delay)
        return web.json_response(body, status=status, headers=headers)

    app = web.Application()
    app.router.add_post("/v1/chat/completions", handle)
    return app


def streaming_server(events: list, status: int = 200) -> web.Application:
    """Answers each POST with `events` as server-sent events (dicts as JSON, strings as they are), then [DONE]."""
    async def handle(request):
        await request.read()
        response = web.StreamResponse(status=status, headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        for event in events:
            data = event if isinstance(event, str) else json.dumps(event)
            await response.write(f"data: {data}\n\n".encode())
        await response.write(b"data: [DONE]\n\n")
        return response

    app = web.Application()
    app.router.add_post("/v1/chat/completions", handle)
    return app


def tool_delta(index: int | None = None, id: str | None = None, name: str | None = None,
               arguments: str | None = None, finish: str | None = None) -> dict:
    """One streamed chunk carrying a piece of a tool call; None leaves a key out, as servers do."""
    function = {k: v for k, v in (("name", name), ("arguments", arguments)) if v is not None}
    piece = {k: v for k, v in (("index", index), ("id", id), ("type", "function" if id else None)) if v is not None}
    delta = {"tool_calls": [{**piece, "function": function}]}
    return {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
