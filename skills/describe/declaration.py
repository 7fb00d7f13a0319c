"""What the agent knows about the describe skill: its intent and training examples.

The skill is built by the agent (`agent.copywriting`): its writer and style come from the configuration.
"""
from __future__ import annotations

from pathlib import Path

from skills.base import IntentDeclaration, SkillDeclaration, about_one_product

DESCRIBE = SkillDeclaration(
    "describe",
    (IntentDeclaration("describe_product", "Hear more about a product", about_one_product,
                       cannot="describe products in detail", shopping=True),),
    Path(__file__).with_name("nlu.yml"))
