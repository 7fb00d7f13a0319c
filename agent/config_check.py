"""The startup check: every configured input file and folder exists, or one error names each missing one
with its key, before any catalog, index or model work starts (`agent.config_paths` resolves them)."""
from __future__ import annotations

from pathlib import Path

from agent.config import AisleConfig
from agent.config_paths import looks_like_path
from agent.errors import ConfigError


def missing_paths(config: AisleConfig) -> list[str]:
    """One line per configured input file or folder that does not exist: its key, its path, what it is."""
    wanted = [("nlu.data", config.nlu.data, "a file"), ("policies.dir", config.policies.dir, "a folder")]
    if config.catalog.path:
        wanted.append(("catalog.path", config.catalog.path, "a file"))
    if config.nlu.model:
        wanted.append(("nlu.model", config.nlu.model, "a folder"))
    if config.orders.path:
        wanted.append(("orders.path", config.orders.path, "a file"))
    if config.embedder.model and looks_like_path(config.embedder.model):
        wanted.append(("embedder.model", config.embedder.model, "a folder"))
    if config.llm.backend == "local":
        if looks_like_path(config.llm.model):
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
