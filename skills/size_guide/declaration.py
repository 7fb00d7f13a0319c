"""What the agent knows about the size guide: its intent, how its arguments are read, its examples, its build."""
from __future__ import annotations

from pathlib import Path

from skills.base import IntentDeclaration, SkillDeclaration
from skills.size_guide.arguments import size_arguments
from skills.size_guide.chart import SizeChart
from skills.size_guide.skill import CHART, SizeGuideSkill

SIZE_GUIDE = SkillDeclaration(
    "size_guide",
    (IntentDeclaration("convert_size", "Convert a shoe size", size_arguments, cannot="convert shoe sizes",
                       escape=True),),
    Path(__file__).with_name("nlu.yml"),
    build=lambda parts: SizeGuideSkill(SizeChart.load(CHART)),
)
