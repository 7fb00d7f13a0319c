"""The admin channel: catalog updates over HTTP, for a shop's back office or its sync job.

`POST /admin/catalog` with `Authorization: Bearer <token>` and
`{"upserts": [product objects], "deletes": [product ids]}` applies the change and answers what it
did: `{"added": [...], "updated": [...], "deleted": [...], "unchanged": [...], "errors": [...],
"embedded": 1, "version": 4}`. The token is read from the environment variable that
`server.admin_token_env` names; the server serves this channel only when that variable is set.
A missing or wrong token gets a bare 401, whatever was wrong. The same token opens the dashboard at
`/admin` (`channels.admin.dashboard`).
"""
from __future__ import annotations

import hmac
import os
from collections.abc import Mapping
from typing import Any

from aiohttp import hdrs, web

from agent.errors import ConfigError
from channels.admin import dashboard, privacy
from channels.context import ChannelHooks
from channels.errors import BadRequest, json_error, type_name
from channels.validation import parse_json_object
from knowledge.catalog_io import product_from_record
from knowledge.errors import CatalogError
from knowledge.product import Product

CHANNEL = "admin"
_KEYS = ("upserts", "deletes")
MAX_ID_CHARS = 256


def admin_token(hooks: ChannelHooks, environ: Mapping[str, str] | None = None) -> str | None:
    """The configured admin token, or None when its environment variable is unset or blank."""
    value = (os.environ if environ is None else environ).get(hooks.server.admin_token_env, "")
    return value.strip() or None


def setup(app: web.Application, hooks: ChannelHooks) -> None:
    """Register `POST /admin/catalog`; refuses to start without a token to check against."""
    token = admin_token(hooks)
    if token is None:
        raise ConfigError(f"the admin channel needs a token: set the environment variable "
                          f"{hooks.server.admin_token_env} (named by server.admin_token_env)")
    expected = token.encode("utf-8")
    limit = hooks.server.admin_max_body_bytes

    async def update_catalog(request: web.Request) -> web.Response:
        if not _authorised(request, expected):
            return _unauthorised()
        body = await _read_body(request, limit)
        if body is None:
            return json_error(413, f"the request body is too large: the limit is {limit} bytes")
        payload = parse_json_object(body)
        upserts, deletes = parse_catalog_update(payload)
        try:
            report = await hooks.update_catalog(upserts, deletes)
        except CatalogError as exc:
            return json_error(409, f"the catalog was not changed: {exc}")
        return web.json_response(report.to_dict())

    app.router.add_post("/admin/catalog", update_catalog)
    privacy.setup(app, lambda request: _authorised(request, expected), _unauthorised)
    dashboard.setup(app, expected, lambda request: _authorised(request, expected))


def _authorised(request: web.Request, expected: bytes) -> bool:
    scheme, _, given = request.headers.get(hdrs.AUTHORIZATION, "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode("utf-8"), expected)


def _unauthorised() -> web.Response:
    response = json_error(401, "unauthorized")
    response.headers[hdrs.WWW_AUTHENTICATE] = 'Bearer realm="aisle-admin"'
    return response


async def _read_body(request: web.Request, limit: int) -> bytes | None:
    """The body, or None as soon as it grows past `limit` (this route has its own, larger limit)."""
    if request.content_length is not None and request.content_length > limit:
        return None
    body = bytearray()
    async for chunk in request.content.iter_chunked(64 * 1024):
        body.extend(chunk)
        if len(body) > limit:
            return None
    return bytes(body)


def parse_catalog_update(payload: dict[str, Any]) -> tuple[list[Product], list[str]]:
    """`{"upserts": [...], "deletes": [...]}` as products and ids; a `BadRequest` names the first bad field."""
    unknown = sorted(set(payload) - set(_KEYS))
    if unknown:
        raise BadRequest(unknown[0], f"unknown field '{unknown[0]}': expected {' and '.join(_KEYS)}")
    upserts = _list(payload, "upserts")
    deletes = _list(payload, "deletes")
    products = []
    for n, record in enumerate(upserts):
        where = f"upserts[{n}]"
        if not isinstance(record, dict):
            raise BadRequest(where, f"'{where}' must be a product object, got {type_name(record)}")
        try:
            products.append(product_from_record(dict(record)))
        except ValueError as exc:
            raise BadRequest(where, f"'{where}': {exc}") from None
    ids = []
    for n, value in enumerate(deletes):
        where = f"deletes[{n}]"
        if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID_CHARS:
            raise BadRequest(where, f"'{where}' must be a product id string, got {type_name(value)}")
        ids.append(value.strip())
    return products, ids


def _list(payload: dict[str, Any], field: str) -> list[Any]:
    value = payload.get(field, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadRequest(field, f"'{field}' must be an array, got {type_name(value)}")
    return value
