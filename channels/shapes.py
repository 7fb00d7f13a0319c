"""Reading a platform's payload whatever shape it arrives in.

A signed webhook is genuine but not necessarily of the shape its documentation shows (a new event
type, an older API version, a field that became a list). Parsers read through these accessors, so
an unexpected shape reads as "absent" and the delivery is acknowledged and ignored, never a 500.

    field(update, "message", "chat", "id")      # None unless each step is an object
    for entry in objects(payload.get("entry")): ...  # only the objects of a list
    as_text(message.get("text"))                   # "" unless a string or a number
"""
from __future__ import annotations

from typing import Any


def obj(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def field(value: Any, *path: str) -> Any:
    """`value[path[0]][path[1]]...`, or None as soon as a step is not an object or lacks the key."""
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def objects(value: Any) -> list[dict[str, Any]]:
    """The JSON objects in `value` when it is a list; anything else holds none."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def as_text(value: Any) -> str:
    """A string or number as text (ids are numbers on some platforms); "" for anything else."""
    if isinstance(value, bool) or value is None:
        return ""
    return str(value) if isinstance(value, (str, int, float)) else ""
