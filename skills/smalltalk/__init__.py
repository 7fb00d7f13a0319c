"""Greetings, help, thanks, goodbyes, and the polite answer to what the shop assistant does not do."""
from skills.smalltalk.skill import EXAMPLES, OutOfScopeInput, OutOfScopeSkill, SmalltalkInput, SmalltalkSkill

__all__ = ["EXAMPLES", "OutOfScopeInput", "OutOfScopeSkill", "SmalltalkInput", "SmalltalkSkill"]
