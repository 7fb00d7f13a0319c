"""Answers to policy questions, quoted from the shop's own documents with their source.

    skill = PolicySkill(PolicyIndex.from_folder(Path("agent/defaults/policies"), embedder), min_score=0.4)
    (await skill.run(PolicyInput(question="how long do refunds take?"), ctx)).text
    # -> 'From our “Returns, refunds and exchanges” policy (returns.md, section “Refunds”): “Once your return ...”'

When no passage is close enough (`min_score`, cosine similarity) the skill says it does not know
and offers a colleague, rather than quoting something beside the point.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import ClassVar

from knowledge.policy_docs import Passage, PolicyIndex
from skills.base import SkillContext, SkillResult
from skills.handoff import OFFER

DONT_KNOW = "I don't know the answer to that from our shop's policies. Shall I ask a colleague?"


@dataclass(frozen=True)
class PolicyInput:
    question: str = field(metadata={"description": "The shopper's question about shipping, returns, payment, ..."})
    topic: str | None = field(default=None, metadata={"description": (
        "The policy document to look in first, by name without .md (shipping, returns, payment, privacy, sizing).")})


class PolicySkill:
    name: ClassVar[str] = "policies"
    description: ClassVar[str] = "Answer questions about shipping, returns, payment, privacy and sizing from the shop's policies."
    Input: ClassVar[type] = PolicyInput

    def __init__(self, index: PolicyIndex, min_score: float = 0.4):
        self.index = index
        self.min_score = min_score

    async def run(self, args: PolicyInput, ctx: SkillContext) -> SkillResult:
        best = await asyncio.to_thread(self._best, args.question, args.topic)
        if best is None:
            return SkillResult(DONT_KNOW, quick_replies=OFFER, slots={"handoff_offer": "no_answer"},
                               data={"failed": True})
        passage, score = best
        return SkillResult(quote(passage), data={"source": passage.source, "heading": passage.heading,
                                                  "score": round(score, 3)})

    def _best(self, question: str, topic: str | None) -> tuple[Passage, float] | None:
        source = f"{topic}.md" if topic and f"{topic}.md" in self.index.sources else None
        for where in ([source, None] if source else [None]):
            found = self.index.search(question, k=3, source=where)  # best fit first, each with its similarity
            if found and max(score for _, score in found) >= self.min_score:
                return found[0]
        return None


def quote(passage: Passage) -> str:
    """The passage word for word, with the document, its file and the section it comes from."""
    section = f", section “{passage.heading}”" if passage.heading != passage.title else ""
    return f"From our “{passage.title}” policy ({passage.source}{section}): “{passage.text}”"
