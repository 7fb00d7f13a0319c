"""Who is the shop's merchant: a bearer token checked in constant time against an environment variable.

    role = merchant_role(request, hooks.server.merchant_token_env)   # "merchant", "shopper", or 401
    UserMessage(sender, text, metadata={"role": role})

A request without an `Authorization` header is a shopper's; one with a wrong token, or while no
token is configured, gets 401 instead of quietly being treated as a shopper, so a misconfigured
merchant tool fails loudly. Whatever a client writes into its own metadata, only this sets a role.
"""
from __future__ import annotations

import hmac
import os
from collections.abc import Mapping

from aiohttp import hdrs, web

from channels.errors import json_error

MERCHANT = "merchant"
SHOPPER = "shopper"


class Unauthorised(web.HTTPUnauthorized):
    """A 401 with a JSON body and a bearer challenge."""

    def __init__(self) -> None:
        response = json_error(401, "unauthorized: a valid merchant token is required")
        super().__init__(text=response.text, content_type="application/json",
                         headers={hdrs.WWW_AUTHENTICATE: 'Bearer realm="aisle-merchant"'})


def merchant_token(env_name: str, environ: Mapping[str, str] | None = None) -> bytes | None:
    value = (os.environ if environ is None else environ).get(env_name, "").strip()
    return value.encode("utf-8") if value else None


def merchant_role(request: web.Request, env_name: str) -> str:
    """MERCHANT for a valid bearer token, SHOPPER without one; raises `Unauthorised` for a bad one."""
    header = request.headers.get(hdrs.AUTHORIZATION)
    if header is None:
        return SHOPPER
    expected = merchant_token(env_name)
    scheme, _, given = header.partition(" ")
    if expected is None or scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode("utf-8"),
                                                                                 expected):
        raise Unauthorised()
    return MERCHANT


def require_merchant(request: web.Request, env_name: str) -> None:
    if merchant_role(request, env_name) != MERCHANT:
        raise Unauthorised()


def with_role(metadata: dict, role: str) -> dict:
    """Client metadata without any role it claimed; `"role": "merchant"` only when the server established it."""
    cleaned = {k: v for k, v in metadata.items() if k != "role"}
    return {**cleaned, "role": MERCHANT} if role == MERCHANT else cleaned
