"""The files Aisle ships with, used when the configuration names none of a shop's own.

>>> shipped("nlu.yml").name
'nlu.yml'

`aisle.yml` (every setting with its default), `nlu.yml` (intent examples), `policies/` (the demo
shop's policy documents) and `conversations/` (conversation tests for `aisle test`) travel inside
the package, so an installed Aisle finds them from any folder. `aisle init DIR` copies them into a
project of the shop's own.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

CONFIG = "aisle.yml"
NLU_DATA = "nlu.yml"
POLICIES = "policies"
CONVERSATIONS = "conversations"


def shipped(name: str) -> Path:
    """The path of a shipped file or folder (a real one: pip installs packages unzipped)."""
    root = resources.files(__package__)
    if not isinstance(root, Path):  # pragma: no cover - only when imported from a zip archive
        raise RuntimeError(f"Aisle's shipped defaults are not files on disk ({root!r}): install the package unzipped")
    return root / name
