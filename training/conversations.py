"""Conversation tests: multi-turn YAML scripts played through the real agent, turn by turn.

A file holds a list of conversations; each turn is what the shopper types and, optionally, what
must happen::

    conversations:
      - name: red sneakers on a budget
        turns:
          - user: show me red sneakers under 80 dollars
            intent: search_products          # the intent the router chose
            skill: search                    # the skill that ran
            slots:                           # dotted paths into the conversation state
              last_search.colour: red
              last_search.max_price: 80
            reply: ["red"]                   # fragments the reply must contain (any case)
            products: true                   # product cards shown (true) or not (false)

Every conversation gets a fresh sender, so state never leaks from one to the next.
"""
from __future__ import annotations

import glob
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from agent.errors import ConfigError

_TURN_KEYS = {"user", "intent", "skill", "slots", "reply", "products"}


@dataclass(frozen=True)
class TurnSpec:
    user: str
    intent: str | None = None
    skill: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    reply: tuple[str, ...] = ()
    products: bool | None = None


@dataclass(frozen=True)
class ConversationSpec:
    name: str
    file: str
    turns: tuple[TurnSpec, ...]


@dataclass
class TurnResult:
    spec: TurnSpec
    intent: str | None
    skill: str | None
    replies: list[str]
    product_count: int
    failures: list[str]


@dataclass
class ConversationResult:
    spec: ConversationSpec
    turns: list[TurnResult]

    @property
    def passed(self) -> bool:
        return all(not turn.failures for turn in self.turns)


def expand_paths(patterns: Iterable[str]) -> list[Path]:
    """Files named directly or by a glob pattern; a pattern that matches nothing is an error."""
    paths: list[Path] = []
    for pattern in patterns:
        matches = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]
        if not matches or not all(Path(m).is_file() for m in matches):
            raise ConfigError(f"no conversation test file found for {pattern!r}")
        paths += [Path(m) for m in matches]
    return paths


def read_conversations(path: Path) -> list[ConversationSpec]:
    """Parse one file; a mistake names the file, the conversation and the turn."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    items = doc.get("conversations") if isinstance(doc, dict) else None
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{path}: expected a top-level 'conversations:' list")
    return [_conversation(item, path, n) for n, item in enumerate(items, 1)]


def _conversation(item: Any, path: Path, n: int) -> ConversationSpec:
    where = f"{path}: conversation {n}"
    if not isinstance(item, dict) or not isinstance(item.get("turns"), list) or not item["turns"]:
        raise ConfigError(f"{where}: expected a mapping with a non-empty 'turns:' list")
    name = str(item.get("name") or f"{path.stem} #{n}")
    turns = tuple(_turn(turn, f"{where} ({name}), turn {t}") for t, turn in enumerate(item["turns"], 1))
    return ConversationSpec(name, str(path), turns)


def _turn(raw: Any, where: str) -> TurnSpec:
    if not isinstance(raw, dict) or not isinstance(raw.get("user"), str):
        raise ConfigError(f"{where}: each turn needs 'user: <what the shopper types>'")
    unknown = sorted(set(raw) - _TURN_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key '{unknown[0]}'; valid keys: {', '.join(sorted(_TURN_KEYS))}")
    reply = raw.get("reply", [])
    reply = [reply] if isinstance(reply, str) else reply
    if not isinstance(reply, list) or not isinstance(raw.get("slots", {}), dict):
        raise ConfigError(f"{where}: 'reply' must be a list of fragments and 'slots' a mapping")
    products = raw.get("products")
    if products is not None and not isinstance(products, bool):
        raise ConfigError(f"{where}: products = {products!r} is not valid: expected true or false")
    return TurnSpec(raw["user"], _optional(raw.get("intent")), _optional(raw.get("skill")),
                    dict(raw.get("slots", {})), tuple(str(r) for r in reply), products)


def _optional(value: Any) -> str | None:
    return None if value is None else str(value)


def check_turn(spec: TurnSpec, intent: str | None, skill: str | None, reply_text: str,
               product_count: int, state: dict) -> list[str]:
    """Every way the turn differs from what the spec expects, in words."""
    failures = []
    if spec.intent is not None and intent != spec.intent:
        failures.append(f"intent: expected {spec.intent}, got {intent}")
    if spec.skill is not None and skill != spec.skill:
        failures.append(f"skill: expected {spec.skill}, got {skill}")
    for dotted, expected in spec.slots.items():
        actual = slot_value(state, dotted)
        if not _same(expected, actual):
            failures.append(f"slot {dotted}: expected {expected!r}, got {actual!r}")
    for fragment in spec.reply:
        if fragment.lower() not in reply_text.lower():
            failures.append(f"reply: expected it to contain {fragment!r}")
    if spec.products is not None and (product_count > 0) != spec.products:
        failures.append(f"products: expected {'some' if spec.products else 'none'}, got {product_count}")
    return failures


def slot_value(state: dict, dotted: str) -> Any:
    node: Any = state
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _same(expected: Any, actual: Any) -> bool:
    numbers = (int, float)
    if isinstance(expected, numbers) and isinstance(actual, numbers) and not isinstance(expected, bool):
        return float(expected) == float(actual)
    if isinstance(expected, str) and isinstance(actual, str):
        return expected.lower() == actual.lower()
    return expected == actual
