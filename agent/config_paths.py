"""The file and folder settings: read relative to the config file, and checked before the slow work starts.

    resolve_relative(AisleConfig, {"nlu": {"data": "data/nlu.yml"}}, Path("/srv/shop"))
    # -> {"nlu": {"data": "/srv/shop/data/nlu.yml"}}

A setting declares itself a path with field metadata: `PATH` (a file or folder, read or written),
`MODEL` (a folder, or a hub id when no such folder exists) or `ADAPTERS` (`name=folder` entries).
A relative path in a config file means the same file whichever folder `aisle` is started from;
one from an environment variable or the command line keeps meaning the current folder.
`check_paths` names every configured input that is missing, with its key, in one `ConfigError`.
"""
from __future__ import annotations

import dataclasses
import typing
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent.errors import ConfigError

if TYPE_CHECKING:
    from agent.config import AisleConfig

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
    if kind == "model" and not (folder / value).exists() and not _looks_like_path(value):
        return value  # a hub id such as org/model
    return _joined(value, folder)


def _adapter(entry: str, folder: Path) -> str:
    name, sep, path = entry.partition("=")
    return f"{name}={_joined(path.strip(), folder)}" if sep and path.strip() else entry


def _joined(value: str, folder: Path) -> str:
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else folder / path)


def _looks_like_path(value: str) -> bool:
    return value.startswith(("/", "./", "../", "~")) or Path(value).is_absolute()


def missing_paths(config: AisleConfig) -> list[str]:
    """One line per configured input file or folder that does not exist: its key, its path, what it is."""
    wanted = [("nlu.data", config.nlu.data, "a file"), ("policies.dir", config.policies.dir, "a folder")]
    if config.catalog.path:
        wanted.append(("catalog.path", config.catalog.path, "a file"))
    if config.nlu.model:
        wanted.append(("nlu.model", config.nlu.model, "a folder"))
    if config.orders.path:
        wanted.append(("orders.path", config.orders.path, "a file"))
    if config.embedder.model and _looks_like_path(config.embedder.model):
        wanted.append(("embedder.model", config.embedder.model, "a folder"))
    if config.llm.backend == "local":
        if _looks_like_path(config.llm.model):
            wanted.append(("llm.model", config.llm.model, "a folder"))
        wanted += [(f"llm.adapters ({name})", path, "a folder") for name, path in config.llm.adapter_paths.items()]
    return [f"{key} = {path}: no such {kind.split()[1]}" for key, path, kind in wanted if not _exists(path, kind)]


def _exists(path: str, kind: str) -> bool:
    target = Path(path).expanduser()
    return target.is_dir() if kind == "a folder" else target.is_file()


def check_paths(config: AisleConfig, source: str = "aisle.yml") -> None:
    """Raise one `ConfigError` naming every missing input, before any catalog, index or model work."""
    missing = missing_paths(config)
    if missing:
        lines = "\n".join(f"  {line}" for line in missing)
        variables = ", ".join(dict.fromkeys(_variable(line) for line in missing))
        raise ConfigError(
            f"{len(missing)} configured path{'s' if len(missing) > 1 else ''} not found:\n{lines}\n"
            f"Set {'them' if len(missing) > 1 else 'it'} in {source} (relative paths there are read from its folder) "
            f"or with {variables}; `aisle init DIR` writes a project with every file in place.")


def _variable(line: str) -> str:
    """`nlu.data = ...` -> AISLE_NLU__DATA, the environment variable that sets the key."""
    key = line.split(" ", 1)[0]
    return "AISLE_" + key.upper().replace(".", "__")
