"""The search skill's arguments: the whole shopping request the message states (`skills.request.SearchInput`)."""
from __future__ import annotations

from typing import Any

from skills.base import Conversation, Reading
from skills.request import REQUEST_FIELDS


def search_arguments(u: Reading, state: Conversation | None = None) -> dict[str, Any]:
    values = u.entities.values
    args: dict[str, Any] = {"query": u.entities.search_text or u.reading}
    args.update({name: values[name] for name in REQUEST_FIELDS if name in values})
    if "size" in values and "sizes" not in args:
        args["sizes"] = [values["size"]]
    return args
