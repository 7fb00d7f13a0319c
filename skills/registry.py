"""The skill registry: a plain dict filled by explicit `register` calls.

    registry = SkillRegistry()
    registry.register(HelpSkill())
    registry["smalltalk"].name
    # -> 'smalltalk'
"""
from __future__ import annotations

import dataclasses
from typing import Any, Iterator

from knowledge.errors import AisleError
from skills.base import Skill
from skills.schema import tool_schema


class UnknownSkill(AisleError):
    """A decision named a skill that is not registered."""


class SkillRegistry:
    def __init__(self) -> None:
        self._skills: dict[str, Skill] = {}

    def register(self, skill: Skill) -> None:
        if skill.name in self._skills:
            raise ValueError(f"a skill named {skill.name!r} is already registered")
        self._skills[skill.name] = skill

    def __getitem__(self, name: str) -> Skill:
        try:
            return self._skills[name]
        except KeyError:
            raise UnknownSkill(f"no skill named {name!r}; registered: {', '.join(self._skills)}") from None

    def __iter__(self) -> Iterator[Skill]:
        return iter(self._skills.values())

    def build_input(self, name: str, arguments: dict[str, Any]) -> Any:
        """Validate arguments against the skill's input type; unknown arguments are an error."""
        cls = self[name].Input
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(arguments) - known)
        if unknown:
            raise TypeError(f"skill {name!r} takes no argument {unknown[0]!r}; it takes {', '.join(sorted(known))}")
        return cls(**arguments)

    def tool_schemas(self) -> list[dict[str, Any]]:
        return [tool_schema(skill) for skill in self._skills.values()]
