"""Rasa NLU YAML (`nlu.yml`): intents with examples, inline entities, synonyms, lookups, regexes.

>>> data = read_nlu_data("agent/defaults/nlu.yml")
>>> data.examples[0].intent, data.examples[0].text
('greet', 'hi')

`read_nlu_yaml` reads one file. `read_nlu_data` reads a shop's NLU data (`nlu.data`): a file with
intent examples of its own is the whole training set; one without any (the shipped file holds only
synonyms, lookups and regexes) gets the examples every skill ships in its folder
(`skills/<name>/nlu.yml`, listed by `agent.skill_catalog`), in the catalog's order.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from agent.errors import ConfigError
from agent.skill_catalog import CATALOG



class RasaNluLoader(yaml.SafeLoader):
    """YAML as Rasa reads an NLU file: every plain scalar is a string.

    PyYAML follows YAML 1.1, where `yes`, `no`, `on`, `off` and `true` are booleans, so intents named
    `yes` and `on` would both become True and merge. An NLU file holds names and texts only.
    """


RasaNluLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag.rsplit(":", 1)[-1] not in ("bool", "int", "float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

# [red](colour), [red](colour:crimson) or [red]{"entity": "colour", "value": "crimson"}
_INLINE_ENTITY = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<short>[^)]+)\)|(?P<json>\{[^}]*\}))")


@dataclass(frozen=True, slots=True)
class Entity:
    entity: str
    value: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    intent: str
    entities: tuple[Entity, ...] = ()


@dataclass(frozen=True)
class NluData:
    examples: tuple[Example, ...]
    synonyms: dict[str, str] = field(default_factory=dict)  # surface form -> canonical value
    lookups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    regexes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    checksum: str = ""

    @property
    def intents(self) -> list[str]:
        return sorted({e.intent for e in self.examples})


def read_nlu_data(path: str | Path, skill_files: Sequence[Path] | None = None) -> NluData:
    """The shop's NLU file; where it gives no intent examples, with the examples every skill ships."""
    data = read_nlu_yaml(path, examples_required=False)
    if data.examples:
        return data  # a file with examples of its own is the whole training set (an older `aisle init` copy)
    parts = [read_nlu_yaml(file) for file in (CATALOG.nlu_files if skill_files is None else skill_files)]
    examples = tuple(e for part in parts for e in part.examples)
    checksum = hashlib.sha256(":".join([data.checksum] + [p.checksum for p in parts]).encode()).hexdigest()
    return _with_examples(replace(data, examples=examples, checksum=checksum), path)


def _with_examples(data: NluData, path: str | Path) -> NluData:
    if not data.examples:
        raise ConfigError(f"{path}: no intent examples")
    return data


def read_nlu_yaml(path: str | Path, examples_required: bool = True) -> NluData:
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"NLU data file not found: {path} (set nlu.data in aisle.yml)")
    raw = path.read_bytes()
    try:
        doc = yaml.load(raw, Loader=RasaNluLoader) or {}  # noqa: S506 - a SafeLoader with fewer scalar types
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    items = doc.get("nlu") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise ConfigError(f"{path}: expected a top-level 'nlu:' list as in Rasa NLU YAML")
    data = _parse_items(items, path, hashlib.sha256(raw).hexdigest())
    return _with_examples(data, path) if examples_required else data


def _parse_items(items: list, path: Path, checksum: str) -> NluData:
    examples, synonyms, lookups, regexes = [], {}, {}, {}
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict) or "examples" not in item:
            raise ConfigError(f"{path}: item {n} has no 'examples' (got {json.dumps(item)[:80]})")
        lines = _example_lines(item["examples"], path, n)
        if "intent" in item:
            examples += [parse_example(line, str(item["intent"])) for line in lines]
        elif "synonym" in item:
            synonyms.update({line.lower(): str(item["synonym"]) for line in lines})
        elif "lookup" in item:
            lookups[str(item["lookup"])] = tuple(lines)
        elif "regex" in item:
            regexes[str(item["regex"])] = tuple(lines)
        else:
            raise ConfigError(f"{path}: item {n} must be one of intent, synonym, lookup, regex")
    return NluData(tuple(examples), synonyms, lookups, regexes, checksum)


def _example_lines(block: object, path: Path, n: int) -> list[str]:
    if not isinstance(block, str):
        raise ConfigError(f"{path}: item {n}: 'examples' must be a block of '- ' lines")
    lines = [line.strip() for line in block.splitlines() if line.strip()]
    bad = [line for line in lines if not line.startswith("- ")]
    if bad:
        raise ConfigError(f"{path}: item {n}: example line must start with '- ': {bad[0]!r}")
    return [line[2:].strip() for line in lines]


def parse_example(line: str, intent: str) -> Example:
    """Strip inline entity markup, keeping each entity's position in the plain text."""
    text, entities, cursor = "", [], 0
    for match in _INLINE_ENTITY.finditer(line):
        text += line[cursor:match.start()]
        surface = match["text"]
        name, value = _entity_name_value(match, surface)
        entities.append(Entity(name, value, len(text), len(text) + len(surface)))
        text += surface
        cursor = match.end()
    text += line[cursor:]
    return Example(text, intent, tuple(entities))


def _entity_name_value(match: re.Match, surface: str) -> tuple[str, str]:
    if match["json"]:
        spec = json.loads(match["json"])
        return str(spec["entity"]), str(spec.get("value", surface))
    name, _, value = match["short"].partition(":")
    return name, value or surface
