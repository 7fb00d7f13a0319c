"""A self-hosted try-on model behind Gradio's HTTP API (IDM-VTON, CatVTON, OOTDiffusion demos).

Gradio's protocol, as its "querying Gradio apps with curl" guide describes it:

1. `POST {base}/gradio_api/upload` (multipart, field `files`) → `["/tmp/gradio/.../person.jpg", ...]`;
   a file input is then `{"path": <that path>, "meta": {"_type": "gradio.FileData"}}`.
2. `POST {base}/gradio_api/call/<api_name>` `{"data": [inputs in order]}` → `{"event_id": "..."}`.
3. `GET {base}/gradio_api/call/<api_name>/<event_id>`: server-sent events `generating`, `heartbeat`,
   then `complete` (data: the outputs, files as FileData dicts) or `error`.
4. The result file is read from `{base}/gradio_api/file=<path>`.

Each model's demo takes different inputs in a different order; a preset names them. Gradio 4
servers serve the same routes without the `/gradio_api` prefix (`api_prefix: ""`).

    backend = GradioBackend(session, "http://gpu-box:7860", preset=PRESETS["idm-vton"])
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import aiohttp
from PIL import Image

from skills.tryon.backend import (
    BadServiceReply, ServiceUnavailable, TaskFailed, TryOnFailed, TryOnImage, TryOnRequest, status_failure,
)
from skills.tryon.http_api import bearer, fetch_image, read_limited, same_origin

ROLES = ("person", "person_editor", "person_editor_blank_mask", "garment", "description", "category", "steps",
         "seed")


@dataclass(frozen=True, slots=True)
class GradioPreset:
    """How one demo app is called: its endpoint, its inputs by role, its garment category labels.

    An input is a role from `ROLES` or a literal JSON value after `=` (`=true`, `=2.5`, `="result only"`).
    A category missing from `categories` is one the model cannot dress.
    """

    api_name: str
    inputs: tuple[str, ...]
    categories: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for item in self.inputs:
            if not item.startswith("=") and item not in ROLES:
                raise ValueError(f"unknown Gradio input {item!r}: use one of {', '.join(ROLES)} or =<JSON value>")
            if item.startswith("="):
                json.loads(item[1:])


PRESETS: dict[str, GradioPreset] = {
    # yisol/IDM-VTON gradio_demo/app.py: start_tryon(dict, garm_img, garment_des, is_checked, is_checked_crop,
    # denoise_steps, seed) -> (image, mask); upper-body garments only.
    "idm-vton": GradioPreset("tryon", ("person_editor", "garment", "description", "=true", "=false", "steps", "seed"),
                             {"upper_body": "upper_body"}),
    # Zheng-Chong/CatVTON app.py: submit_function(person_image, cloth_image, cloth_type, num_inference_steps,
    # guidance_scale, seed, show_type); the editor needs one mask layer, blank means "mask automatically".
    "catvton": GradioPreset("submit_function", ("person_editor_blank_mask", "garment", "category", "steps", "=2.5",
                                                "seed", '="result only"'),
                            {"upper_body": "upper", "lower_body": "lower", "dress": "overall"}),
    # levihsu/OOTDiffusion run/gradio_ootd.py: process_dc(vton_img, garm_img, category, n_samples, n_steps,
    # image_scale, seed) -> gallery.
    "ootdiffusion": GradioPreset("process_dc", ("person", "garment", "category", "=1", "steps", "=2.0", "seed"),
                                 {"upper_body": "Upper-body", "lower_body": "Lower-body", "dress": "Dress"}),
}


class GradioBackend:
    name = "gradio"

    def __init__(self, session: aiohttp.ClientSession, base_url: str, preset: GradioPreset = PRESETS["idm-vton"],
                 api_key: str = "", api_prefix: str = "/gradio_api") -> None:
        self.session = session
        self.base = base_url.rstrip("/")
        self.api = self.base + ("/" + api_prefix.strip("/") if api_prefix.strip("/") else "")
        self.preset = preset
        self.headers = bearer(api_key)

    def supports(self, category: str) -> bool:
        return category in self.preset.categories

    async def render(self, request: TryOnRequest) -> TryOnImage:
        if not self.supports(request.category):
            raise TaskFailed(f"this model cannot dress {request.category.replace('_', ' ')} garments", self.name)
        files = await self._upload(request)
        data = [self._input(item, request, files) for item in self.preset.inputs]
        event_id = await self._call(data)
        outputs = await self._result(event_id)
        return await self._fetch(first_file(outputs))

    async def _upload(self, request: TryOnRequest) -> dict[str, dict[str, Any]]:
        wanted = {"person": (request.person, "person.jpg", "image/jpeg"),
                  "garment": (request.garment, "garment" + _extension(request.garment_type), request.garment_type)}
        if "person_editor_blank_mask" in self.preset.inputs:
            wanted["mask"] = (_blank_mask(request.person), "mask.png", "image/png")
        form = aiohttp.FormData()
        for data, filename, content_type in wanted.values():
            form.add_field("files", data, filename=filename, content_type=content_type)
        paths = await self._post_json(f"{self.api}/upload", form, "uploading the images")
        if not isinstance(paths, list) or len(paths) != len(wanted) or not all(isinstance(p, str) for p in paths):
            raise BadServiceReply(f"the upload answer is not a list of {len(wanted)} paths", self.name)
        return {role: file_data(path, filename) for (role, (_, filename, _)), path in zip(wanted.items(), paths)}

    def _input(self, item: str, request: TryOnRequest, files: dict[str, dict[str, Any]]) -> Any:
        if item.startswith("="):
            return json.loads(item[1:])
        if item in ("person", "garment"):
            return files[item]
        if item == "person_editor":
            return {"background": files["person"], "layers": [], "composite": None}
        if item == "person_editor_blank_mask":
            return {"background": files["person"], "layers": [files["mask"]], "composite": None}
        if item == "category":
            return self.preset.categories[request.category]
        return {"description": request.description, "steps": request.steps, "seed": request.seed}[item]

    async def _call(self, data: list[Any]) -> str:
        answer = await self._post_json(f"{self.api}/call/{self.preset.api_name}", {"data": data}, "starting the job")
        event_id = answer.get("event_id") if isinstance(answer, dict) else None
        if not isinstance(event_id, str) or not event_id:
            raise BadServiceReply("the call answer has no event_id", self.name)
        return event_id

    async def _result(self, event_id: str) -> list[Any]:
        url = f"{self.api}/call/{self.preset.api_name}/{quote(event_id, safe='')}"
        try:
            async with self.session.get(url, headers=self.headers) as response:
                if response.status != 200:
                    raise status_failure(response.status, self.name, "the result stream")
                async for event, data in server_sent_events(response.content):
                    if event == "complete":
                        return _outputs(data, self.name)
                    if event == "error":
                        raise TaskFailed(f"the model reported an error: {data[:200] or 'no details'}", self.name)
        except aiohttp.ClientError as exc:
            raise ServiceUnavailable(f"the result stream broke: {exc}", self.name) from None
        except ValueError as exc:  # a line longer than the stream reader allows
            raise BadServiceReply(f"the result stream is malformed: {exc}", self.name) from None
        raise ServiceUnavailable("the result stream ended without a result", self.name)

    async def _fetch(self, found: dict[str, Any]) -> TryOnImage:
        path, url = found.get("path"), found.get("url")
        if isinstance(path, str) and path:
            url = f"{self.api}/file={path}"
        elif not (isinstance(url, str) and same_origin(url, self.base)):
            raise BadServiceReply("the result file has neither a path nor a link on the server itself", self.name)
        return await fetch_image(self.session, url, self.name, self.headers, self.base)

    async def _post_json(self, url: str, body: Any, what: str) -> Any:
        kwargs = {"data": body} if isinstance(body, aiohttp.FormData) else {"json": body}
        try:
            async with self.session.post(url, headers=self.headers, **kwargs) as response:
                if response.status != 200:
                    raise status_failure(response.status, self.name, what)
                raw = await read_limited(response, self.name)
        except aiohttp.ClientError as exc:
            raise ServiceUnavailable(f"{what}: {exc}", self.name) from None
        try:
            return json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise BadServiceReply(f"{what}: the answer is not JSON: {raw[:60]!r}", self.name) from None


async def server_sent_events(stream: aiohttp.StreamReader):
    """Yield `(event, data)` pairs from an SSE stream; multi-line data is joined with newlines."""
    event, data = "message", []
    async for raw in stream:
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if not line:
            if data or event != "message":
                yield event, "\n".join(data)
            event, data = "message", []
        elif line.startswith(":"):
            continue
        else:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)
    if data:
        yield event, "\n".join(data)


def file_data(path: str, filename: str) -> dict[str, Any]:
    return {"path": path, "orig_name": filename, "meta": {"_type": "gradio.FileData"}}


def first_file(value: Any) -> dict[str, Any]:
    """The first FileData-like dict in the outputs (images, galleries of `{"image": ...}`, nested lists)."""
    found = _search_file(value)
    if found is None:
        raise BadServiceReply("the result has no image file", GradioBackend.name)
    return found


def _search_file(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict):
        if isinstance(value.get("path"), str) or isinstance(value.get("url"), str):
            return value
        return _search_file(value.get("image"))
    if isinstance(value, list):
        for item in value:
            found = _search_file(item)
            if found is not None:
                return found
    return None


def _outputs(data: str, backend: str) -> list[Any]:
    try:
        outputs = json.loads(data)
    except json.JSONDecodeError:
        raise BadServiceReply(f"the complete event is not JSON: {data[:60]!r}", backend) from None
    if not isinstance(outputs, list):
        raise BadServiceReply("the complete event does not hold a list of outputs", backend)
    return outputs


def _blank_mask(person_jpeg: bytes) -> bytes:
    """An all-black mask the size of the person photo: "no hand-drawn mask, find the garment area yourself"."""
    try:
        size = Image.open(io.BytesIO(person_jpeg)).size
    except OSError as exc:
        raise TryOnFailed(f"the person photo cannot be read: {exc}", GradioBackend.name) from None
    out = io.BytesIO()
    Image.new("L", size, 0).save(out, "PNG")
    return out.getvalue()


def _extension(content_type: str) -> str:
    return {"image/jpeg": ".jpg", "image/webp": ".webp"}.get(content_type, ".png")
