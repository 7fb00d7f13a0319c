"""Places a shopper names ("to Canada", "in California", "the UK"), and whether they are at home or abroad.

>>> places = Places("US")
>>> places.named("how long does shipping take to Canada?")
[Place(name='Canada', home=False)]
>>> places.named("delivery time to Texas")
[Place(name='Texas', home=True)]

Country names and the home country's regions come from ISO 3166 (the maintained `pycountry` package);
a few everyday names ISO does not use ("UK", "England", "Europe", "abroad") are added here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import pycountry

_ABROAD = ("uk", "u.k.", "england", "scotland", "wales", "britain", "great britain", "northern ireland", "europe",
           "eu", "european union", "asia", "africa", "south america", "latin america", "middle east", "oceania",
           "abroad", "overseas", "worldwide", "international", "internationally", "another country", "outside the us")
_HOME_ALIASES = {"US": ("us", "u.s.", "usa", "u.s.a.", "america", "the states", "stateside", "domestic"),
                 "GB": ("uk", "u.k.", "england", "scotland", "wales", "britain", "great britain")}
_DISPLAY = {"uk": "United Kingdom", "u.k.": "United Kingdom", "britain": "Great Britain", "eu": "European Union"}
_GENERAL = frozenset({"abroad", "overseas", "worldwide", "international", "internationally", "another country",
                      "outside the us"})  # no place to name back to the shopper
_THE = ("United ", "Netherlands", "Philippines", "Bahamas", "Gambia", "Maldives", "Czech Republic", "Dominican Republic",
        "Central African", "European Union", "Middle East")
_AMBIGUOUS = frozenset({"georgia", "jersey", "chad", "guinea", "turkey", "niger", "china", "jordan", "domestic"})


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    home: bool

    @property
    def phrase(self) -> str | None:
        """How a reply names it ("the United Kingdom", "Canada"); None for "abroad" and the like."""
        if self.name in _GENERAL:
            return None
        return f"the {self.name}" if self.name.startswith(_THE) else self.name


class Places:
    """Finds place names in text for a shop whose home country is ``home`` (ISO 3166 alpha-2, e.g. "US")."""

    def __init__(self, home: str = "US"):
        country = pycountry.countries.get(alpha_2=home.upper())
        if country is None:
            raise ValueError(f"unknown country code {home!r}: expected an ISO 3166 alpha-2 code such as US or GB")
        self.home = country

    @cached_property
    def _names(self) -> dict[str, Place]:
        names: dict[str, Place] = {}
        for country in pycountry.countries:
            home = country.alpha_2 == self.home.alpha_2
            for attribute in ("name", "common_name", "official_name"):
                value = getattr(country, attribute, None)
                if value:
                    names.setdefault(value.lower(), Place(country.name if home else value, home))
        for region in pycountry.subdivisions.get(country_code=self.home.alpha_2) or ():
            names.setdefault(region.name.lower(), Place(region.name, True))
        for word in _ABROAD:
            names.setdefault(word, Place(_DISPLAY.get(word, word if word in _GENERAL else word.title()), False))
        for word in _HOME_ALIASES.get(self.home.alpha_2, ()):
            names[word] = Place(self.home.name, True)
        return names

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        words = sorted(self._names, key=len, reverse=True)
        return re.compile(r"(?<![\w.])(" + "|".join(re.escape(w) for w in words) + r")(?![\w])", re.IGNORECASE)

    def named(self, text: str) -> list[Place]:
        """The places ``text`` names, in order; "us" counts only written as "US" (not the pronoun)."""
        found = [self._place(match.group(1)) for match in self._pattern.finditer(text)]
        return list(dict.fromkeys(place for place in found if place is not None))

    def without(self, text: str) -> str:
        """``text`` with the places it names taken out: what is left when another place replaces them."""
        return self._pattern.sub(lambda match: "" if self._place(match.group(1)) else match.group(0), text)

    def _place(self, word: str) -> Place | None:
        if word.lower() in _AMBIGUOUS and not (word[0].isupper() and (word.isupper() or word.istitle())):
            return None
        if word.lower() == "us" and word != "US":
            return None
        return self._names[word.lower()]
