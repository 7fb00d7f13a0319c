"""The size guide: a shoe size in one system (US, UK, EU, cm) read in the others, from the shop's chart.

    skill = SizeGuideSkill(SizeChart.load(CHART))
    (await skill.run(SizeGuideInput(system="eu", size=42, wanted="us_men"), ctx)).text
    # -> "EU 42 is about US men's 8.5 on our size chart. Sizes differ a little between brands, ..."

An example of a skill that declares everything in its own folder (`declaration.py`): see "Writing a
skill" in docs/development.md. It states only what the chart says, and says so when a size is not on it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ClassVar

from skills.base import SkillContext, SkillResult
from skills.size_guide.chart import NAMES, SizeChart

CHART = Path(__file__).with_name("chart.yml")
CAVEAT = "Sizes differ a little between brands, so check the sizes listed on the product too."
_SYSTEMS = tuple(NAMES)


@dataclass(frozen=True)
class SizeGuideInput:
    size: float | None = field(default=None, metadata={"description": "The shoe size the shopper gave (8, 42, 26.5)."})
    system: str | None = field(default=None, metadata={"choices": _SYSTEMS, "description": "The system of `size`."})
    wanted: str | None = field(default=None, metadata={"choices": _SYSTEMS, "description": (
        "The system the shopper wants it in; leave out for every system.")})


class SizeGuideSkill:
    name: ClassVar[str] = "size_guide"
    description: ClassVar[str] = "Convert a shoe size between US, UK, EU and foot length in cm, from the shop's chart."
    Input: ClassVar[type] = SizeGuideInput

    def __init__(self, chart: SizeChart):
        self.chart = chart

    async def run(self, args: SizeGuideInput, ctx: SkillContext) -> SkillResult:
        args = _for_whom(args, ctx)
        if args.size is None or args.system not in self.chart.systems:
            return SkillResult("Which size should I convert? Tell me the size and its system, "
                               "for example “UK 8 in EU” or “EU 42 in US”.", quick_replies=("UK 8 in EU", "EU 42 in US"))
        row = self.chart.row(args.system, args.size)
        given = _named(args.system, args.size)
        if row is None:
            return SkillResult(f"{given} is not on our size chart, so I can't convert it reliably. {CAVEAT}",
                               data={"failed": True})
        wanted = [args.wanted] if args.wanted in row and args.wanted != args.system else \
            [name for name in self.chart.systems if name != args.system]
        sizes = ", ".join(_named(name, row[name]) for name in wanted)
        return SkillResult(f"{given} is about {sizes} on our size chart. {CAVEAT}", data={"sizes": row})


def _for_whom(args: SizeGuideInput, ctx: SkillContext) -> SizeGuideInput:
    """A plain "US 8" while the shopper looks for women's products (the request in force) is a women's size;
    "men's" said in the message keeps men's."""
    shopping_for = (ctx.slots.get("last_search") or {}).get("gender") or ()
    if "women" not in shopping_for or re.search(r"\bm[ae]n'?s?\b|\bmens\b", ctx.text.lower()):
        return args
    women = {"system": args.system, "wanted": args.wanted}
    return replace(args, **{k: "us_women" for k, v in women.items() if v == "us_men"})


def _named(system: str, size: float) -> str:
    number = f"{size:g}"
    return f"{number} cm" if system == "cm" else f"{NAMES[system]} {number}"
