"""The Gradio backend against a fake Gradio server: upload, call, event stream, file download."""
from __future__ import annotations

import dataclasses
import io
import time

import pytest
from PIL import Image

from skills.tryon.backend import BadServiceReply, ServiceUnavailable, TaskFailed
from skills.tryon.gradio_api import PRESETS, GradioBackend, GradioPreset
from skills.tryon.resilience import Guarded, Policy
from tests.tryon.fake_services import GradioScript, gradio_service

FAST = Policy(timeout_s=3, retries=1, backoff_s=0.01)


async def gradio(aiohttp_server, session, *steps, preset="idm-vton", policy=FAST, prefix="/gradio_api"):
    chosen = PRESETS[preset]
    script = GradioScript(list(steps), api_name=chosen.api_name)
    server = await aiohttp_server(gradio_service(script, prefix))
    backend = GradioBackend(session, str(server.make_url("/")), chosen, api_key="hf-key", api_prefix=prefix)
    return Guarded(backend, policy), script


async def test_idm_vton_gets_its_inputs_in_order_and_the_result_comes_back(aiohttp_server, session, request_for,
                                                                            person_jpeg):
    guarded, script = await gradio(aiohttp_server, session, "ok")
    image = await guarded.render(request_for())
    assert image.data.startswith(b"\x89PNG")
    (person_path, _, person_data), (garment_path, _, garment_data) = script.uploads
    assert person_data == person_jpeg and garment_data.startswith(b"\x89PNG")
    editor, garment, description, auto_mask, crop, steps, seed = script.calls[0]["data"]
    assert editor["background"]["path"] == person_path and editor["layers"] == []
    assert editor["background"]["meta"] == {"_type": "gradio.FileData"}
    assert garment["path"] == garment_path
    assert (description, auto_mask, crop, steps, seed) == ("Everyday Cotton T-Shirt", True, False, 20, 7)


async def test_catvton_gets_a_blank_mask_layer_and_its_own_category_names(aiohttp_server, session, request_for):
    guarded, script = await gradio(aiohttp_server, session, "ok", preset="catvton")
    await guarded.render(request_for("dress"))
    editor, _, category, steps, guidance, seed, show = script.calls[0]["data"]
    assert (category, steps, guidance, seed, show) == ("overall", 20, 2.5, 7, "result only")
    mask_path, mask_name, mask = script.uploads[2]
    assert editor["layers"] == [{"path": mask_path, "orig_name": mask_name, "meta": {"_type": "gradio.FileData"}}]
    blank = Image.open(io.BytesIO(mask))
    assert blank.size == (600, 900) and blank.getextrema() == (0, 0)


async def test_ootdiffusion_gallery_output_and_gradio_4_routes(aiohttp_server, session, request_for):
    guarded, script = await gradio(aiohttp_server, session, "gallery", preset="ootdiffusion", prefix="")
    image = await guarded.render(request_for("lower_body"))
    assert image.data.startswith(b"\x89PNG")
    assert script.calls[0]["data"][2] == "Lower-body"


async def test_a_garment_the_model_cannot_dress_is_refused_without_a_call(aiohttp_server, session, request_for):
    guarded, script = await gradio(aiohttp_server, session, "ok")
    assert not guarded.supports("lower_body")
    with pytest.raises(TaskFailed, match="cannot dress lower body"):
        await guarded.render(request_for("lower_body"))
    assert script.calls == [] and script.uploads == []


async def test_an_error_event_is_reported_with_its_message(aiohttp_server, session, request_for):
    guarded, script = await gradio(aiohttp_server, session, "error")
    with pytest.raises(TaskFailed, match="CUDA out of memory"):
        await guarded.render(request_for())
    assert len(script.calls) == 1


async def test_a_stream_that_never_completes_is_cut_off(aiohttp_server, session, request_for):
    guarded, _ = await gradio(aiohttp_server, session, "slow", policy=Policy(timeout_s=0.5, retries=0))
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable, match="no answer within 0.5 s"):
        await guarded.render(request_for())
    assert time.monotonic() - started < 2.0


async def test_a_stream_that_ends_early_is_retried(aiohttp_server, session, request_for):
    guarded, script = await gradio(aiohttp_server, session, "ended", "ok")
    assert (await guarded.render(request_for())).data
    assert len(script.calls) == 2


@pytest.mark.parametrize("step, reason", [
    ("malformed", "complete event is not JSON"),
    ("no_file", "has no image file"),
    ("no_event", "no event_id"),
])
async def test_malformed_gradio_answers_fail_clearly(aiohttp_server, session, request_for, step, reason):
    guarded, script = await gradio(aiohttp_server, session, step)
    with pytest.raises(BadServiceReply, match=reason):
        await guarded.render(request_for())
    assert len(script.calls) == 1


async def test_a_busy_queue_is_retried_then_the_circuit_opens(aiohttp_server, session, request_for):
    policy = Policy(timeout_s=3, retries=1, backoff_s=0.01, breaker_failures=1, breaker_reset_s=60)
    guarded, script = await gradio(aiohttp_server, session, "500", policy=policy)
    with pytest.raises(ServiceUnavailable, match="HTTP 500"):
        await guarded.render(request_for())
    assert len(script.calls) == 2
    with pytest.raises(Exception, match="paused after repeated failures"):
        await guarded.render(request_for())
    assert len(script.calls) == 2


def test_presets_reject_unknown_input_roles():
    with pytest.raises(ValueError, match="unknown Gradio input 'photo'"):
        GradioPreset("tryon", ("photo", "garment"))
    custom = dataclasses.replace(PRESETS["idm-vton"], inputs=("person", "garment", '="fast"'))
    assert custom.inputs[-1] == '="fast"'
