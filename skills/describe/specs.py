"""Specification strings as shops export them, read into (key, value) pairs.

>>> spec_pairs('{"product_specification"=>[{"key"=>"Fabric", "value"=>"Cotton"}, {"value"=>"1 Shorts"}]}')
[('Fabric', 'Cotton'), ('', '1 Shorts')]
>>> spec_pairs('Fabric: Cotton; Fit: Slim Fit | Care: Machine wash')
[('Fabric', 'Cotton'), ('Fit', 'Slim Fit'), ('Care', 'Machine wash')]
>>> spec_pairs('[{"key": "Colour", "value": "Navy"}]')
[('Colour', 'Navy')]
>>> spec_pairs('A soft cotton tee.')
[]

Three shapes are read: Ruby-hash exports (``{"key"=>"Fabric", "value"=>"Cotton"}``, as Flipkart's
product feed has them), the same as JSON, and plain "Key: value" lists separated by new lines,
semicolons, pipes or commas. A value without a key keeps an empty key.
"""
from __future__ import annotations

import ast
import re

_PAIR = re.compile(r'\{\s*(?:"key"\s*(?:=>|:)\s*"((?:[^"\\]|\\.)*)"\s*,\s*)?"value"\s*(?:=>|:)\s*"((?:[^"\\]|\\.)*)"\s*\}')
_PLAIN_SPLIT = re.compile(r"\s*(?:\n|;|\||,\s*(?=[A-Z][\w /&()'-]{0,30}:))\s*")
_PLAIN_PAIR = re.compile(r"^([A-Za-z][\w /&()'.-]{0,40}?)\s*:\s*(\S.{0,200})$")
MAX_SPEC_CHARS = 20_000  # longer strings are cut before parsing


def spec_pairs(text: str) -> list[tuple[str, str]]:
    """The (key, value) pairs of a specification string; [] when it is not one."""
    text = (text or "")[:MAX_SPEC_CHARS]
    if "=>" in text or '"value"' in text:
        return [(_unescape(k or ""), _unescape(v)) for k, v in _PAIR.findall(text) if v.strip()]
    return plain_pairs(text)


def plain_pairs(text: str) -> list[tuple[str, str]]:
    """"Key: value" items; text with fewer than two of them is prose, not a list ([] then)."""
    pairs = []
    for item in _PLAIN_SPLIT.split(text.strip()):
        match = _PLAIN_PAIR.match(item.strip())
        if match:
            pairs.append((match.group(1).strip(), match.group(2).strip().rstrip(".")))
    return pairs if len(pairs) >= 2 else []


def listed_values(text: str) -> list[str] | None:
    """The items of a value written as a list (JSON or Python: `["USB port", "Dimmable"]`); None when it is not one.

    >>> listed_values("['USB charging port', 'Touch control']")
    ['USB charging port', 'Touch control']
    >>> listed_values("Touch control") is None
    True
    """
    text = (text or "").strip()
    if not (text.startswith("[") and text.endswith("]")) or len(text) > MAX_SPEC_CHARS:
        return None
    try:
        items = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if not isinstance(items, list | tuple):
        return None
    return [str(item).strip() for item in items if isinstance(item, str | int | float) and str(item).strip()]


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).strip()
