"""What WhatsApp Cloud API and Messenger share: Meta's webhook handshake, its signature, the Graph API.

- `GET <webhook>?hub.mode=subscribe&hub.verify_token=T&hub.challenge=C` answers `C` when `T` is the
  configured verify token (constant-time), 403 otherwise: that is how Meta checks the URL.
- Every `POST` must carry `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body with the app
  secret>`; a missing or wrong one gets 403 and nothing is processed.
- Graph API calls carry the access token as a Bearer header (never in the URL, so it stays out of
  logs); Meta's "slow down" error codes are retried like a 429.

    meta_webhook(app, "/webhooks/whatsapp", verify_token, app_secret, handle)   # handle(payload) -> None
"""
from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from channels.outbound import Pace
from channels.services import ChannelServices
from channels.validation import parse_json_object
from channels.webhooks import acknowledged, hmac_hex, refuse, same_secret, signature_matches

SIGNATURE_HEADER = "X-Hub-Signature-256"
# Graph API codes that mean "too many calls" (app, user, page, WhatsApp throughput and pair rate)
_SLOW_DOWN = frozenset({4, 17, 32, 613, 80007, 130429, 131056})
Handle = Callable[[dict[str, Any]], Awaitable[None]]


def slow_down(status: int, body: bytes) -> bool:
    """A Graph API error that asks to wait and try again."""
    try:
        code = json.loads(body).get("error", {}).get("code")
    except (ValueError, AttributeError):
        return False
    return code in _SLOW_DOWN


def meta_webhook(app: web.Application, path: str, verify_token: bytes, app_secret: bytes, handle: Handle) -> None:
    """Register the handshake (`GET path`) and the signed deliveries (`POST path`)."""

    async def handshake(request: web.Request) -> web.Response:
        query = request.query
        if query.get("hub.mode") != "subscribe" or not same_secret(query.get("hub.verify_token"), verify_token):
            return refuse(403, "the verify token does not match")
        return web.Response(text=query.get("hub.challenge", ""))

    async def deliveries(request: web.Request) -> web.Response:
        body = await request.read()
        expected = "sha256=" + hmac_hex(app_secret, body)
        if not signature_matches(request.headers.get(SIGNATURE_HEADER), expected):
            return refuse(403, "the X-Hub-Signature-256 signature does not match")
        await handle(parse_json_object(body))
        return acknowledged()

    app.router.add_get(path, handshake)
    app.router.add_post(path, deliveries)


class GraphApi:
    """One Graph API account (a WhatsApp number or a Facebook page) through the shared session."""

    def __init__(self, services: ChannelServices, platform: str, base_url: str, version: str, token: str,
                 pace: Pace) -> None:
        self.services, self.platform, self.pace = services, platform, pace
        self.root = f"{base_url.rstrip('/')}/{version.strip('/')}"
        self.auth = {"Authorization": f"Bearer {token}"}

    async def post(self, action: str, path: str, body: dict[str, Any], key: str) -> Any:
        return await self.services.outbound.call(self.platform, action, "POST", f"{self.root}/{path}", json=body,
                                                 headers=self.auth, pace=self.pace, key=key, retry_when=slow_down)

    async def get(self, action: str, path: str) -> Any:
        return await self.services.outbound.call(self.platform, action, "GET", f"{self.root}/{path}",
                                                 headers=self.auth, retry_when=slow_down)

    async def download(self, url: str, max_bytes: int, authorised: bool = True) -> tuple[bytes, str]:
        headers = self.auth if authorised else {}
        return await self.services.outbound.download(self.platform, url, max_bytes, headers=headers)
