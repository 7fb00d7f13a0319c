"""The wording of a product page: openers per tone, a benefit per kind of fact, price lines.

Nothing here states a fact: colours, materials, numbers and claims come only from the product's
facts. A benefit names what a kind of fact is good for ("Easy to look after" before the care
instructions), so it is true of any product that has such a fact.
"""
from __future__ import annotations

import re

# "{x}" is the product ("the Trail Runner from Stride"), "{hook}" its family's purpose.
OPENERS = {
    "friendly": ("Meet {x}, {hook}.", "Say hello to {x}, {hook}.", "Here is {x}, {hook}."),
    "premium": ("Discover {x}, {hook}.", "Presenting {x}, {hook}.", "{X} {is_} {hook}."),
    "playful": ("Ready for something new? Meet {x}, {hook}.", "Psst: {x} just landed, {hook}.",
                "Here comes {x}, {hook}."),
    "plain": ("{X} {is_} {hook}.", "Introducing {x}, {hook}."),
}
PRICE = {
    "friendly": ("Yours for {price}.", "All this for {price}."),
    "premium": ("Available for {price}.", "Offered at {price}."),
    "playful": ("The damage? Just {price}.", "Grab it for {price}."),
    "plain": ("Price: {price}.", "Priced at {price}."),
}
# fact name -> (benefit for something worn, benefit for anything else)
BENEFITS: dict[str, tuple[str, str]] = {
    "material": ("Know what you are wearing", "Know what it is made of"),
    "colour": ("A colour to match your look", "A colour to suit your taste"),
    "pattern": ("A look of its own", "A look of its own"),
    "fit": ("A fit you can count on", "A fit you can count on"),
    "closure": ("Easy on and off", "Easy to open and close"),
    "pack size": ("More in every pack", "More in every pack"),
    "dimensions": ("Size it up before you buy", "Size it up before you buy"),
    "capacity": ("Room for what you need", "Room for what you need"),
    "weight": ("Know the weight", "Know the weight"),
    "care": ("Easy to look after", "Easy to look after"),
    "neckline": ("Cut with care", "Cut with care"),
    "sleeves": ("Cut with care", "Cut with care"),
    "length": ("Cut with care", "Cut with care"),
    "occasion": ("Made for the occasion", "Made for the occasion"),
    "feature": ("Thoughtful details", "Thoughtful details"),
}
OTHER_BENEFIT = ("In the details", "In the details")
# Facts that read well as part of a sentence ("It has a keyhole neck, three-quarter sleeves and ...").
PROSE_FACTS = ("feature", "neckline", "sleeves", "length", "closure", "lining")
# The order a page states facts in: what a shopper asks first, first.
FACT_ORDER = ("material", "pattern", "fit", "pack size", "capacity", "dimensions", "closure", "feature", "neckline",
              "sleeves", "length", "colour", "care", "occasion", "weight")
AUDIENCE = {"women": "women", "men": "men", "boys": "boys", "girls": "girls", "kids": "kids",
            "unisex kids": "kids", "unisex": "everyone, men and women alike"}
_GENERIC_LABELS = frozenset({"fabric", "material", "colour", "color", "pattern", "type", "fit", "closure", "feature",
                             "features", "care", "occasion", "weight", "capacity", "sales", "package", "of", "in",
                             "the", "number", "contents", "key", "dimensions", "size", "ideal", "for"})
_REPEATED = re.compile(r"\b(\w+)(?:[ \t]+\1\b)+", re.I)


def fact_phrase(name: str, value: str, label: str) -> str:
    """How a fact reads in running text: its value, with the shop's label where the label adds meaning."""
    value = readable(value)
    label_words = set(re.findall(r"[a-z]+", label.lower())) - _GENERIC_LABELS - set(value.lower().split())
    if label and label_words and name not in ("feature", "neckline", "sleeves", "length"):
        return f"{label.strip().lower()}: {value}"
    return value


def readable(value: str) -> str:
    """Title Case spec values in running-text case ("Cotton Lycra" -> "cotton lycra"); acronyms kept."""
    return " ".join("-".join(_lower_titled(p) for p in w.split("-")) for w in value.split())


def _lower_titled(word: str) -> str:
    return word.lower() if word[:1].isupper() and word[1:].islower() else word


def benefit(name: str, wearable: bool) -> str:
    worn, other = BENEFITS.get(name, OTHER_BENEFIT)
    return worn if wearable else other


def tidy(text: str) -> str:
    """No word twice in a row ("the The Hunter" -> "The Hunter"), single spaces, no doubled stops."""
    text = _REPEATED.sub(lambda m: m.group(0).split()[-1], text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    return re.sub(r"\.(\s*\.)+", ".", re.sub(r"\s+([,.;:])", r"\1", text)).strip()


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def join_and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
