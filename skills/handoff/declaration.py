"""What the agent knows about handing a conversation to a person: the intents, when to accept at once, examples.

The skill is registered by the agent (`agent.customer_service`) with the other customer-service skills.
"""
from __future__ import annotations

from pathlib import Path

from skills.base import IntentDeclaration, SkillDeclaration
from skills.handoff.requests import handoff_arguments

HANDOFF = SkillDeclaration(
    "handoff",
    (IntentDeclaration("human_handoff", "Talk to a person", handoff_arguments, escape=True),
     IntentDeclaration("complaint", "Make a complaint", handoff_arguments)),
    Path(__file__).with_name("nlu.yml"))
