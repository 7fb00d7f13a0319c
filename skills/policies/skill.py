"""Answers to policy questions, quoted from the shop's own documents with their source.

    skill = PolicySkill(PolicyIndex.from_folder(Path("agent/defaults/policies"), embedder), min_score=0.4)
    (await skill.run(PolicyInput(question="how long do refunds take?"), ctx)).text
    # -> 'From our “Returns, refunds and exchanges” policy (returns.md, section “Refunds”): “Once your return ...”'

A follow-up (``previous`` is the question answered just before) keeps what it does not replace:
"how much does it cost?" after "do you ship to the UK?" is read with it, "how long would delivery take?"
after a question about Germany keeps Germany, and "and within the US?" swaps the place. A place the
question is read for is named in the answer ("For the United Kingdom, from our ...").

When no passage is close enough (`min_score`, cosine similarity) the skill says it does not know
and offers a colleague, rather than quoting something beside the point.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import ClassVar

from knowledge.policy_docs import Passage, PolicyIndex
from knowledge.policy_rank import elliptical
from skills.base import SkillContext, SkillResult
from skills.handoff.skill import OFFER

DONT_KNOW = "I don't know the answer to that from our shop's policies. Shall I ask a colleague?"


@dataclass(frozen=True)
class PolicyInput:
    question: str = field(metadata={"description": "The shopper's question about shipping, returns, payment, ..."})
    topic: str | None = field(default=None, metadata={"description": (
        "The policy document to look in first, by name without .md (shipping, returns, payment, privacy, sizing).")})
    previous: str | None = field(default=None, metadata={"description": (
        "The policy question answered just before, when this one follows it up (\"and to Canada?\").")})


class PolicySkill:
    name: ClassVar[str] = "policies"
    description: ClassVar[str] = "Answer questions about shipping, returns, payment, privacy and sizing from the shop's policies."
    Input: ClassVar[type] = PolicyInput

    def __init__(self, index: PolicyIndex, min_score: float = 0.4):
        self.index = index
        self.min_score = min_score

    async def run(self, args: PolicyInput, ctx: SkillContext) -> SkillResult:
        question = await asyncio.to_thread(self.resolve, args.question, args.previous)
        best = await asyncio.to_thread(self._best, question, args.topic)
        remembered = {"policy_question": question[-300:]}
        if best is None:
            return SkillResult(DONT_KNOW, quick_replies=OFFER, slots={"handoff_offer": "no_answer", **remembered},
                               data={"failed": True})
        passage, score = best
        places = [p.phrase for p in self.index.places.named(question) if p.phrase]
        text = quote(passage)
        if places:
            text = f"For {' and '.join(places)}, {text[0].lower()}{text[1:]}"
        return SkillResult(text, slots=remembered, data={"source": passage.source, "heading": passage.heading,
                                                          "score": round(score, 3), "question": question})

    def resolve(self, question: str, previous: str | None) -> str:
        """The question as it is meant: a follow-up keeps what it does not replace of the one before."""
        if not previous or not previous.strip():
            return question
        places = self.index.places
        alone = self.index.search(question, k=1)
        sure = bool(alone) and alone[0][1] >= self.min_score
        earlier = self.index.search(previous, k=1)
        if places.named(question):  # its own place replaces the earlier one
            return question if sure else f"{places.without(previous).strip()} {question}"
        if elliptical(question):
            return f"{previous.strip()} {question}"
        if not sure:  # read with the one before, unless that only says the last answer again
            combined = f"{previous.strip()} {question}"
            again = earlier and self.index.search(combined, k=1)[0][0] == earlier[0][0]
            return question if again else combined
        carried = [p.name for p in places.named(previous)]
        if carried and earlier and alone[0][0].source == earlier[0][0].source:
            return f"{question} ({', '.join(carried)})"
        return question

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
