"""What the agent knows about recommendations: the intent and its training examples.

The skill is built by the agent (`agent.recommend_setup`): its models and event store are configured.
"""
from __future__ import annotations

from pathlib import Path

from skills.base import IntentDeclaration, SkillDeclaration, about_one_product

RECOMMEND = SkillDeclaration(
    "recommend",
    (IntentDeclaration("recommend", "Get recommendations", about_one_product,
                       cannot="give personal recommendations", escape=True),),
    Path(__file__).with_name("nlu.yml"))
