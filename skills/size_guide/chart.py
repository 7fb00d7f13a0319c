"""A shoe-size chart: one size found in any system, read in all the others.

    chart = SizeChart.load(Path("skills/size_guide/chart.yml"))
    chart.row("eu", 42)
    # -> {'us_men': 8.5, 'us_women': 10.0, 'uk': 7.5, 'eu': 42.0, 'cm': 26.5}
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

NAMES = {"us_men": "US men's", "us_women": "US women's", "uk": "UK", "eu": "EU", "cm": "cm (foot length)"}


@dataclass(frozen=True)
class SizeChart:
    systems: tuple[str, ...]
    rows: tuple[tuple[float, ...], ...]

    @classmethod
    def load(cls, path: Path) -> SizeChart:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        systems = tuple(doc["systems"])
        unknown = [name for name in systems if name not in NAMES]
        if unknown:
            raise ValueError(f"{path}: unknown size system {unknown[0]!r}; known: {', '.join(NAMES)}")
        rows = tuple(tuple(float(size) for size in row) for row in doc["rows"])
        bad = next((row for row in rows if len(row) != len(systems)), None)
        if bad is not None:
            raise ValueError(f"{path}: row {list(bad)} has {len(bad)} sizes; expected one per system {list(systems)}")
        return cls(systems, rows)

    def row(self, system: str, size: float) -> dict[str, float] | None:
        """The chart's row with exactly this size in ``system``, or None (a size the chart does not list)."""
        column = self.systems.index(system)
        found = next((row for row in self.rows if row[column] == size), None)
        return dict(zip(self.systems, found)) if found else None
