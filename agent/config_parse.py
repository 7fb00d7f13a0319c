"""Turning raw YAML and environment values into typed config dataclasses, naming every bad key and value."""
from __future__ import annotations

import dataclasses
import types
import typing
from pathlib import Path
from typing import Any, Mapping

import yaml

from agent.errors import ConfigError


def read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of sections, got {type(data).__name__}")
    return data


def env_overrides(environ: Mapping[str, str], prefix: str, reserved: tuple[str, ...]) -> dict[str, str]:
    """AISLE_SERVER__PORT=9000 -> {"server.port": "9000"}; AISLE_DATA_DIR=/x -> {"data_dir": "/x"}."""
    overrides = {}
    for name, value in environ.items():
        if name in reserved or name.endswith(("_TOKEN", "_SECRET")):
            continue
        if name.startswith(prefix):
            overrides[name[len(prefix):].lower().replace("__", ".")] = value
    return overrides


def set_dotted(raw: dict, dotted: str, value: Any) -> None:
    *sections, key = dotted.split(".")
    node = raw
    for section in sections:
        node = node.setdefault(section, {})
        if not isinstance(node, dict):
            raise ConfigError(f"{'.'.join(sections)} must be a mapping, got {node!r}")
    node[key] = value


def build(cls: type, raw: Any, prefix: str, source: str) -> Any:
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: '{prefix.rstrip('.')}' must be a mapping, got {raw!r}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(raw) - set(fields))
    if unknown:
        where = f"in '{prefix.rstrip('.')}'" if prefix else "at the top level"
        raise ConfigError(
            f"{source}: unknown key '{prefix}{unknown[0]}'; valid keys {where}: {', '.join(fields)}"
        )
    hints = typing.get_type_hints(cls)
    values = {}
    for name, value in raw.items():
        key, kind = prefix + name, hints[name]
        if dataclasses.is_dataclass(kind):
            values[name] = build(kind, value, key + ".", source)
        else:
            values[name] = _coerce(value, kind, fields[name].metadata, key, source)
    return cls(**values)


def _coerce(value: Any, kind: Any, meta: Mapping, key: str, source: str) -> Any:
    def bad(expected: str) -> ConfigError:
        return ConfigError(f"{source}: {key} = {value!r} is not valid: expected {expected}")

    if kind is bool:
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "1", "yes", "on", "false", "0", "no", "off"):
            return str(value).lower() in ("true", "1", "yes", "on")
        raise bad("true or false")
    if kind in (int, float):
        try:
            number = kind(value)
        except (TypeError, ValueError):
            raise bad("an integer" if kind is int else "a number") from None
        if isinstance(value, bool) or (kind is int and isinstance(value, float) and not value.is_integer()):
            raise bad("an integer" if kind is int else "a number")
        low, high = meta.get("range", (None, None))
        if low is not None and not low <= number <= high:
            raise bad(f"a value from {low} to {high}")
        return number
    if typing.get_origin(kind) is dict:
        return _coerce_mapping(value, meta, bad)
    if typing.get_origin(kind) is tuple:
        items = value.split(",") if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)):
            raise bad("a list of strings")
        return tuple(str(item).strip() for item in items if str(item).strip())
    if kind is str or isinstance(kind, types.UnionType):
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise bad("a string")
        choices = meta.get("choices")
        if choices and str(value) not in choices:
            raise bad(f"one of {', '.join(choices)}")
        return str(value)
    raise bad(str(kind))  # pragma: no cover - every field type is handled above


def _coerce_mapping(value: Any, meta: Mapping, bad: typing.Callable[[str], ConfigError]) -> dict[str, str]:
    """A mapping of names to strings; from the environment as `a=x,b=y`. Keys must be among meta['keys']."""
    if isinstance(value, str):
        pairs = [item.split("=", 1) for item in value.split(",") if item.strip()]
        if any(len(pair) != 2 for pair in pairs):
            raise bad("a mapping, or name=value pairs separated by commas")
        value = {name.strip(): text.strip() for name, text in pairs}
    if not isinstance(value, dict):
        raise bad("a mapping of names to strings")
    allowed = meta.get("keys")
    for name, text in value.items():
        if allowed and name not in allowed:
            raise bad(f"keys from {', '.join(allowed)}; {name!r} is not one")
        if not isinstance(text, (str, int, float)) or isinstance(text, bool) or not str(text).strip():
            raise bad(f"a non-empty string for {name!r}")
    return {str(name): str(text).strip() for name, text in value.items()}
