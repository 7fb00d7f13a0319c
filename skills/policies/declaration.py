"""What the agent knows about policy answers: the two intents, their arguments and training examples.

The skill is built by the agent (`agent.customer_service`): it reads the configured policy documents.
"""
from __future__ import annotations

from pathlib import Path

from skills.base import IntentDeclaration, SkillDeclaration

POLICIES = SkillDeclaration(
    "policies",
    (IntentDeclaration("shipping_info", "Ask about shipping", escape=True,
                       arguments=lambda u, state: {"question": u.text, "topic": "shipping"}),
     IntentDeclaration("store_policy", "Ask about our policies", escape=True,
                       arguments=lambda u, state: {"question": u.text})),
    Path(__file__).with_name("nlu.yml"))
