"""What every platform webhook does the same way: secrets from the environment, constant-time
checks, HMAC signatures, timestamp windows, and refusing a request before anything is processed.

    secret = secret_from_env("AISLE_SLACK_SIGNING_SECRET", "slack")     # ConfigError when unset
    signature_matches(given, "v0=" + hmac_hex(secret, b"v0:", ts.encode(), b":", body))
    # -> True
"""
from __future__ import annotations

import hashlib
import hmac
import os
import time
from collections.abc import Mapping

from aiohttp import web

from agent.errors import ConfigError
from channels.errors import json_error


def secret_from_env(env_name: str, channel: str, environ: Mapping[str, str] | None = None) -> bytes:
    """The secret in `env_name`; a channel that is enabled without it refuses to start."""
    value = (os.environ if environ is None else environ).get(env_name, "").strip()
    if not value:
        raise ConfigError(f"the {channel} channel needs the environment variable {env_name}: it is not set")
    return value.encode("utf-8")


def optional_secret(env_name: str, environ: Mapping[str, str] | None = None) -> bytes | None:
    value = (os.environ if environ is None else environ).get(env_name, "").strip() if env_name else ""
    return value.encode("utf-8") if value else None


def same_secret(given: str | None, expected: bytes) -> bool:
    """Constant-time equality of a header value and the expected secret; a missing header never matches."""
    return given is not None and hmac.compare_digest(given.encode("utf-8", "replace"), expected)


def hmac_hex(secret: bytes, *parts: bytes) -> str:
    """HMAC-SHA256 of the concatenated parts, as lowercase hex."""
    mac = hmac.new(secret, digestmod=hashlib.sha256)
    for part in parts:
        mac.update(part)
    return mac.hexdigest()


def signature_matches(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.strip().encode("ascii", "replace"), expected.encode("ascii"))


def fresh(timestamp: str | None, max_age_s: float, now: float | None = None) -> bool:
    """A request timestamp (Unix seconds) within `max_age_s` of now, either way: older is a replay."""
    try:
        sent = float(timestamp or "")
    except ValueError:
        return False
    return abs((time.time() if now is None else now) - sent) <= max_age_s


def refuse(status: int, why: str) -> web.Response:
    """401/403 with a short reason; the body of the request was not processed."""
    return json_error(status, why)


def acknowledged(**extra: object) -> web.Response:
    """The quick 200 a platform wants; the answer follows through its API."""
    return web.json_response({"ok": True, **extra})
