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
            every_product: {colour: red, price: {max: 80}, in_stock: true}

A turn may also check every product shown, their order and the reply's wording, or accept either of
several outcomes ("honoured or named"): the vocabulary is in `training/turn_checks.py`. A file, or one
conversation, may name its `category:` (by default the file's name), which the benchmark
(`python -m bench.conversations`) reports pass rates by. `note:` is a comment for the reader, and a
file's `define:` list holds YAML anchors (`&neg "..."`) that its turns reuse (`*neg`).

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
from training.turn_checks import PARSERS, Check, TurnView, parse_checks, run_checks

_TURN_KEYS = {"user", "intent", "skill", "slots", "note", *PARSERS}
_CONVERSATION_KEYS = {"name", "category", "turns", "note"}
_FILE_KEYS = {"conversations", "category", "note", "define"}  # define: YAML anchors for the file to reuse


@dataclass(frozen=True)
class TurnSpec:
    user: str
    intent: str | None = None
    skill: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    checks: tuple[Check, ...] = ()


@dataclass(frozen=True)
class ConversationSpec:
    name: str
    file: str
    turns: tuple[TurnSpec, ...]
    category: str = ""


@dataclass
class TurnResult:
    spec: TurnSpec
    intent: str | None
    skill: str | None
    replies: list[str]
    product_count: int
    failures: list[str]
    shown: list[str] = field(default_factory=list)  # each product card, in words
    seconds: float = 0.0  # the agent's time for the turn


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
    unknown = sorted(set(doc) - _FILE_KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown top-level key '{unknown[0]}'; valid: {', '.join(sorted(_FILE_KEYS))}")
    category = str(doc.get("category") or path.stem)
    return [_conversation(item, path, n, category) for n, item in enumerate(items, 1)]


def _conversation(item: Any, path: Path, n: int, category: str) -> ConversationSpec:
    where = f"{path}: conversation {n}"
    if not isinstance(item, dict) or not isinstance(item.get("turns"), list) or not item["turns"]:
        raise ConfigError(f"{where}: expected a mapping with a non-empty 'turns:' list")
    name = str(item.get("name") or f"{path.stem} #{n}")
    unknown = sorted(set(item) - _CONVERSATION_KEYS)
    if unknown:
        raise ConfigError(f"{where} ({name}): unknown key '{unknown[0]}'; valid keys: "
                          f"{', '.join(sorted(_CONVERSATION_KEYS))}")
    turns = tuple(_turn(turn, f"{where} ({name}), turn {t}") for t, turn in enumerate(item["turns"], 1))
    return ConversationSpec(name, str(path), turns, str(item.get("category") or category))


def _turn(raw: Any, where: str) -> TurnSpec:
    if not isinstance(raw, dict) or not isinstance(raw.get("user"), str):
        raise ConfigError(f"{where}: each turn needs 'user: <what the shopper types>'")
    unknown = sorted(set(raw) - _TURN_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key '{unknown[0]}'; valid keys: {', '.join(sorted(_TURN_KEYS))}")
    if not isinstance(raw.get("slots", {}), dict):
        raise ConfigError(f"{where}: 'slots' must be a mapping of dotted state paths to values")
    checked = {key: value for key, value in raw.items() if key in PARSERS}
    checks = parse_checks(checked, where) if checked else ()
    return TurnSpec(raw["user"], _optional(raw.get("intent")), _optional(raw.get("skill")),
                    dict(raw.get("slots", {})), checks)


def _optional(value: Any) -> str | None:
    return None if value is None else str(value)


def check_turn(spec: TurnSpec, intent: str | None, skill: str | None, view: TurnView, state: dict) -> list[str]:
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
    return failures + run_checks(spec.checks, view)


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


def reply_text(replies: Iterable[Any]) -> str:
    """What the shopper reads, without the product cards (their products are checked by attribute)."""
    lines = []
    for reply in replies:
        lines += [reply.text] if reply.text else []
        if reply.quick_replies:
            lines.append("Options: " + " | ".join(q.title for q in reply.quick_replies))
    return "\n".join(lines)


def shown_products(replies: Iterable[Any], catalog: Any = None) -> list[Any]:
    """Every product on the turn's cards, as the catalog knows it (the card's own copy when it is not there)."""
    products = [p for reply in replies for p in reply.products]
    if catalog is None:
        return products
    return [catalog.by_id(p.id) or p for p in products]
