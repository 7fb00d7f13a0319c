"""Singular and plural forms of English product nouns, enough for catalog vocabularies.

    number_variants("sneakers")   # ['sneaker']
    plural("t-shirt")             # 't-shirts'
"""
from __future__ import annotations

PLURAL_ONLY = frozenset({"shorts", "jeans", "sunglasses", "headphones", "trousers", "pants", "leggings", "glasses"})


def number_variants(phrase: str) -> list[str]:
    """The other number of a phrase's last word: 'sneakers' -> ['sneaker'], 'knife' -> ['knives', 'knifes']."""
    head, _, last = phrase.rpartition(" ")
    prefix = f"{head} " if head else ""
    if last in PLURAL_ONLY:
        return []
    if last.endswith("ies"):
        forms = [last[:-3] + "y"]
    elif last.endswith(("sses", "xes", "ches", "shes")):
        forms = [last[:-2]]
    elif last.endswith("s") and not last.endswith("ss"):
        forms = [last[:-1]]
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        forms = [last[:-1] + "ies"]
    elif last.endswith(("s", "x", "ch", "sh")):
        forms = [last + "es"]
    elif last.endswith("fe"):
        forms = [last[:-2] + "ves", last + "s"]
    else:
        forms = [last + "s"]
    return [prefix + form for form in forms if form and form != last]


def is_plural(phrase: str) -> bool:
    """Whether a product noun phrase reads as plural ('sneakers', 'jeans'; not 'dress')."""
    last = phrase.rpartition(" ")[2]
    return last in PLURAL_ONLY or (last.endswith("s") and not last.endswith("ss"))


def plural(phrase: str) -> str:
    """The plural of a product noun phrase; plural phrases come back unchanged."""
    if not phrase or is_plural(phrase):
        return phrase
    return number_variants(phrase)[0]
