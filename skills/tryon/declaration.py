"""What the agent knows about virtual try-on: the intent and its training examples.

The skill is built by the agent (`agent.tryon_setup`): its backend and media store are configured.
"""
from __future__ import annotations

from pathlib import Path

from skills.base import IntentDeclaration, SkillDeclaration, about_one_product

TRYON = SkillDeclaration(
    "tryon",
    (IntentDeclaration("try_on", "Try it on", about_one_product, cannot="show products on a photo of you"),),
    Path(__file__).with_name("nlu.yml"),
    photo_intent="share_photo",  # a photo sent on its own is for trying on
)
