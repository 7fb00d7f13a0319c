"""The configuration reference, generated from the config dataclasses.

Keys, types, defaults, ranges and choices come from the dataclasses in `agent/config*.py`, the one
place they live. What each key means is written once, as the comment beside it in the shipped
`aisle.yml` (continued on the following comment-only lines, and a comment block above a section
describes the section). The tests check that every key has its description there and that the file
states every default as it is, so neither can drift::

    python -m agent.config_reference > docs/reference.md      # from the shipped aisle.yml
"""
from __future__ import annotations

import dataclasses
import re
import sys
import types
import typing
from pathlib import Path
from typing import Any

from agent.config import AisleConfig
from agent.defaults import shipped

_KEY = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z_][A-Za-z0-9_]*):(?P<rest>.*)$")


def described_keys(yaml_text: str) -> dict[str, str]:
    """``{"server.port": "what it means", "server": "the section's comment", ...}`` from the comments.

    A comment-only line indented past the key above it continues that key's comment; any other
    comment-only line describes the key below it; a blank line ends both."""
    found: dict[str, str] = {}
    path: list[tuple[int, str]] = []
    above: list[str] = []
    last, last_indent = "", 0
    for line in yaml_text.splitlines():
        stripped, indent = line.strip(), len(line) - len(line.lstrip())
        if not stripped:
            above, last = [], ""
        elif stripped.startswith("#"):
            text = stripped.lstrip("#").strip()
            if last and indent > last_indent:
                found[last] = f"{found[last]} {text}".strip()
            else:
                above.append(text)
                last = ""
        elif match := _KEY.match(line):
            path = [(i, k) for i, k in path if i < indent] + [(indent, match["key"])]
            last, last_indent = ".".join(k for _, k in path), indent
            found[last] = " ".join(filter(None, [" ".join(above), _comment(match["rest"])]))
            above = []
    return found


def _comment(rest: str) -> str:
    """The comment after a value, ignoring '#' inside quotes."""
    quoted = None
    for n, char in enumerate(rest):
        if char in "\"'" and quoted in (None, char):
            quoted = None if quoted else char
        elif char == "#" and quoted is None and (n == 0 or rest[n - 1] in " \t"):
            return rest[n + 1:].strip()
    return ""


def fields(cls: type, prefix: str = "") -> list[tuple[str, dataclasses.Field, Any]]:
    """Every leaf setting of ``cls`` as (dotted key, field, type), sections unfolded in order."""
    hints = typing.get_type_hints(cls)
    out = []
    for spec in dataclasses.fields(cls):
        kind = hints[spec.name]
        key = f"{prefix}{spec.name}"
        if dataclasses.is_dataclass(kind):
            out += fields(kind, key + ".")
        else:
            out.append((key, spec, kind))
    return out


def sections(cls: type, prefix: str = "") -> list[str]:
    hints = typing.get_type_hints(cls)
    found = []
    for spec in dataclasses.fields(cls):
        if dataclasses.is_dataclass(hints[spec.name]):
            found += [prefix + spec.name] + sections(hints[spec.name], prefix + spec.name + ".")
    return found


def default_of(spec: dataclasses.Field) -> Any:
    if spec.default_factory is not dataclasses.MISSING:
        return spec.default_factory()
    return spec.default


def type_name(kind: Any) -> str:
    if isinstance(kind, types.UnionType) or typing.get_origin(kind) is typing.Union:
        return " or ".join(type_name(a) for a in typing.get_args(kind))
    origin = typing.get_origin(kind)
    if origin in (tuple, list):
        return "list of " + type_name(typing.get_args(kind)[0])
    if origin is dict:
        return "mapping"
    return {str: "text", int: "integer", float: "number", bool: "true/false", type(None): "none"}.get(kind, str(kind))


def allowed(spec: dataclasses.Field) -> str:
    meta = spec.metadata
    if "choices" in meta:
        return ", ".join(f"`{c}`" for c in meta["choices"])
    if "range" in meta:
        low, high = meta["range"]
        return f"{_number(low)} to {_number(high)}"
    if "keys" in meta:
        return "keys: " + ", ".join(f"`{k}`" for k in meta["keys"])
    return ""


def _number(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def reference(descriptions: dict[str, str], cls: type = AisleConfig) -> str:
    """The reference page: one table per section, every key with its type, default, allowed values."""
    lines = ["# Configuration reference", "",
             "Generated from the configuration dataclasses (`agent/config*.py`) and the descriptions in the",
             "shipped `aisle.yml` by `python -m agent.config_reference`; do not edit by hand. Any key can be",
             "set in `aisle.yml` or with the environment variable `AISLE_<SECTION>__<KEY>`",
             "(`AISLE_CHANNELS__TELEGRAM__BASE_URL` for a nested one).", ""]
    current = None
    for key, spec, kind in fields(cls):
        section = key.rpartition(".")[0]
        if section != current:
            current = section
            lines += ["", f"## `{section}`" if section else "## Top-level settings", ""]
            if descriptions.get(section):
                lines += [descriptions[section], ""]
            lines += ["| key | type | default | allowed | what it does |", "|---|---|---|---|---|"]
        default = default_of(spec)
        shown = "" if default in ("", (), [], {}) else f"`{default}`"
        text = descriptions.get(key, "").replace("|", "\\|")
        lines.append(f"| `{key.rpartition('.')[2]}` | {type_name(kind)} | {shown} | {allowed(spec)} | {text} |")
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else Path(str(shipped("aisle.yml")))
    sys.stdout.write(reference(described_keys(path.read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
