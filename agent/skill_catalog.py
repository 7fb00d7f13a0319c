"""Every skill Aisle ships, by its declaration: the one place a new skill is registered.

    CATALOG.skill_for("return_or_refund")
    # -> 'returns'
    CATALOG.label("order_status")
    # -> 'Track an order'

The NLU, the dialog policy and the LLM router read intents, argument fillers, labels and training
examples from here; none of them names a skill. A declaration lives in its skill's folder
(`skills/<name>/declaration.py`, the types in `skills.base`). Whether a shop switches a skill on is
its configuration's business (`agent.runtime.build_skills`): an intent whose skill is not registered
gets an honest "I can't do that yet".
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from skills.ads.declaration import ADS
from skills.base import IntentDeclaration, SkillDeclaration, SkillParts
from skills.cart.declaration import CART
from skills.describe.declaration import DESCRIBE
from skills.handoff.declaration import HANDOFF
from skills.orders.declaration import CANCEL_ORDER, ORDER_STATUS, RETURNS
from skills.policies.declaration import POLICIES
from skills.recommend.declaration import RECOMMEND
from skills.registry import SkillRegistry
from skills.search.declaration import SEARCH
from skills.shopping.declaration import COMPARE, PRODUCT_QUESTION, REFINE, SELECT
from skills.size_guide.declaration import SIZE_GUIDE
from skills.smalltalk.declaration import OUT_OF_SCOPE, SMALLTALK
from skills.tryon.declaration import TRYON

BUILT_IN = (
    SMALLTALK, SEARCH, REFINE, SELECT, PRODUCT_QUESTION, COMPARE, RECOMMEND, DESCRIBE, TRYON, ORDER_STATUS, RETURNS,
    CANCEL_ORDER, POLICIES, HANDOFF, ADS, OUT_OF_SCOPE, CART,
    SIZE_GUIDE,  # the example of docs/development.md, "Writing a skill"
)


class SkillCatalog:
    """Declarations looked up by intent; an intent no skill declares goes to `out_of_scope`."""

    def __init__(self, declarations: Iterable[SkillDeclaration]):
        self.declarations = tuple(declarations)
        self._intents: dict[str, tuple[IntentDeclaration, str]] = {}
        for declaration in self.declarations:
            for intent in declaration.intents:
                if intent.name in self._intents:
                    raise ValueError(f"intent {intent.name!r} is declared by both {self._intents[intent.name][1]!r} "
                                     f"and {declaration.name!r}")
                self._intents[intent.name] = (intent, declaration.name)
        # each intent's skill, in declaration order (a skill's first intent is the one it stands for)
        self.intent_skills = {name: skill for name, (_, skill) in self._intents.items()}

    def __iter__(self) -> Iterator[SkillDeclaration]:
        return iter(self.declarations)

    def skill_for(self, intent: str) -> str:
        return self._intents[intent][1] if intent in self._intents else "out_of_scope"

    def merchant_only(self, skill: str) -> bool:
        """A skill whose every declared intent is for the shop's team (ads); a skill declaring none is for shoppers."""
        flags = [intent.merchant for intent, owner in self._intents.values() if owner == skill]
        return bool(flags) and all(flags)

    def intents_where(self, flag: str) -> frozenset[str]:
        """The intents declared ``shopping``, ``escape`` or ``merchant``."""
        return frozenset(name for name, (intent, _) in self._intents.items() if getattr(intent, flag))

    def arguments(self, intent: str, u: Any, state: Any) -> dict[str, Any]:
        """Every argument the intent's skill might take, None values left out; the dialog fits them to its input."""
        declared = self._intents.get(intent)
        filler = declared[0].arguments if declared else None
        args = filler(u, state) if filler else {"intent": intent}
        return {name: value for name, value in args.items() if value is not None}

    def label(self, intent: str) -> str:
        declared = self._intents.get(intent)
        return declared[0].label if declared and declared[0].label else intent.replace("_", " ").capitalize()

    def cannot(self, intent: str) -> str:
        """What "Sorry, I can't ..." names when the intent's skill is not switched on."""
        declared = self._intents.get(intent)
        return declared[0].cannot if declared and declared[0].cannot else self.label(intent).lower()

    @property
    def photo_route(self) -> tuple[str, str] | None:
        """(intent, skill) for a message with photos: the skill that declares it takes them, if any."""
        taker = next((d for d in self.declarations if d.photo_intent), None)
        return (taker.photo_intent, taker.name) if taker else None

    @property
    def nlu_files(self) -> tuple[Path, ...]:
        return tuple(d.nlu for d in self.declarations if d.nlu is not None)

    def register_built(self, skills: SkillRegistry, parts: SkillParts) -> None:
        """Register every skill that builds from the shared parts alone (the others are built by their setup)."""
        for declaration in self.declarations:
            if declaration.build is not None:
                skill = declaration.build(parts)
                if skill.name != declaration.name:
                    raise ValueError(f"the declaration {declaration.name!r} built a skill named {skill.name!r}")
                skills.register(skill)


CATALOG = SkillCatalog(BUILT_IN)
