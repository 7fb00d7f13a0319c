"""The `ads` skill: "write 3 ads for product sku-00042", for the shop's merchants only.

"write 3 social ads for product sku-00042 for segment shoes-budget" writes for a segment made from
the shoppers' recommendation profiles (`skills.ads.audiences`); "which segments are there?" lists them.

    result = await AdsSkill(ad_writer, catalog.by_id).run(AdsInput(product_id="sku-1", count=3), merchant_ctx)
    len(result.data["variants"])
    # -> 3

Shoppers never get ad copy: the skill refuses unless the conversation's role is "merchant", which
only an authenticated channel sets; the router sending a shopper here changes nothing.
"""
from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import ClassVar

from skills.ads.audiences import SegmentBook
from skills.ads.copy import ANGLES, AdBatch, AdWriter
from skills.ads.experiments import Experiments
from skills.ads.placements import PLACEMENTS
from skills.ads.segments import SEGMENTS, Segment
from skills.base import SkillContext, SkillResult
from skills.describe.resolve import Lookup, ProductRef, resolve_product

MERCHANT = "merchant"
REFUSAL = ("Writing ad copy is for the shop's team. I can tell you about any product, or help you "
           "find one.")
_PLACEMENT_WORDS = (("search", r"\bsearch\b|\bgoogle\b|\bbing\b"), ("social", r"\bsocial\b|\binstagram\b|\bfacebook\b"),
                    ("push", r"\bpush\b|\bnotification"), ("sms", r"\bsms\b|\btext messages?\b"),
                    ("onsite", r"\bon-?site\b|\bwidget\b|\bbanner\b"))
_SEGMENT_WORDS = (("bargain_hunters", r"\bbargain|\bdeal|\bbudget"), ("gift_shoppers", r"\bgift"),
                  ("returning_customers", r"\breturning\b|\bloyal"), ("new_visitors", r"\bnew (?:visitors|customers)\b"))
_COUNT = re.compile(r"\b(\d{1,2})\s+(?:\w+\s+)?(?:ads?|variants?|versions?|headlines?|options?)\b", re.I)
_AB_TEST = re.compile(r"\ba/?b[- ]?test|\bsplit[- ]test|\bexperiment\b", re.I)
_NAMED_SEGMENT = re.compile(r"\bsegment\s+[\"'“]?([\w-]+)", re.I)
_LIST_SEGMENTS = re.compile(r"\b(?:list|show|which|what)\b[^.?!]*\bsegments\b|^segments\??$", re.I)


@dataclass(frozen=True)
class AdsInput:
    product_id: str | None = field(default=None, metadata={"description": "Catalog id of the product."})
    position: int | None = field(default=None, metadata={"description": "1-based position in the products shown last."})
    placement: str | None = field(default=None, metadata={"choices": tuple(PLACEMENTS),
                                                           "description": "Where the ads run."})
    count: int | None = field(default=None, metadata={"description": "How many variants to write (1-10)."})
    angle: str | None = field(default=None, metadata={"choices": ANGLES, "description": "One angle only."})
    segment: str | None = field(default=None, metadata={
        "description": f"Audience the copy is for: {', '.join(SEGMENTS)}, or a segment made from the shoppers' "
                       "profiles, by name (e.g. shoes-budget)."})
    start_test: bool = field(default=False, metadata={"description": "Start an A/B test with the variants."})


