"""Answers to policy questions from the shop's own documents (`skills.policies.skill`)."""
from skills.policies.skill import DONT_KNOW, PolicyInput, PolicySkill

__all__ = ["DONT_KNOW", "PolicyInput", "PolicySkill"]
