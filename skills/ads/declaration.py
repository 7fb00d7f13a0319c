"""What the agent knows about the ads skill: its merchant-only intents and their training examples.

The skill is built by the agent (`agent.copywriting`): placements, safety words and experiments are configured.
"""
from __future__ import annotations

from pathlib import Path

from skills.base import IntentDeclaration, SkillDeclaration, about_one_product

ADS = SkillDeclaration(
    "ads",
    (IntentDeclaration("write_description", "Write a product description", about_one_product,
                       cannot="write product descriptions", merchant=True),
     IntentDeclaration("write_ad", "Write ad copy", about_one_product, cannot="write ad copy", merchant=True)),
    Path(__file__).with_name("nlu.yml"))
