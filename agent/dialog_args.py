"""The arguments a decision carries: filled by the intent's skill declaration, fitted to the skill's input type.

    arguments_for("select", understanding_of("the second one, size 9"), state)
    # -> {'position': 2, 'size': '9'}
    arguments_for("refine", understanding_of("something cheaper in blue"), state)
    # -> {'change': 'cheaper', 'colour': 'blue'}

Each skill says how its arguments are read from a message and the conversation (`arguments` in its
`IntentDeclaration`, `skills/<name>/declaration.py`). The result may name arguments a skill does not
take; `fit` keeps those its input type declares, so each skill gets what it understands and no more.
"""
from __future__ import annotations

import dataclasses
import typing
from typing import TYPE_CHECKING, Any

from agent.skill_catalog import CATALOG
from agent.state import DialogState

if TYPE_CHECKING:
    from agent.nlu.understanding import Understanding


def arguments_for(intent: str, u: Understanding, state: DialogState) -> dict[str, Any]:
    """Every argument the intent's skill might take; `fit` trims them to the skill's input type."""
    return CATALOG.arguments(intent, u, state)


def fit(arguments: dict[str, Any], input_type: type) -> dict[str, Any]:
    """Only the arguments ``input_type`` (a skill's frozen dataclass) declares."""
    known = {f.name for f in dataclasses.fields(input_type)}
    return {name: value for name, value in arguments.items() if name in known}


def field_type(input_type: type, name: str) -> Any:
    """The declared type of one argument (``bool | None`` for a yes/no question), or None if there is none."""
    hints = typing.get_type_hints(input_type)
    return hints.get(name)
