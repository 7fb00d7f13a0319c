"""Where an ad runs, and the hard character limits of each of its fields.

>>> PLACEMENTS["search"].limits
{'headline': 30, 'description': 90}
>>> PLACEMENTS["search"].fits({"headline": "Red Trail Runners", "description": "..."})
True
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Placement:
    name: str
    label: str
    limits: dict[str, int]

    def fits(self, fields: Mapping[str, str]) -> bool:
        """Every field is present, non-empty and within its limit."""
        return set(fields) == set(self.limits) and all(
            0 < len(fields[name]) <= limit for name, limit in self.limits.items())


PLACEMENTS: dict[str, Placement] = {
    "search": Placement("search", "search ads", {"headline": 30, "description": 90}),
    "social": Placement("social", "social ads", {"primary_text": 125, "headline": 40}),
    "push": Placement("push", "push notifications", {"text": 160}),
    "sms": Placement("sms", "text messages", {"text": 160}),
    "onsite": Placement("onsite", "the shop's chat widget", {"headline": 40, "text": 90}),
}
