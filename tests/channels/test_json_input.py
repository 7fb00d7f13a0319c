"""The bounded JSON reader: depth measured without recursion agrees with the document's real depth,
strings (escapes included) never count, and the limits name what they refused."""
from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channels.json_input import JsonTooComplex, loads_bounded, nesting_depth

tricky_text = st.text(alphabet=st.sampled_from(list('[]{}"\\ab\u00e9\U0001F600')), max_size=12)
documents = st.recursive(st.none() | st.booleans() | st.integers() | tricky_text,
                         lambda inner: st.lists(inner, max_size=3) | st.dictionaries(tricky_text, inner, max_size=3),
                         max_leaves=20)


def depth(value) -> int:
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    return 0


@settings(max_examples=300, deadline=None)
@given(documents, st.booleans())
def test_the_measured_depth_is_the_documents_depth(document, ascii_only):
    raw = json.dumps(document, ensure_ascii=ascii_only).encode("utf-8")
    assert nesting_depth(raw) == depth(document)
    assert loads_bounded(raw) == document


@pytest.mark.parametrize(("raw", "says"), [
    (b"[" * 65 + b"]" * 65, "65 deep: the limit is 64"),
    (b'{"n": ' + b"1" * 65 + b"}", "65 characters"),
    (b"[1e400]", "too large"),
    (b"[-Infinity]", "-Infinity is not a JSON number"),
])
def test_limits_name_what_they_refused(raw, says):
    with pytest.raises(JsonTooComplex, match=says):
        loads_bounded(raw)


def test_brackets_and_escaped_quotes_inside_strings_do_not_count():
    raw = json.dumps({"a": "[[[[" * 100 + '\\"' + "{" * 100, "b": ["\\\\", '"]]]]"']}).encode()
    assert nesting_depth(raw) == 2 and loads_bounded(raw)["b"] == ["\\\\", '"]]]]"']


def test_a_large_body_is_measured_quickly():
    product = {"id": "sku", "title": 'Red "canvas" [ltd] {ed}', "price": 45.5, "text": "laces, " * 40}
    raw = json.dumps({"upserts": [product] * 20000}).encode()
    started = time.perf_counter()
    nesting_depth(raw)
    assert time.perf_counter() - started < 2.0, f"{len(raw) / 1e6:.1f} MB"
