"""Positions named in a message: "the second one", "number 3", "#2", "compare 1 and 3", "the last one"."""
from __future__ import annotations

import re

ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8,
    "last": -1, "top": 1,
}
ORDINAL = re.compile(r"\b(" + "|".join(ORDINALS) + r")\b(?![\s-]+(?:class|time|order|rated|reviewed|quality|notch|"
                     r"sellers?|brands?))", re.IGNORECASE)


def positions(text: str) -> list[int]:
    """Every position named, in order: "compare 1 and 3" -> [1, 3]; "the first two" -> [1, 2]."""
    lowered = text.lower()
    if re.search(r"\b(?:first|top) (two|three)\b", lowered):
        count = 2 if re.search(r"\b(?:first|top) two\b", lowered) else 3
        return list(range(1, count + 1))
    found = [ORDINALS[m.group(1).lower()] for m in ORDINAL.finditer(text)]
    found += [int(n) for n in re.findall(r"\b(\d{1,2})\b", text)]
    return list(dict.fromkeys(found))
