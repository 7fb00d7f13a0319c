"""The `recommend` skill: "recommend something for me", "what goes with this?", "why am I seeing this?".

    skill = RecommendSkill(recommender)
    result = await skill.run(RecommendInput(), SkillContext("webchat:abc", "recommend something for me"))
    result.products, result.data["reasons"]

The conversation is the shopper: `webchat:<session id>` is the same user the widget's events are
recorded under. "What goes with this?" acts on the product in focus (`selected`, else the first
of `last_results`), and asking about a product counts as looking at it.
"""
from __future__ import annotations

import asyncio
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, ClassVar

from knowledge.filters import ProductFilter
from knowledge.query_parse import Lexicon, parse_query
from skills.base import SkillContext, SkillResult
from skills.recommend.events import Event
from skills.recommend.service import Recommendations, Recommender

MODES = ("auto", "for_you", "goes_with", "similar", "popular", "profile", "forget")
WHAT_GOES = "What goes with this?"  # each of these is an example of the recommend intent in agent/defaults/nlu.yml
FOR_ME = "Recommend something for me"
WHY = "Why these recommendations?"
FORGET = "Forget my history"
_PATTERNS = (
    ("forget", r"\b(?:forget|erase|delete|clear|wipe)\s+(?:me|my\s+(?:history|data|profile|activity|views))\b"),
    ("profile", r"\bwhy\b.*\b(?:see|seeing|show|showing|recommend|these|this)\b|\bwhat do you know about me\b|"
                r"\bmy (?:taste )?profile\b"),
    ("goes_with", r"\bgo(?:es)? (?:well )?with\b|\bmatch(?:es)?\b|\bpair(?:s)? (?:well )?with\b|"
                  r"\bcomplete the look\b|\bwear with\b|\boutfit\b|\bbuy with\b|\bwith (?:this|these|it)\b"),
    ("similar", r"\bsimilar\b|\bmore like (?:this|that|it)\b|\balternatives?\b"),
    ("popular", r"\bpopular\b|\bbest ?sell|\btrending\b"),
)


def _described(text: str, **more: Any) -> dict:
    return {"description": text, **more}


@dataclass(frozen=True)
class RecommendInput:
    mode: str = field(default="auto", metadata=_described(
        "for_you: personal picks; goes_with: what completes the look of the product in focus; similar: "
        "products like it; popular: best sellers; profile: why these picks; forget: erase the history; "
        "auto: decide from the message.", choices=MODES))
    product_id: str | None = field(default=None, metadata=_described("The product to build around, if named."))
    position: int | None = field(default=None, metadata=_described("Which shown product (1 = first) to build around."))
    query: str = field(default="", metadata=_described("What the shopper asked for, in their words."))


class RecommendSkill:
    name: ClassVar[str] = "recommend"
    description: ClassVar[str] = ("Recommend products for this shopper, what goes with a product, or explain "
                                  "why they see these recommendations.")
    Input: ClassVar[type] = RecommendInput

    def __init__(self, recommender: Recommender, results: int = 6) -> None:
        self.recommender = recommender
        self.results = results
        self._lexicon: tuple[Any, Lexicon] | None = None

    async def run(self, args: RecommendInput, ctx: SkillContext) -> SkillResult:
        mode = args.mode if args.mode != "auto" else infer_mode(ctx.text or args.query)
        user = ctx.conversation_id
        if mode == "profile":
            return await self._profile(user)
        if mode == "forget":
            erased = await asyncio.to_thread(self.recommender.erase, user)
            return SkillResult(f"Done: I have forgotten your browsing history here ({erased} events). "
                               "Your recommendations start afresh.", quick_replies=(FOR_ME,))
        anchor = self._anchor(args, ctx) if mode in ("goes_with", "similar") else None
        if anchor is not None:
            await asyncio.to_thread(self.recommender.record, [_asked_about(user, anchor)])
        wanted = await asyncio.to_thread(self._constraints, args.query or ctx.text)
        picks = await asyncio.to_thread(self.recommender.recommend, user, anchor, _service_mode(mode, anchor),
                                        self.results, wanted)
        return _result(picks, mode, anchor_missing=mode in ("goes_with", "similar") and anchor is None)

    async def _profile(self, user: str) -> SkillResult:
        profile = await asyncio.to_thread(self.recommender.profile, user)
        quick = (FOR_ME, FORGET) if not profile.is_new else (FOR_ME,)
        return SkillResult(profile.describe(), quick_replies=quick,
                           data={"profile": profile.to_dict(self.recommender.models().items)})

    def _anchor(self, args: RecommendInput, ctx: SkillContext) -> str | None:
        """The product named, else the one at `position` in the last results, else the one in focus."""
        results = [str(item) for item in ctx.slots.get("last_results") or []]
        if args.product_id:
            return args.product_id
        if args.position is not None and 1 <= args.position <= len(results):
            return results[args.position - 1]
        selected = ctx.slots.get("selected")
        if isinstance(selected, dict):
            selected = selected.get("id")
        return str(selected) if selected else (results[0] if results else None)

    def _constraints(self, text: str) -> ProductFilter | None:
        """Kinds, colours, brands and prices the message names ("a top pick for headphones under $100")."""
        items = self.recommender.models().items
        if self._lexicon is None or self._lexicon[0] is not items:
            self._lexicon = (items, Lexicon.from_products(items.products))
        wanted = parse_query(text or "", self._lexicon[1]).filter
        return None if wanted.is_empty else wanted


def infer_mode(text: str) -> str:
    lowered = (text or "").lower()
    return next((mode for mode, pattern in _PATTERNS if re.search(pattern, lowered)), "for_you")


def _service_mode(mode: str, anchor: str | None) -> str:
    if mode in ("goes_with", "similar") and anchor is None:
        return "for_you"
    return mode


def _asked_about(user: str, product_id: str) -> Event:
    return Event(id=f"chat-{uuid.uuid4().hex}", user=user, type="view", item=product_id, source="chat",
                 ts=time.time())


def _result(picks: Recommendations, mode: str, anchor_missing: bool) -> SkillResult:
    if not picks.items:
        return SkillResult("I have nothing to recommend that fits right now. Try telling me what you are "
                           "looking for.", quick_replies=(FOR_ME,))
    lines = [_heading(picks, mode, anchor_missing)]
    lines += [f"• {r.product.title}: {r.reason.text}" for r in picks.items]
    quick = (WHAT_GOES, WHY) if picks.mode != "goes_with" else (FOR_ME, WHY)
    return SkillResult(
        "\n".join(lines), products=picks.products, quick_replies=quick,
        slots={"last_results": [p.id for p in picks.products]},
        data={"mode": picks.mode, "sources": list(picks.sources),
              "reasons": {r.product.id: r.reason.to_dict() for r in picks.items}},
    )


def _heading(picks: Recommendations, mode: str, anchor_missing: bool) -> str:
    if picks.mode == "goes_with" and picks.anchor is not None:
        return f"To complete the look with the {picks.anchor.title}:"
    if picks.mode == "similar" and picks.anchor is not None:
        return f"More like the {picks.anchor.title}:"
    if picks.mode == "popular":
        return "Popular in the shop right now:"
    prefix = "Pick a product first and I'll find what goes with it. Meanwhile, here are " if anchor_missing else ""
    if not picks.sources:
        heading = "a selection from across the shop:"
    elif picks.profile.is_new:
        heading = "some popular picks to start with:"
    elif not picks.profile.recent:
        heading = "picks for you, from what you searched for:"
    else:
        heading = "picks for you, from what you looked at:"
    return prefix + heading if prefix else heading[0].upper() + heading[1:]
