"""Small try-on services on localhost that speak the real protocols, scripted to misbehave.

Each takes a script: one behaviour per call ("ok", "slow", "500", "garbage", ...), the last one
repeating. Every request is recorded, so tests can count calls and read what was sent.
"""
from __future__ import annotations

import asyncio
import base64
import io
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, web
from PIL import Image

RESULT_PNG_SIZE = (384, 512)


def result_png(colour: tuple[int, int, int] = (30, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", RESULT_PNG_SIZE, colour).save(out, "PNG")
    return out.getvalue()


@dataclass
class Script:
    steps: list[str]
    calls: list[dict[str, Any]] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0

    def next(self) -> str:
        return self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]


async def _slow() -> None:
    await asyncio.sleep(30)


# -- the plain JSON HTTP API ------------------------------------------------------------------

def http_service(script: Script) -> web.Application:
    """`POST /tryon` as `skills.tryon.http_api` describes it."""

    async def tryon(request: web.Request) -> web.StreamResponse:
        body = await request.json()
        script.calls.append({"body": body, "auth": request.headers.get("Authorization", "")})
        script.in_flight += 1
        script.most_in_flight = max(script.most_in_flight, script.in_flight)
        try:
            return await _answer(script.next(), request)
        finally:
            script.in_flight -= 1

    async def result(request: web.Request) -> web.Response:
        return web.Response(body=result_png(), content_type="image/png")

    app = web.Application(client_max_size=32 * 1024 * 1024)
    app.router.add_post("/tryon", tryon)
    app.router.add_get("/results/out.png", result)
    return app


async def _answer(step: str, request: web.Request) -> web.StreamResponse:
    if step == "slow":
        await _slow()
    if step == "busy":
        await asyncio.sleep(0.2)
        step = "ok"
    answers = {
        "ok": lambda: web.json_response({"image": base64.b64encode(result_png()).decode()}),
        "ok_data_url": lambda: web.json_response({"image": "data:image/png;base64," + base64.b64encode(result_png()).decode()}),
        "ok_bytes": lambda: web.Response(body=result_png(), content_type="image/png"),
        "ok_url": lambda: web.json_response({"image_url": str(request.url.with_path("/results/out.png"))}),
        "500": lambda: web.json_response({"error": "CUDA out of memory"}, status=500),
        "429": lambda: web.json_response({"error": "busy"}, status=429),
        "401": lambda: web.json_response({"error": "bad key"}, status=401),
        "garbage": lambda: web.Response(text="<html>Bad gateway</html>", content_type="text/html"),
        "no_image": lambda: web.json_response({"status": "ok"}),
        "bad_base64": lambda: web.json_response({"image": "%%% not base64 %%%"}),
        "not_an_image": lambda: web.json_response({"image": base64.b64encode(b"hello, I am text").decode()}),
    }
    return answers[step]()


# -- the asynchronous task API ----------------------------------------------------------------

@dataclass
class TaskScript(Script):
    polls: int = 0
    callback_after_s: float | None = None  # post the result to callback_url after this long


def task_service(script: TaskScript) -> web.Application:
    """`POST /tasks` → task id; `GET /tasks/{id}` → status; optional callback, as in `task_api`."""
    tasks: dict[str, list[str]] = {}

    async def submit(request: web.Request) -> web.Response:
        body = await request.json()
        script.calls.append({"body": body, "auth": request.headers.get("Authorization", "")})
        step = script.next()
        if step == "no_id":
            return web.json_response({"accepted": True}, status=202)
        if step == "500":
            return web.json_response({"error": "down"}, status=500)
        task_id = secrets.token_hex(4)
        tasks[task_id] = {"ok": ["queued", "running", "succeeded"], "fail": ["running", "failed"],
                          "forever": ["queued"], "weird": ["exploded"], "callback": ["queued"]}[step]
        if step == "callback" and script.callback_after_s is not None:
            asyncio.get_running_loop().create_task(_call_back(body["callback_url"], script.callback_after_s, request))
        return web.json_response({"task_id": task_id}, status=202)

    async def status(request: web.Request) -> web.Response:
        script.polls += 1
        states = tasks.get(request.match_info["task_id"])
        if states is None:
            return web.json_response({"error": "no such task"}, status=404)
        state = states.pop(0) if len(states) > 1 else states[0]
        return web.json_response(_task_body(state, request))

    async def result(request: web.Request) -> web.Response:
        return web.Response(body=result_png((200, 60, 60)), content_type="image/png")

    app = web.Application(client_max_size=32 * 1024 * 1024)
    app.router.add_post("/v1/tasks", submit)
    app.router.add_get("/v1/tasks/{task_id}", status)
    app.router.add_get("/files/result.png", result)
    return app


def _task_body(state: str, request: web.Request) -> dict[str, Any]:
    if state == "succeeded":
        return {"status": "SUCCEEDED", "output": [str(request.url.with_path("/files/result.png"))]}
    if state == "failed":
        return {"status": "failed", "error": "no person found in the photo"}
    return {"status": state}


async def _call_back(url: str, delay: float, request: web.Request) -> None:
    await asyncio.sleep(delay)
    body = {"status": "completed", "image_url": str(request.url.with_path("/files/result.png"))}
    async with ClientSession() as session:
        async with session.post(url, json=body) as response:
            await response.read()


# -- Gradio -----------------------------------------------------------------------------------

@dataclass
class GradioScript(Script):
    uploads: list[tuple[str, str, bytes]] = field(default_factory=list)  # (path, filename, data)
    api_name: str = "tryon"


def gradio_service(script: GradioScript, prefix: str = "/gradio_api") -> web.Application:
    """Gradio's upload, call, event stream and file routes, as its curl guide documents them."""
    files: dict[str, bytes] = {}
    events: dict[str, str] = {}

    async def upload(request: web.Request) -> web.Response:
        reader, paths = await request.multipart(), []
        while (part := await reader.next()) is not None:
            data = await part.read()
            path = f"/tmp/gradio/{secrets.token_hex(8)}/{part.filename}"
            files[path] = bytes(data)
            script.uploads.append((path, part.filename or "", bytes(data)))
            paths.append(path)
        return web.json_response(paths)

    async def call(request: web.Request) -> web.Response:
        body = await request.json()
        script.calls.append(body)
        step = script.next()
        if step == "500":
            return web.json_response({"detail": "queue full"}, status=500)
        if step == "no_event":
            return web.json_response({"detail": "ok"})
        event_id = secrets.token_hex(16)
        events[event_id] = step
        return web.json_response({"event_id": event_id})

    async def stream(request: web.Request) -> web.StreamResponse:
        step = events.pop(request.match_info["event_id"], "unknown")
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        await response.write(b"event: heartbeat\ndata: null\n\n")
        if step == "slow":
            await _slow()
        await response.write(_sse_for(step))
        await response.write_eof()
        return response

    async def file(request: web.Request) -> web.Response:
        path = request.match_info["path"]
        if path not in files and not path.endswith("/result.png"):
            return web.json_response({"detail": "not found"}, status=404)
        return web.Response(body=files.get(path, result_png((90, 160, 90))), content_type="image/png")

    app = web.Application(client_max_size=32 * 1024 * 1024)
    app.router.add_post(f"{prefix}/upload", upload)
    app.router.add_post(f"{prefix}/call/{script.api_name}", call)
    app.router.add_get(f"{prefix}/call/{script.api_name}/{{event_id}}", stream)
    app.router.add_get(f"{prefix}/file={{path:.+}}", file)
    return app


def _sse_for(step: str) -> bytes:
    result = {"path": "/tmp/gradio/out/result.png", "url": None, "orig_name": "result.png",
              "meta": {"_type": "gradio.FileData"}}
    if step == "ok":
        outputs = [result, {**result, "path": "/tmp/gradio/out/mask.png"}]
        return (b"event: generating\ndata: [null, null]\n\n"
                b"event: complete\ndata: " + json.dumps(outputs).encode() + b"\n\n")
    if step == "gallery":
        outputs = [[{"image": result, "caption": None}]]
        return b"event: complete\ndata: " + json.dumps(outputs).encode() + b"\n\n"
    if step == "error":
        return b"event: error\ndata: \"CUDA out of memory\"\n\n"
    if step == "malformed":
        return b"event: complete\ndata: {not json\n\n"
    if step == "no_file":
        return b"event: complete\ndata: [\"just text\"]\n\n"
    return b""  # "ended": the stream closes without a result
