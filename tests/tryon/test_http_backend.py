"""The JSON HTTP backend against a fake service on localhost, through the guard every backend gets."""
from __future__ import annotations

import asyncio
import base64
import time

import pytest

from skills.tryon.backend import BadServiceReply, CircuitOpen, ServiceUnavailable
from skills.tryon.http_api import HttpJsonBackend
from skills.tryon.resilience import Guarded, Policy
from tests.tryon.fake_services import Script, http_service

FAST = Policy(timeout_s=2, retries=2, backoff_s=0.01, max_concurrency=2, breaker_failures=3, breaker_reset_s=0.3)


async def backend_for(aiohttp_server, session, *steps, policy=FAST, **kwargs):
    script = Script(list(steps))
    server = await aiohttp_server(http_service(script))
    backend = HttpJsonBackend(session, str(server.make_url("/")), "/tryon", **kwargs)
    return Guarded(backend, policy), script


@pytest.mark.parametrize("step", ["ok", "ok_data_url", "ok_bytes", "ok_url"])
async def test_every_answer_shape_gives_the_image(aiohttp_server, session, request_for, step):
    guarded, script = await backend_for(aiohttp_server, session, step)
    image = await guarded.render(request_for())
    assert image.content_type == "image/png" and not image.preview
    assert image.data.startswith(b"\x89PNG")
    assert len(script.calls) == 1


async def test_the_request_carries_the_photos_the_category_and_the_key(aiohttp_server, session, request_for, person_jpeg):
    guarded, script = await backend_for(aiohttp_server, session, "ok", api_key="k-123")
    await guarded.render(request_for("dress"))
    body = script.calls[0]["body"]
    assert base64.b64decode(body["person_image"]) == person_jpeg
    assert base64.b64decode(body["garment_image"]).startswith(b"\x89PNG")
    assert (body["category"], body["steps"], body["seed"]) == ("dress", 20, 7)
    assert body["garment_description"] == "Everyday Cotton T-Shirt"
    assert script.calls[0]["auth"] == "Bearer k-123"


async def test_url_inputs_send_links_instead_of_pixels(aiohttp_server, session, person_jpeg):
    from skills.tryon.backend import TryOnRequest

    guarded, script = await backend_for(aiohttp_server, session, "ok", inputs="url")
    request = TryOnRequest(person=person_jpeg, garment=b"", category="upper_body",
                           person_url="https://shop.example/media/u/tok", garment_url="https://shop.example/g.png")
    await guarded.render(request)
    body = script.calls[0]["body"]
    assert body["person_image_url"] == "https://shop.example/media/u/tok" and "person_image" not in body


async def test_a_slow_service_is_cut_off_at_the_timeout(aiohttp_server, session, request_for):
    guarded, script = await backend_for(aiohttp_server, session, "slow", policy=Policy(timeout_s=0.4, retries=0))
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable, match="no answer within 0.4 s"):
        await guarded.render(request_for())
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("failure", ["500", "429"])
async def test_passing_failures_are_retried_with_backoff(aiohttp_server, session, request_for, failure):
    guarded, script = await backend_for(aiohttp_server, session, failure, failure, "ok")
    image = await guarded.render(request_for())
    assert image.data.startswith(b"\x89PNG")
    assert len(script.calls) == 3


async def test_retries_end_and_the_last_error_names_the_status(aiohttp_server, session, request_for):
    guarded, script = await backend_for(aiohttp_server, session, "500")
    with pytest.raises(ServiceUnavailable, match="HTTP 500"):
        await guarded.render(request_for())
    assert len(script.calls) == 3  # one call and two retries


@pytest.mark.parametrize("step, reason", [
    ("garbage", "not JSON"),
    ("no_image", "has no image"),
    ("bad_base64", "not valid base64"),
    ("not_an_image", "not a JPEG, PNG or WebP"),
    ("401", "HTTP 401"),
])
async def test_malformed_answers_fail_clearly_and_are_not_retried(aiohttp_server, session, request_for, step, reason):
    guarded, script = await backend_for(aiohttp_server, session, step)
    with pytest.raises(BadServiceReply, match=reason):
        await guarded.render(request_for())
    assert len(script.calls) == 1


async def test_the_circuit_opens_after_repeated_failures_and_closes_after_a_good_trial(aiohttp_server, session,
                                                                                         request_for):
    policy = Policy(timeout_s=2, retries=0, breaker_failures=2, breaker_reset_s=0.3)
    guarded, script = await backend_for(aiohttp_server, session, "500", "500", "ok", policy=policy)
    for _ in range(2):
        with pytest.raises(ServiceUnavailable):
            await guarded.render(request_for())
    with pytest.raises(CircuitOpen, match="paused after repeated failures"):
        await guarded.render(request_for())
    assert len(script.calls) == 2  # the open circuit did not call the service
    await asyncio.sleep(0.35)
    assert (await guarded.render(request_for())).data  # the trial call goes through and closes it
    assert guarded.breaker.state == "closed"


async def test_concurrency_is_limited(aiohttp_server, session, request_for):
    policy = Policy(timeout_s=5, retries=0, max_concurrency=1)
    guarded, script = await backend_for(aiohttp_server, session, "busy", policy=policy)
    await asyncio.gather(*(guarded.render(request_for()) for _ in range(3)))
    assert len(script.calls) == 3 and script.most_in_flight == 1


async def test_a_refused_connection_is_a_retryable_failure(session, request_for, unused_tcp_port):
    backend = HttpJsonBackend(session, f"http://127.0.0.1:{unused_tcp_port}")
    guarded = Guarded(backend, Policy(timeout_s=2, retries=1, backoff_s=0.01))
    with pytest.raises(ServiceUnavailable, match="could not reach"):
        await guarded.render(request_for())
