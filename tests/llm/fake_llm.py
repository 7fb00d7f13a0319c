"""A scripted OpenAI-compatible server on localhost, for behaviour a random-weight model cannot show."""
import asyncio

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
