"""`POST /media/upload` and `GET /media/u/<token>` through the real app and the real agent."""
from __future__ import annotations

import dataclasses
import io
import time

import aiohttp
import pytest
from PIL import Image

from agent.config import MediaConfig, ServerConfig
from channels.server import build_app
from channels.testing import FakeAgent, demo_products, serving
from knowledge.media import MediaStore, UrlSigner
from tests.tryon.conftest import Clock
from tests.tryon.kit import SVG_WITH_SCRIPT, gps_exif, person_photo, png_bomb

SESSION = "session-upload-1"


def form(data: bytes, session_id: str = SESSION, content_type: str = "image/jpeg") -> aiohttp.FormData:
    body = aiohttp.FormData()
    body.add_field("session_id", session_id)
    body.add_field("photo", data, filename="me.jpg", content_type=content_type)
    return body


@pytest.fixture
def upload_client(aiohttp_client, open_tryon_agent, tryon_config):
    async def make(**media):
        config = tryon_config(media=dataclasses.replace(MediaConfig(), **media))
        return await aiohttp_client(build_app(ServerConfig(), lambda: open_tryon_agent(config)))

    return make


def stored(client) -> list:
    from channels.context import AGENT

    return sorted(client.app[AGENT].media.root.iterdir())


async def test_a_photo_joins_the_widget_conversation_and_consent_is_asked(upload_client):
    client = await upload_client()
    response = await client.post("/media/upload", data=form(person_photo(exif=gps_exif())))
    assert response.status == 200
    answer = await response.json()
    assert answer["session_id"] == SESSION
    [message] = answer["messages"]
    assert "Before I use your photo" in message["text"]
    assert [q["title"] for q in message["quick_replies"]] == ["Yes, use my photo", "No, thanks"]
    [photo] = stored(client)
    kept = Image.open(photo)
    assert kept.format == "JPEG" and dict(kept.getexif()) == {} and kept.size == (900, 600)


@pytest.mark.parametrize("data, content_type, reason", [
    (b"GIF89a" + b"\x00" * 5000, "image/jpeg", "not a photo I can use"),
    (SVG_WITH_SCRIPT, "image/svg+xml", "not a photo I can use"),
    (png_bomb(), "image/png", "enormous size"),
    (person_photo()[:4000], "image/jpeg", "damaged or incomplete"),
    (person_photo(120, 300), "image/jpeg", "too small (120×300 px)"),
])
async def test_hostile_uploads_are_refused_with_a_clear_message_and_nothing_is_kept(upload_client, data,
                                                                                     content_type, reason):
    client = await upload_client()
    response = await client.post("/media/upload", data=form(data, content_type=content_type))
    assert response.status == 200
    [message] = (await response.json())["messages"]
    assert reason in message["text"]
    assert stored(client) == []


async def test_fifty_megabytes_are_refused_before_they_are_read(upload_client):
    client = await upload_client()
    response = await client.post("/media/upload", data=form(b"\xff\xd8\xff" + b"\x00" * (50 * 1024 * 1024)))
    assert response.status == 413
    assert (await response.json())["error"] == "That photo is larger than 10 MB. Please send a smaller one."
    assert stored(client) == []


async def test_a_large_photo_without_a_length_is_cut_off_while_streaming(upload_client):
    client = await upload_client(max_bytes=256 * 1024)

    async def chunks():
        yield b"\xff\xd8\xff"
        for _ in range(64):
            yield b"\x00" * 65536

    body = aiohttp.FormData()
    body.add_field("session_id", SESSION)
    body.add_field("photo", chunks(), filename="me.jpg", content_type="image/jpeg")
    response = await client.post("/media/upload", data=body)
    assert response.status == 413 and "larger than 0.25 MB" in (await response.json())["error"]


async def test_uploads_are_rate_limited_per_address_whatever_session_is_named(upload_client):
    client = await upload_client(uploads_per_minute=2)
    for _ in range(2):
        assert (await client.post("/media/upload", data=form(person_photo()))).status == 200
    limited = await client.post("/media/upload", data=form(person_photo()))
    assert limited.status == 429 and int(limited.headers["Retry-After"]) > 0
    assert "Too many photos" in (await limited.json())["error"]
    other = await client.post("/media/upload", data=form(person_photo(), session_id="another-session-2"))
    assert other.status == 429  # a new session id from the same address is no way round the limit


@pytest.mark.parametrize("body, field", [
    ({"photo": b"x"}, "session_id"),
    ({"session_id": SESSION}, "photo"),
    ({"session_id": "bad id!", "photo": b"x"}, "session_id"),
    ({"session_id": "x" * 5000, "photo": b"x"}, "session_id"),
    ({"session_id": SESSION, "padding": b"x" * 100_000}, "padding"),
])
async def test_incomplete_forms_name_what_is_missing(upload_client, body, field):
    client = await upload_client()
    data = aiohttp.FormData(default_to_multipart=True)
    for name, value in body.items():
        data.add_field(name, value, filename="me.jpg" if name == "photo" else None)
    response = await client.post("/media/upload", data=data)
    assert response.status == 400 and (await response.json())["field"] == field


async def test_a_json_body_is_not_an_upload(upload_client):
    client = await upload_client()
    response = await client.post("/media/upload", json={"session_id": SESSION})
    assert response.status == 400 and "multipart/form-data" in (await response.json())["error"]


async def test_signed_links_serve_the_image_until_they_expire_or_are_altered(aiohttp_client, tmp_path):
    clock = Clock(time.time())
    media = MediaStore(tmp_path, UrlSigner(b"route-secret-0123456789", clock=clock), ttl_s=600, clock=clock)
    agent = FakeAgent(demo_products(), media=media)
    client = await aiohttp_client(build_app(ServerConfig(), serving(agent)))
    url = agent.media.url(agent.media.save(person_photo(), "image/jpeg"))

    response = await client.get(url)
    assert response.status == 200 and response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in response.headers["Cache-Control"]
    assert Image.open(io.BytesIO(await response.read())).size == (600, 900)

    assert (await client.get(url[:-3] + ("abc" if not url.endswith("abc") else "xyz"))).status == 403
    assert (await client.get(url[:-3] + "%C3%A9%C3%A9")).status == 403  # a non-ASCII signature: refused, no 500
    clock.now += 601
    expired = await client.get(url)
    assert expired.status == 410 and "expired" in (await expired.json())["error"]
    assert agent.media.sweep() == 1 and not any(tmp_path.iterdir())


async def test_without_a_media_store_uploads_are_not_offered(aiohttp_client):
    client = await aiohttp_client(build_app(ServerConfig(), serving(FakeAgent(demo_products()))))
    response = await client.post("/media/upload", data=form(person_photo()))
    assert response.status == 404
