"""The try-on service misbehaves while shoppers chat: slow, failing (500), unreachable, then well again.

The real turn loop with the try-on skill over the small wardrobe catalog, served by the real app, and a
try-on service on localhost speaking the plain JSON protocol (`tests.tryon.fake_services`). Simulated
shoppers (`bench.load_shopper`) chat over the widget and REST the whole time, while one shopper who has
sent a photo and agreed asks to try a t-shirt on, again and again. Whatever the service does, the chat
goes on (no error, no 5xx), the try-on answer says the service is not answering, no try-on turn takes
longer than its configured attempts (`timeout_s` each, `retries` more) plus a margin, and once the service
is well again the picture comes back by itself (the breaker's reset is 1 s here).
"""
from __future__ import annotations

import asyncio
import time

import pytest
from aiohttp import web

from agent.config import ServerConfig, TryOnConfig
from agent.types import Attachment, UserMessage
from channels.server import build_app
from channels.testing import serving
from skills.tryon import replies
from tests.reliability.fault_load import Shoppers
from tests.reliability.redis_server import free_port
from tests.tryon.fake_services import Script, http_service
from tests.tryon.kit import person_photo

pytestmark = pytest.mark.slow

TIMEOUT_S, RETRIES, MARGIN_S = 1.0, 1, 2.0
LIMIT_S = TIMEOUT_S * (RETRIES + 1) + MARGIN_S


class Service:
    """The fake try-on service on a fixed port, so that it can go away and come back."""

    def __init__(self) -> None:
        self.script, self.port = Script(["ok"]), free_port()
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(http_service(self.script), shutdown_timeout=0.5)  # drop kept-alive calls
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


async def _say(agent, text: str, photo: bytes | None = None) -> tuple[str, str, float]:
    """(text, image, seconds) of the answer to the try-on shopper's message."""
    attachments = (Attachment(photo, "image/jpeg"),) if photo else ()
    started = time.monotonic()
    replies_ = await agent.handle(UserMessage("tia", text, channel="webchat", attachments=attachments))
    return " ".join(r.text for r in replies_), next((r.image for r in replies_ if r.image), ""), \
        time.monotonic() - started


async def _try_on_while_chatting(agent, shoppers: Shoppers, seconds: float) -> tuple[list, object]:
    """Try-on turns one after another while the shoppers chat for `seconds`."""
    chatting = asyncio.create_task(shoppers.phase(seconds))
    answers = []
    while not chatting.done():
        answers.append(await _say(agent, "try the red cotton t-shirt on me"))
        await asyncio.sleep(0.2)  # a shopper looks at the answer before asking again
    return answers, await chatting


async def test_the_chat_goes_on_and_try_on_says_it_is_unavailable_then_recovers(open_tryon_agent, tryon_config,
                                                                                aiohttp_client):
    service = Service()
    await service.start()
    config = tryon_config(tryon=TryOnConfig(backend="http", base_url=f"http://127.0.0.1:{service.port}",
                                            timeout_s=TIMEOUT_S, retries=RETRIES, backoff_s=0.05,
                                            breaker_failures=2, breaker_reset_s=1.0))
    try:
        async with open_tryon_agent(config) as agent:
            client = await aiohttp_client(build_app(ServerConfig(requests_per_second_per_ip=0), serving(agent)))
            await _say(agent, "red cotton t-shirt")
            await _say(agent, "", person_photo())
            await _say(agent, replies.CONSENT_YES)
            async with Shoppers(str(client.make_url("")).rstrip("/"), turn_limit_s=LIMIT_S, count=4) as shoppers:
                answers, chat = await _try_on_while_chatting(agent, shoppers, 2.0)
                assert chat.errors == 0 and any(image for _, image, _ in answers), answers
                for fault in ("slow", "500", "down"):
                    service.script.steps = [fault]
                    if fault == "down":
                        await service.stop()
                    answers, chat = await _try_on_while_chatting(agent, shoppers, 3.0)
                    assert chat.errors == 0 and chat.latencies_ms, (fault, chat.error_kinds)
                    assert all("isn't answering" in text and not image for text, image, _ in answers), (fault, answers)
                    assert max(seconds for *_, seconds in answers) < LIMIT_S, (fault, answers)
                service.script.steps = ["ok"]
                await service.start()
                await asyncio.sleep(1.1)  # the breaker lets a trial call through after its reset
                answers, chat = await _try_on_while_chatting(agent, shoppers, 2.0)
            assert chat.errors == 0 and answers[-1][1], "the try-on picture comes back once the service is well"
    finally:
        await service.stop()
