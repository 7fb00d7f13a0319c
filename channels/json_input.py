"""JSON from the outside world, bounded before it is parsed.

Python's `json` recurses once per nesting level (5,000 levels raise `RecursionError`) and turns
every digit string into an `int` (5,000 digits raise `ValueError`): both were unauthenticated 500s.
`loads_bounded` measures the nesting depth on the raw bytes first, without recursion, caps the
length of every number while parsing, refuses `NaN`/`Infinity`, and replaces lone UTF-16
surrogates (`"\\ud800"`, which SQLite and UTF-8 cannot store) with U+FFFD.

    loads_bounded(b'{"a": [1, 2]}')
    # -> {'a': [1, 2]}
    loads_bounded(b"[" * 100 + b"]" * 100)      # JsonTooComplex: nested 100 deep, the limit is 64
"""
from __future__ import annotations

import json
import math
import re
from itertools import accumulate
from typing import Any

MAX_DEPTH = 64  # the deepest real webhook payload (Slack blocks) nests about 10
MAX_NUMBER_CHARS = 64  # no id, price or timestamp is longer; Python's int() refuses past 4,300

_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_DELTA = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonTooComplex(ValueError):
    """The JSON is nested too deep, or holds a number too long or not finite; the message says which."""


def loads_bounded(raw: bytes | str, max_depth: int = MAX_DEPTH, max_number_chars: int = MAX_NUMBER_CHARS) -> Any:
    """Parse `raw` like `json.loads`, within the limits; raises `JsonTooComplex`, `json.JSONDecodeError`
    or `UnicodeDecodeError` (bytes that are not UTF-8)."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    depth = nesting_depth(data)
    if depth > max_depth:
        raise JsonTooComplex(f"the JSON nests arrays and objects {depth} deep: the limit is {max_depth}")
    parsed = json.loads(data, parse_int=_number(int, max_number_chars), parse_float=_number(float, max_number_chars),
                        parse_constant=_no_constant)
    return mend_surrogates(parsed) if _SURROGATE_ESCAPE.search(data) else parsed


def nesting_depth(data: bytes) -> int:
    """The deepest nesting of `[`/`{` outside strings, counted without recursion.

    Without escaped backslashes and escaped quotes every `"` opens or closes a string, so splitting on
    `"` leaves what is outside strings at the even positions: all in C, linear, no regular expression.
    """
    plain = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    skeleton = b"".join(plain.split(b'"')[0::2]).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_DELTA.__getitem__, skeleton)), default=0)


def mend_surrogates(value: Any) -> Any:
    """`value` with every lone surrogate in its strings (keys too) replaced by U+FFFD, in place."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            items = list(node.items())
            node.clear()
            for key, item in items:
                node[_LONE_SURROGATE.sub("\ufffd", key)] = _mended(item, stack)
        elif isinstance(node, list):
            node[:] = [_mended(item, stack) for item in node]
    return value


def _mended(item: Any, stack: list[Any]) -> Any:
    if isinstance(item, str):
        return _LONE_SURROGATE.sub("\ufffd", item)
    if isinstance(item, (dict, list)):
        stack.append(item)
    return item


def _number(kind: type, max_chars: int):
    def parse(text: str) -> int | float:
        if len(text) > max_chars:
            raise JsonTooComplex(f"a number in the JSON has {len(text)} characters: the limit is {max_chars}")
        value = kind(text)
        if isinstance(value, float) and not math.isfinite(value):
            raise JsonTooComplex(f"the number {text[:20]} is too large")
        return value

    return parse


def _no_constant(name: str) -> float:
    raise JsonTooComplex(f"{name} is not a JSON number")