class AdsSkill:
    name: ClassVar[str] = "ads"
    description: ClassVar[str] = "Write ad-copy variants for a product within each placement's limits (merchants only)."
    Input: ClassVar[type] = AdsInput

    def __init__(self, writer: AdWriter, lookup: Lookup, experiments: Experiments | None = None,
                 default_placement: str = "social", segments: SegmentBook | None = None) -> None:
        self.writer = writer
        self.lookup = lookup
        self.experiments = experiments
        self.default_placement = default_placement
        self.segments = segments or SegmentBook()

    async def run(self, args: AdsInput, ctx: SkillContext) -> SkillResult:
        if getattr(ctx, "role", "shopper") != MERCHANT:
            return SkillResult(REFUSAL)
        if not args.product_id and args.position is None and _LIST_SEGMENTS.search(ctx.text.strip()):
            return await asyncio.to_thread(self._list_segments)
        try:
            segment = await asyncio.to_thread(self._segment, args.segment, ctx.text)
        except ValueError as exc:
            return SkillResult(f"{exc}.")
        resolved = resolve_product(self.lookup, ProductRef(args.product_id, args.position), ctx.slots, ctx.text)
        if resolved.product is None:
            return SkillResult(resolved.problem)
        text = ctx.text.lower()
        placement = args.placement or _first_match(_PLACEMENT_WORDS, text) or self.default_placement
        count = args.count or _count_in(text) or 3
        angles = (args.angle,) if args.angle else None
        batch = await asyncio.to_thread(self.writer.write, resolved.product, placement, max(1, min(count, 10)),
                                        segment, angles)
        data = {"product_id": batch.product_id, "placement": placement, "segment": segment.name,
                "audience": segment.to_dict(), "variants": [v.to_dict() for v in batch.variants],
                "notes": list(batch.notes), "rejected": list(batch.rejected)}
        lines = [_heading(batch, resolved.product.title)] + _audience_line(segment) + _variant_lines(batch)
        lines += list(batch.notes)
        if (args.start_test or _AB_TEST.search(text)) and self.experiments is not None:
            lines.append(await self._start_test(batch, data))
        return SkillResult("\n".join(lines), products=(resolved.product,), slots={"selected": resolved.product.id},
                           data=data)

    def _segment(self, name: str | None, text: str) -> Segment:
        """The segment named in the arguments or the request; built-in words ("bargain", "gift") last."""
        if name:
            return self.segments.get(name)
        found = self.segments.find_in(text)
        if found is not None:
            return found
        named = _NAMED_SEGMENT.search(text)  # "segment xyz" that is no known segment: say so, do not guess
        return self.segments.get(named.group(1) if named else _first_match(_SEGMENT_WORDS, text.lower()))

    def _list_segments(self) -> SkillResult:
        found = self.segments.profile_segments()
        if not found:
            return SkillResult("No segments from shopper profiles yet (they need recorded shopper events). "
                               f"Built-in segments: {', '.join(SEGMENTS)}.")
        lines = [f"{len(found)} segments from shopper profiles:"]
        lines += [f"- {s.name}: {s.summary}" for s in found.values()]
        lines.append(f"Built-in: {', '.join(SEGMENTS)}. Ask e.g. \"write 3 ads for product X for segment "
                     f"{next(iter(found))}\".")
        return SkillResult("\n".join(lines), data={"segments": [s.to_dict() for s in found.values()]})

    async def _start_test(self, batch: AdBatch, data: dict) -> str:
        try:
            started = await asyncio.to_thread(self.experiments.start_from, batch)  # type: ignore[union-attr]
        except ValueError as exc:
            return f"No A/B test started: {exc}."
        data["experiment_id"] = started["experiment_id"]
        return (f"A/B test {started['experiment_id']} started on {PLACEMENTS[batch.placement].label}; "
                f"traffic shifts to the variant that gets more clicks.")


def _heading(batch: AdBatch, title: str) -> str:
    label = PLACEMENTS[batch.placement].label
    if not batch.variants:
        return f"I couldn't write {label} for {title} within the limits and the safety rules."
    return f"{len(batch.variants)} {label} for {title}:"


def _audience_line(segment: Segment) -> list[str]:
    return [f"Written for {segment.name}: {segment.summary}."] if segment.summary else []


def _variant_lines(batch: AdBatch) -> list[str]:
    limits = PLACEMENTS[batch.placement].limits
    lines = []
    for n, variant in enumerate(batch.variants, 1):
        parts = [f"{name.replace('_', ' ')}: {text} ({len(text)}/{limits[name]})" for name, text in variant.fields.items()]
        lines.append(f"{n}. [{variant.angle}] " + " · ".join(parts))
    return lines


def _first_match(table: tuple[tuple[str, str], ...], text: str) -> str | None:
    return next((name for name, pattern in table if re.search(pattern, text)), None)


def _count_in(text: str) -> int | None:
    match = _COUNT.search(text)
    return int(match.group(1)) if match else None
