"""Numbers written in words: "two-pack", "a dozen", "twenty-five", "half a dozen", "three hundred".

>>> [(n.text, n.value) for n in number_phrases("a two-pack of socks, twenty-five in all")]
[('two', 2.0), ('twenty-five', 25.0)]

A text that says "a dozen" states 12 as surely as one that says "12", so the grounding check reads
both. "One" alone is not read as a number: "one click away" and "one of a kind" state nothing.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
# Words that state a count on their own ("a trio of mugs", "twin pack", "a triple-layer sole").
COUNT_WORDS = {"dozen": 12, "duo": 2, "twin": 2, "trio": 3, "triple": 3, "quartet": 4}
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "dozen": 12}
_TOKEN = re.compile(r"[a-z]+")


@dataclass(frozen=True, slots=True)
class NumberPhrase:
    text: str
    value: float


def number_phrases(lowered: str) -> Iterator[NumberPhrase]:
    """Each run of number words in a lower-cased text, with the number it states."""
    tokens = list(_TOKEN.finditer(lowered))
    words = [t.group(0) for t in tokens]
    i = 0
    while i < len(tokens):
        end, value = _read(words, i)
        if end > i:
            text = lowered[tokens[i].start():tokens[end - 1].end()]
            if text != "one":
                yield NumberPhrase(_strip_article(text), float(value))
            i = end
        else:
            i += 1


def _read(words: list[str], start: int) -> tuple[int, int]:
    """(index after the run, its value); the run is empty when words[start] starts no number."""
    first = words[start]
    if first == "half" and words[start + 1:start + 3] == ["a", "dozen"]:
        return start + 3, 6
    if first in COUNT_WORDS and first not in SCALES:
        return start + 1, COUNT_WORDS[first]
    if first == "a" and start + 1 < len(words) and words[start + 1] in SCALES:
        start, leading = start + 1, 1
    elif first in UNITS or first == "dozen":
        leading = 0
    else:
        return start, 0
    total, current, i = 0, leading, start
    while i < len(words):
        word = words[i]
        if word in UNITS:
            current += UNITS[word]
        elif word in SCALES:
            current = (current or 1) * SCALES[word]
            if SCALES[word] >= 100:
                total, current = total + current, 0
        elif word == "and" and i + 1 < len(words) and words[i + 1] in UNITS and (total or current):
            pass
        else:
            break
        i += 1
    return i, total + current


def _strip_article(text: str) -> str:
    return text.removeprefix("a ")
