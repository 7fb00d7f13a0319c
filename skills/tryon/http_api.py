"""A try-on service with a plain JSON HTTP API: one POST in, one image out.

Request (`POST {base_url}{path}`, `Authorization: Bearer <key>` when a key is configured):

    {"person_image": "<base64 JPEG>", "garment_image": "<base64>", "category": "upper_body",
     "garment_description": "Red Cotton T-Shirt", "steps": 30, "seed": 42}

With `inputs="url"` the images go as `person_image_url`/`garment_image_url` instead (the service
fetches them from Aisle's signed media links). The answer is either an image body (`image/*`) or
JSON with `image` (base64 or a `data:` URL) or `image_url`/`url` (fetched right away).

    backend = HttpJsonBackend(session, "http://tryon.internal:8000", path="/tryon")
"""
from __future__ import annotations

import base64
import json
from typing import Any

import aiohttp
from yarl import URL

from skills.tryon.backend import (
    BadServiceReply, ServiceUnavailable, TryOnImage, TryOnRequest, image_from_base64, image_from_bytes,
    status_failure,
)

MAX_REPLY_BYTES = 25 * 1024 * 1024


class HttpJsonBackend:
    name = "http"

    def __init__(self, session: aiohttp.ClientSession, base_url: str, path: str = "/tryon",
                 api_key: str = "", inputs: str = "base64") -> None:
        if inputs not in ("base64", "url"):
            raise ValueError(f"inputs must be base64 or url, got {inputs!r}")
        self.session = session
        self.url = base_url.rstrip("/") + "/" + path.lstrip("/")
        self.headers = bearer(api_key)
        self.inputs = inputs

    async def render(self, request: TryOnRequest) -> TryOnImage:
        payload = request_payload(request, self.inputs, self.name)
        try:
            async with self.session.post(self.url, json=payload, headers=self.headers) as response:
                if response.status != 200:
                    raise status_failure(response.status, self.name, "the try-on service")
                content_type = response.content_type
                body = await read_limited(response, self.name)
        except aiohttp.ClientError as exc:
            raise ServiceUnavailable(f"could not reach {self.url}: {exc}", self.name) from None
        if content_type.startswith("image/"):
            return image_from_bytes(body, self.name)
        answer = parse_json(body, self.name)
        return await image_from_answer(self.session, answer, self.name, self.headers, self.url)


def bearer(api_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}"} if api_key else {}


def request_payload(request: TryOnRequest, inputs: str, backend: str) -> dict[str, Any]:
    """The JSON body both the plain and the task API take."""
    payload: dict[str, Any] = {
        "category": request.category, "garment_description": request.description,
        "steps": request.steps, "seed": request.seed,
    }
    if inputs == "url":
        if not (request.person_url and request.garment_url):
            raise BadServiceReply("inputs=url needs tryon.public_base_url so the service can fetch the images",
                                  backend)
        payload |= {"person_image_url": request.person_url, "garment_image_url": request.garment_url}
    else:
        payload |= {"person_image": _b64(request.person), "garment_image": _b64(request.garment)}
    return payload


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


async def read_limited(response: aiohttp.ClientResponse, backend: str, limit: int = MAX_REPLY_BYTES) -> bytes:
    """The body, refusing answers larger than `limit` without reading them whole."""
    if response.content_length is not None and response.content_length > limit:
        raise BadServiceReply(f"the answer is too large ({response.content_length} bytes)", backend)
    chunks, size = [], 0
    async for chunk in response.content.iter_chunked(65536):
        size += len(chunk)
        if size > limit:
            raise BadServiceReply(f"the answer is larger than {limit} bytes", backend)
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(body: bytes, backend: str) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadServiceReply(f"the answer is not JSON: {body[:60]!r}", backend) from None
    if not isinstance(data, dict):
        raise BadServiceReply(f"the answer is JSON but not an object: {body[:60]!r}", backend)
    return data


def image_reference(answer: dict[str, Any]) -> tuple[str, str] | None:
    """("base64", text) or ("url", link) from the answer shapes services use, or None."""
    for key in ("image", "image_base64", "result_base64"):
        if isinstance(answer.get(key), str) and answer[key]:
            value = answer[key]
            return ("url", value) if value.startswith(("http://", "https://")) else ("base64", value)
    for key in ("image_url", "url", "result_url", "output", "result"):
        value = answer.get(key)
        if isinstance(value, list) and value and isinstance(value[0], str):
            value = value[0]
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return ("url", value)
    return None


async def image_from_answer(session: aiohttp.ClientSession, answer: dict[str, Any], backend: str,
                            headers: dict[str, str], origin: str = "") -> TryOnImage:
    found = image_reference(answer)
    if found is None:
        raise BadServiceReply(f"the answer has no image (keys: {', '.join(sorted(answer)) or 'none'})", backend)
    kind, value = found
    if kind == "base64":
        return image_from_base64(value, backend)
    return await fetch_image(session, value, backend, headers, origin)


def same_origin(url: str, other: str) -> bool:
    a, b = URL(url), URL(other)
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


async def fetch_image(session: aiohttp.ClientSession, url: str, backend: str,
                      headers: dict[str, str] | None = None, origin: str = "") -> TryOnImage:
    """GET an image; credentials go only to `origin` (the service itself), never to a CDN it names."""
    send = headers if headers and origin and same_origin(url, origin) else {}
    try:
        async with session.get(url, headers=send) as response:
            if response.status != 200:
                raise status_failure(response.status, backend, "the result image link")
            return image_from_bytes(await read_limited(response, backend), backend)
    except aiohttp.ClientError as exc:
        raise ServiceUnavailable(f"could not fetch the result image: {exc}", backend) from None
