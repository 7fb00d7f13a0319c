"""Find price limits in lower-case shopper text: "under $80", "between 20 and 50", "$20-$50", "over 30".

A bare amount with a currency ("sneakers for $50") is read as a budget, that is a maximum. A negated
bound turns round: "nothing over 40 bucks" is a maximum, "not under $20" a minimum. Amounts may be
written as words up to a hundred ("under forty dollars").

    extract_price("red sneakers under 80 dollars")
    # ({'max_price': 80.0}, 'red sneakers  ')

Each recognised phrase is cut out of the text so its words are not searched for again.
"""
from __future__ import annotations

import re
from collections.abc import Callable

_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?"
_BEFORE = r"(?:us\$|\$|usd\s*)?\s*"
_AFTER = r"(?:\s*(?:dollars?|usd|bucks|\$))?"
_MONEY = _BEFORE + _NUMBER + _AFTER
_UNIT = r"\s*(?:dollars?|usd|bucks)"
_AROUND_SPREAD = 0.2

_MAX_WORDS = (r"under|below|less than|cheaper than|lower than|max(?:imum)?|at most|up to|no more than|"
              r"not more than|within|budget(?: of| is)?|<=?")
_MIN_WORDS = r"over|above|more than|at least|min(?:imum)?|from|starting at|upwards of|>=?"
_NOT = r"(?:nothing|none|not|no|never|anything but)\s+(?:that'?s\s+|priced\s+|costing\s+)?"
_NEGATED_MIN = r"over|above|more than|higher than|pricier than|more expensive than"
_NEGATED_MAX = r"under|below|less than|lower than|cheaper than"
_NUMBER_WORDS = {
    "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "a hundred": 100, "one hundred": 100, "hundred": 100,
}
_TENS_UNITS = re.compile(r"\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ](one|two|three|four|five|six|"
                         r"seven|eight|nine)\b")
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_WORD_AMOUNT = re.compile(r"\b(" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) +
                          r")\b(?=\s*(?:dollars?|bucks|usd|quid)\b)")

Limits = dict[str, float]


def _amount(whole: str, cents: str | None) -> float:
    return float(whole.replace(",", "") + (f".{cents}" if cents else ""))


def _range(m: re.Match[str]) -> Limits:
    low, high = sorted((_amount(m.group(1), m.group(2)), _amount(m.group(3), m.group(4))))
    return {"min_price": low, "max_price": high}


def _maximum(m: re.Match[str]) -> Limits:
    return {"max_price": _amount(m.group(1), m.group(2))}


def _minimum(m: re.Match[str]) -> Limits:
    return {"min_price": _amount(m.group(1), m.group(2))}


def _around(m: re.Match[str]) -> Limits:
    amount = _amount(m.group(1), m.group(2))
    return {"min_price": round(amount * (1 - _AROUND_SPREAD), 2), "max_price": round(amount * (1 + _AROUND_SPREAD), 2)}


_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Limits]], ...] = tuple(
    (re.compile(pattern), handler) for pattern, handler in (
        (rf"(?:(?<=\s)|^){_NOT}(?:{_NEGATED_MIN})\s*{_MONEY}", _maximum),
        (rf"(?:(?<=\s)|^){_NOT}(?:{_NEGATED_MAX})\s*{_MONEY}", _minimum),
        (rf"\b(?:between|from)\s+{_MONEY}\s+(?:and|to|-)\s+{_MONEY}", _range),
        (rf"(?:us\$|\$)\s*{_NUMBER}\s*(?:-|to)\s*(?:us\$|\$)?\s*{_NUMBER}{_AFTER}", _range),
        (rf"\b{_NUMBER}\s*(?:-|to)\s*{_NUMBER}{_UNIT}\b", _range),
        (rf"(?:(?<=\s)|^)(?:{_MAX_WORDS})\s*(?:of\s+)?{_MONEY}", _maximum),
        (rf"{_MONEY}\s+or\s+(?:less|under|below|cheaper)\b", _maximum),
        (rf"{_MONEY}\s+(?:max(?:imum)?|tops|at most|at the most)\b", _maximum),
        (rf"(?:(?<=\s)|^)(?:{_MIN_WORDS})\s*{_MONEY}", _minimum),
        (rf"{_MONEY}\s*(?:or more|and up|and above|\+)", _minimum),
        (rf"\b(?:around|about|roughly|approximately|approx\.?|~)\s*{_MONEY}", _around),
        (rf"(?:us\$|\$)\s*{_NUMBER}", _maximum),
        (rf"\b{_NUMBER}{_UNIT}\b", _maximum),
    )
)


def extract_price(text: str) -> tuple[Limits, str]:
    """Price limits found in ``text`` and the text with those phrases blanked out."""
    limits: Limits = {}
    text = _digits(text)
    for pattern, handler in _PATTERNS:
        for match in list(pattern.finditer(text)):
            found = handler(match)
            if any(key in limits for key in found):
                continue
            limits.update(found)
            text = text[:match.start()] + " " * (match.end() - match.start()) + text[match.end():]
    if limits.get("min_price", 0) > limits.get("max_price", float("inf")):
        limits["min_price"], limits["max_price"] = limits["max_price"], limits["min_price"]
    return limits, text


def _digits(text: str) -> str:
    """Amounts written as words before a currency word become digits: "forty-five bucks" -> "45 bucks"."""
    text = _TENS_UNITS.sub(lambda m: str(_NUMBER_WORDS[m.group(1)] + _UNITS[m.group(2)]), text)
    return _WORD_AMOUNT.sub(lambda m: str(_NUMBER_WORDS[m.group(1)]), text)
