"""Offering a person and handing the conversation over (`skills.handoff.skill`); when a person is asked for
(`skills.handoff.requests`)."""
from skills.handoff.skill import ACTIONS, NO_THANKS, OFFER, TALK_TO_A_PERSON, HandoffInput, HandoffSkill

# What other skills may use: the offer of a person other skills append.
__interface__ = ("skill",)
__all__ = ["ACTIONS", "NO_THANKS", "OFFER", "TALK_TO_A_PERSON", "HandoffInput", "HandoffSkill"]
