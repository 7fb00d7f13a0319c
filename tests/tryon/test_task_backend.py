"""The asynchronous task backend: submit, poll or callback, against a fake task API on localhost."""
from __future__ import annotations

import time

import pytest

from agent.config import ServerConfig
from channels.server import build_app
from channels.testing import FakeAgent, demo_products, serving
from knowledge.media import UrlSigner
from skills.tryon.backend import BadServiceReply, ServiceUnavailable, TaskFailed
from skills.tryon.resilience import Guarded, Policy
from skills.tryon.task_api import TaskApiBackend, TaskInbox
from tests.tryon.fake_services import TaskScript, task_service

FAST = Policy(timeout_s=3, retries=1, backoff_s=0.01)


async def task_backend(aiohttp_server, session, *steps, policy=FAST, inbox=None, poll=0.02, **script_kw):
    script = TaskScript(list(steps), **script_kw)
    server = await aiohttp_server(task_service(script))
    backend = TaskApiBackend(session, str(server.make_url("/v1")), "/tasks", api_key="task-key",
                             poll_interval_s=poll, inbox=inbox)
    return Guarded(backend, policy), script


async def test_a_task_is_submitted_then_polled_until_it_succeeds(aiohttp_server, session, request_for):
    guarded, script = await task_backend(aiohttp_server, session, "ok")
    image = await guarded.render(request_for())
    assert image.data.startswith(b"\x89PNG")
    assert script.polls == 3  # queued, running, SUCCEEDED
    assert script.calls[0]["auth"] == "Bearer task-key"
    assert script.calls[0]["body"]["category"] == "upper_body" and "callback_url" not in script.calls[0]["body"]


async def test_a_failed_task_reports_the_reason_and_is_not_retried(aiohttp_server, session, request_for):
    guarded, script = await task_backend(aiohttp_server, session, "fail")
    with pytest.raises(TaskFailed, match="no person found in the photo"):
        await guarded.render(request_for())
    assert len(script.calls) == 1


async def test_a_task_that_never_finishes_is_given_up_at_the_timeout(aiohttp_server, session, request_for):
    guarded, script = await task_backend(aiohttp_server, session, "forever", policy=Policy(timeout_s=0.5, retries=0))
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable, match="no answer within 0.5 s"):
        await guarded.render(request_for())
    assert time.monotonic() - started < 2.0
    assert script.polls >= 3


@pytest.mark.parametrize("step, reason", [("no_id", "no task id"), ("weird", "unknown task status 'exploded'")])
async def test_malformed_task_answers_fail_clearly(aiohttp_server, session, request_for, step, reason):
    guarded, _ = await task_backend(aiohttp_server, session, step)
    with pytest.raises(BadServiceReply, match=reason):
        await guarded.render(request_for())


async def test_a_failing_submit_is_retried(aiohttp_server, session, request_for):
    guarded, script = await task_backend(aiohttp_server, session, "500", "ok")
    assert (await guarded.render(request_for())).data
    assert len(script.calls) == 2


async def test_the_result_arrives_by_callback_through_the_real_server(aiohttp_server, unused_tcp_port, session,
                                                                     request_for):
    signer = UrlSigner(b"callback-secret-0123456789")
    port = unused_tcp_port  # the inbox knows the server's address before the server starts
    agent = FakeAgent(demo_products(), tryon_inbox=TaskInbox(signer, f"http://127.0.0.1:{port}"))
    ours = await aiohttp_server(build_app(ServerConfig(), serving(agent)), port=port)
    guarded, script = await task_backend(aiohttp_server, session, "callback", inbox=agent.tryon_inbox,
                                         poll=5.0, callback_after_s=0.1)
    started = time.monotonic()
    image = await guarded.render(request_for())
    assert image.data.startswith(b"\x89PNG")
    assert time.monotonic() - started < 3.0 and script.polls == 0  # no polling was needed
    assert script.calls[0]["body"]["callback_url"].startswith(str(ours.make_url("/tryon/callback/")))


async def test_a_forged_callback_is_refused(aiohttp_client):
    agent = FakeAgent(demo_products(), tryon_inbox=TaskInbox(UrlSigner(b"callback-secret-0123456789"),
                                                             "https://shop.example"))
    client = await aiohttp_client(build_app(ServerConfig(), serving(agent)))
    genuine = agent.tryon_inbox.callback_url("abc").rsplit("/", 1)[1]
    forged = genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB")
    response = await client.post(f"/tryon/callback/{forged}", json={"status": "completed"})
    assert response.status == 403
    response = await client.post(f"/tryon/callback/{genuine}", json={"status": "completed"})
    assert response.status == 200 and (await response.json()) == {"accepted": False}  # nobody waits for it
