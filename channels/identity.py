"""Who a shopper is, as the shop's own site vouches for it: a user id signed with the shop's secret.

The shop's server computes `user_hash = HMAC-SHA256(secret, user_id)` (hex) for the signed-in
customer and puts both into its page (the widget's `data-user-id` and `data-user-hash`), or sends
them as REST metadata (`{"user_id", "user_hash"}`). Aisle checks the hash in constant time with the
secret from the variable `server.identity_secret_env` names; only then does the message carry
`metadata["customer"] = user_id`, which the order skills trust. Whatever a client sends as
`customer` or `address` itself is dropped. Without the variable, nobody is signed in.

    shopper_metadata({"user_id": "ann@example.com", "user_hash": hash_}, secret, "203.0.113.9")
    # -> {'customer': 'ann@example.com', 'address': '203.0.113.9'}
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from channels.webhooks import optional_secret

MAX_USER_ID_CHARS = 256
SERVER_SET = ("customer", "address", "user_id", "user_hash")  # never taken from the client as they are


def user_hash(secret: bytes, user_id: str) -> str:
    """What the shop's server computes: HMAC-SHA256 of the user id under the shared secret, hex."""
    return hmac.new(secret, user_id.encode("utf-8"), hashlib.sha256).hexdigest()


def verified_user(user_id: Any, given_hash: Any, secret: bytes | None) -> str | None:
    """`user_id` when `given_hash` is its signature under `secret` (constant time), else None."""
    if secret is None or not isinstance(user_id, str) or not isinstance(given_hash, str):
        return None
    user_id = user_id.strip()
    if not user_id or len(user_id) > MAX_USER_ID_CHARS or len(given_hash) > 128:
        return None
    expected = user_hash(secret, user_id).encode("ascii")
    return user_id if hmac.compare_digest(given_hash.strip().lower().encode("utf-8", "replace"), expected) else None


def identity_secret(env_name: str) -> bytes | None:
    return optional_secret(env_name)


def shopper_metadata(given: Mapping[str, Any] | None, secret: bytes | None, address: str | None) -> dict[str, Any]:
    """The client's metadata without the fields only the server sets, plus the verified customer
    (when `user_id`/`user_hash` check out) and the client's address."""
    given = given or {}
    metadata = {key: value for key, value in given.items() if key not in SERVER_SET}
    customer = verified_user(given.get("user_id"), given.get("user_hash"), secret)
    if customer is not None:
        metadata["customer"] = customer
    if address:
        metadata["address"] = address
    return metadata
