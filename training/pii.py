"""Personal data out of conversation text before it becomes training data, and a count of what went.

    redactor = Redactor()
    redactor.redact("I'm at 12 Baker Street, card 4111 1111 1111 1111, mail me: ann@shop.io")
    # -> "I'm at [ADDRESS], card [CARD], mail me: customer1@example.invalid"
    redactor.counts
    # -> Counter({'address': 1, 'card': 1, 'email': 1})

Kinds, matched in this order so that one never hides another: payment card numbers (13 to 19
digits, Luhn-checked), order numbers (`ORD-123456`, and `order 123456` / `#123456`), emails, phone
numbers (8 to 15 digits, optionally international, grouped by spaces, dots, dashes or brackets),
postal addresses (a house number and a street name ending in a street word, with an optional flat,
city, state and ZIP; UK postcodes). Emails and order numbers become stand-ins that keep their form
(`customer1@example.invalid`, `ORD-000001`), the same stand-in for the same value within one
`Redactor`, so a model still learns to copy an order number from the shopper's message into a tool
call; cards, phones and addresses become `[CARD]`, `[PHONE]`, `[ADDRESS]`. The original values are
never kept, not even in the report.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

KINDS = ("card", "order_number", "email", "phone", "address")

_CARD = re.compile(r"(?<![\w-])(?:\d[ -]?){12,18}\d(?![\w-])")
_ORDER = re.compile(r"\bORD-?\s?\d{6,12}\b|(?<=\border )#?\d{6,12}\b|(?<=\border number )#?\d{6,12}\b|"
                    r"(?<!\w)#\d{6,12}\b",
                    re.IGNORECASE)
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_PHONE = re.compile(r"(?<![\w$.,])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,4}){1,4}(?![\w%])")
_STREET_WORDS = (r"street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|"
                 r"close|crescent|square|sq|highway|hwy|parkway|pkwy|row|grove|gardens|hill")
_POSTCODE = r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b"  # UK
_NOT_A_NAME = r"(?!(?i:the|a|an|on|in|of|my|your|our|for|to|is|it|and|by|at|with|from|all|way)\s)"
_ADDRESS = re.compile(
    r"\b\d{1,5}[A-Za-z]?,?\s+(?:" + _NOT_A_NAME + r"[A-Za-z][A-Za-z'-]*\s+){1,4}(?i:" + _STREET_WORDS + r")\b\.?"
    r"(?:\s+(?:[NS][EW]?|[EW])\b)?"  # a direction: Pennsylvania Avenue NW
    r"(?:,?\s*(?i:apt|apartment|flat|unit|suite|ste)\.?\s*#?\w+)?"  # flat
    r"(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)*)?"  # city
    r"(?:,?\s+[A-Z]{2}\b)?(?:,?\s*\d{5}(?:-\d{4})?)?"  # state, ZIP
    r"(?:,?\s*" + _POSTCODE + r")?"
    r"|" + _POSTCODE)
_NOT_A_PHONE = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$")  # dates


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _phone_digits_ok(text: str) -> bool:
    digits = re.sub(r"\D", "", text)
    if _NOT_A_PHONE.match(text):
        return False
    return 8 <= len(digits) <= 15 and (len(re.findall(r"\d+", text)) > 1 or text.startswith("+"))


class Redactor:
    """Redacts text and tool-call arguments; `counts` says how many of each kind it replaced."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._stand_ins: dict[tuple[str, str], str] = {}

    def redact(self, text: str) -> str:
        text = self._sub(_CARD, text, "card", lambda m: "[CARD]",
                         keep=lambda m: not luhn_valid(re.sub(r"\D", "", m.group(0))))
        text = self._sub(_ORDER, text, "order_number", lambda m: self._stand_in("order_number", m.group(0)))
        text = self._sub(_EMAIL, text, "email", lambda m: self._stand_in("email", m.group(0)))
        text = self._sub(_PHONE, text, "phone", lambda m: "[PHONE]", keep=lambda m: not _phone_digits_ok(m.group(0)))
        return self._sub(_ADDRESS, text, "address", lambda m: "[ADDRESS]")

    def redact_value(self, value: Any) -> Any:
        """Strings anywhere in a JSON value (tool-call arguments, tool results)."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, list):
            return [self.redact_value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.redact_value(v) for k, v in value.items()}
        return value

    def _sub(self, pattern: re.Pattern, text: str, kind: str, replace: Callable[[re.Match], str],
             keep: Callable[[re.Match], bool] = lambda m: False) -> str:
        def one(match: re.Match) -> str:
            if keep(match):
                return match.group(0)
            self.counts[kind] += 1
            return replace(match)
        return pattern.sub(one, text)

    def _stand_in(self, kind: str, value: str) -> str:
        key = (kind, re.sub(r"[\s#-]", "", value).lower())
        if key not in self._stand_ins:
            n = sum(1 for k in self._stand_ins if k[0] == kind) + 1
            self._stand_ins[key] = f"ORD-{n:06d}" if kind == "order_number" else f"customer{n}@example.invalid"
        return self._stand_ins[key]
