"""What the agent knows about product search: its intent, how its arguments are filled, its training examples.

The skill is built by the agent (`agent.runtime.build_skills`): it takes the configured number of results.
"""
from __future__ import annotations

from pathlib import Path

from skills.base import IntentDeclaration, SkillDeclaration
from skills.search.arguments import search_arguments

SEARCH = SkillDeclaration(
    "search",
    intents=(IntentDeclaration("search_products", "Search products", search_arguments, shopping=True, escape=True),),
    nlu=Path(__file__).with_name("nlu.yml"),
)
