"""The file and folder settings: read relative to the config file, and checked before the slow work starts.

    resolve_relative(AisleConfig, {"nlu": {"data": "data/nlu.yml"}}, Path("/srv/shop"))
    # -> {"nlu": {"data": "/srv/shop/data/nlu.yml"}}

A setting declares itself a path with field metadata: `PATH` (a file or folder, read or written),
`MODEL` (a folder, or a hub id when no such folder exists) or `ADAPTERS` (`name=folder` entries).
A relative path in a config file means the same file whichever folder `aisle` is started from;
one from an environment variable or the command line keeps meaning the current folder.
`agent.config_check.check_paths` names every configured input that is missing, with its key, in one `ConfigError`.
"""
from __future__ import annotations

import dataclasses
import typing
from pathlib import Path
from typing import Any

PATH = {"path": "path"}
MODEL = {"path": "model"}
ADAPTERS = {"path": "adapters"}


def resolve_relative(cls: type, raw: dict, folder: Path) -> dict:
    """`raw` (a config file's mapping) with its relative path settings joined to `folder`, in place."""
    hints = typing.get_type_hints(cls)
    for item in dataclasses.fields(cls):
        value = raw.get(item.name)
        if isinstance(value, dict) and dataclasses.is_dataclass(hints[item.name]):
            resolve_relative(hints[item.name], value, folder)
        elif item.metadata.get("path") and value:
            raw[item.name] = _resolved(item.metadata["path"], value, folder)
    return raw


def _resolved(kind: str, value: Any, folder: Path) -> Any:
    if kind == "adapters" and isinstance(value, (list, tuple)):
        return [_adapter(str(entry), folder) for entry in value]
    if not isinstance(value, str):
        return value  # the type check that follows names the bad value
    if kind == "model" and not (folder / value).exists() and not looks_like_path(value):
        return value  # a hub id such as org/model
    return _joined(value, folder)


def _adapter(entry: str, folder: Path) -> str:
    name, sep, path = entry.partition("=")
    return f"{name}={_joined(path.strip(), folder)}" if sep and path.strip() else entry


def _joined(value: str, folder: Path) -> str:
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else folder / path)


def looks_like_path(value: str) -> bool:
    return value.startswith(("/", "./", "../", "~")) or Path(value).is_absolute()
