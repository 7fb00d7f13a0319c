"""Checks shared by every inbound path; each failure is a `BadRequest` that names the field."""
from __future__ import annotations

import json
import re
from typing import Any

from channels.errors import BadRequest, type_name
from channels.json_input import JsonTooComplex, loads_bounded

MAX_SENDER_CHARS = 128
_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


def parse_json_object(raw: bytes | str, what: str = "body") -> dict[str, Any]:
    """Decode `raw` as a JSON object, or say exactly why it is not one.

    Depth and number size are bounded before parsing, lone surrogates become U+FFFD
    (`channels.json_input`): every inbound path parses its JSON here.
    """
    if not raw or not raw.strip():
        raise BadRequest(what, f"the {what} is empty: expected a JSON object")
    try:
        data = loads_bounded(raw)
    except JsonTooComplex as exc:
        raise BadRequest(what, f"the {what} is too complex: {exc}") from None
    except UnicodeDecodeError:
        raise BadRequest(what, f"malformed JSON: the {what} is not valid UTF-8") from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise BadRequest(what, f"malformed JSON in the {what}: {exc.msg} at {where}") from None
    if not isinstance(data, dict):
        raise BadRequest(what, f"the {what} must be a JSON object, got {type_name(data)}")
    return data


def required_string(payload: dict[str, Any], field: str, max_chars: int) -> str:
    """`payload[field]`, which must be a non-blank string of at most `max_chars` characters."""
    if field not in payload:
        raise BadRequest(field, f"'{field}' is missing: expected a string")
    value = payload[field]
    if not isinstance(value, str):
        raise BadRequest(field, f"'{field}' must be a string, got {type_name(value)}")
    if not value.strip():
        raise BadRequest(field, f"'{field}' is empty")
    if len(value) > max_chars:
        raise BadRequest(field, f"'{field}' is too long: {len(value)} characters, the limit is {max_chars}")
    return value.strip()


def optional_object(payload: dict[str, Any], field: str) -> dict[str, Any]:
    """`payload[field]` if it is a JSON object; absent or null gives `{}`."""
    value = payload.get(field)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRequest(field, f"'{field}' must be a JSON object, got {type_name(value)}")
    return value


def is_session_id(value: object) -> bool:
    """Session ids are 8-64 URL-safe characters: enough entropy, nothing to escape."""
    return isinstance(value, str) and _SESSION_ID.fullmatch(value) is not None
