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
_AMBIGUOUS = frozenset({"georgia", "jersey", "chad", "guinea", "turkey", "niger", "china", "jordan", "domestic"})


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    home: bool


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
            names.setdefault(word, Place(word, False))
        for word in _HOME_ALIASES.get(self.home.alpha_2, ()):
            names[word] = Place(self.home.name, True)
        return names

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        words = sorted(self._names, key=len, reverse=True)
        return re.compile(r"(?<![\w.])(" + "|".join(re.escape(w) for w in words) + r")(?![\w])", re.IGNORECASE)

    def named(self, text: str) -> list[Place]:
        """The places ``text`` names, in order; "us" counts only written as "US" (not the pronoun)."""
        found = []
        for match in self._pattern.finditer(text):
            word = match.group(1)
            if word.lower() in _AMBIGUOUS and not (word[0].isupper() and (word.isupper() or word.istitle())):
                continue
            if word.lower() == "us" and word != "US":
                continue
            found.append(self._names[word.lower()])
        return list(dict.fromkeys(found))
