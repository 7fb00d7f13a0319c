"""JSON schema from a skill's input dataclass: the tool an LLM sees is generated from the code.

    tool_schema(SearchSkill)["function"]["parameters"]["properties"]["sizes"]
    # -> {'type': 'array', 'items': {'type': 'string'}, 'maxItems': 8, 'description': "Sizes wanted (shoe, clothing or waist: ..."}

A ``tuple[str, ...]`` field is a JSON array of strings; a field with ``choices`` metadata has an ``enum``.
"""
from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

MAX_ITEMS = 8  # a bounded array keeps a grammar-constrained decode finite
_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean"}


def input_schema(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    properties, required = {}, []
    for f in dataclasses.fields(cls):
        kind, optional = _unwrap_optional(hints[f.name])
        prop = _json_type(kind, f.name)
        if "description" in f.metadata:
            prop["description"] = f.metadata["description"]
        if "choices" in f.metadata:
            prop["enum"] = list(f.metadata["choices"])
        properties[f.name] = prop
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING and not optional:
            required.append(f.name)
    return {"type": "object", "properties": properties, "required": required, "additionalProperties": False}


def _json_type(kind: Any, name: str) -> dict[str, Any]:
    if typing.get_origin(kind) is tuple:
        items = [a for a in typing.get_args(kind) if a is not Ellipsis]
        return {"type": "array", "items": _json_type(items[0], name), "maxItems": MAX_ITEMS}
    if kind not in _JSON_TYPES:
        raise TypeError(f"field {name!r} has type {kind!r}, which has no JSON schema; use str, int, float, bool "
                        "or tuple[str, ...]")
    return {"type": _JSON_TYPES[kind]}


def tool_schema(skill: Any) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {"name": skill.name, "description": skill.description, "parameters": input_schema(skill.Input)},
    }


def _unwrap_optional(kind: Any) -> tuple[type, bool]:
    if isinstance(kind, types.UnionType) or typing.get_origin(kind) is typing.Union:
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        return args[0], True
    return kind, False
