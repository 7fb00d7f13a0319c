"""What the agent knows about small talk and the out-of-scope answer: their intents and training examples."""
from __future__ import annotations

from pathlib import Path

from skills.base import IntentDeclaration, SkillDeclaration
from skills.smalltalk.skill import OutOfScopeSkill, SmalltalkSkill

SMALLTALK = SkillDeclaration(
    "smalltalk",
    intents=(IntentDeclaration("greet", "Say hello"), IntentDeclaration("goodbye", "Say goodbye", escape=True),
             IntentDeclaration("thanks", "Say thanks"), IntentDeclaration("help", "See what I can do", escape=True),
             IntentDeclaration("affirm", "Yes"), IntentDeclaration("deny", "No")),
    nlu=Path(__file__).with_name("nlu.yml"),
    build=lambda parts: SmalltalkSkill(),
)
OUT_OF_SCOPE = SkillDeclaration(
    "out_of_scope",
    intents=(IntentDeclaration("out_of_scope", "Something else", arguments=lambda u, state: {}),),
    nlu=Path(__file__).with_name("out_of_scope.yml"),
    build=lambda parts: OutOfScopeSkill(),
)
