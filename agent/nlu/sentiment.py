"""How the shopper feels, on every turn: VADER's compound score plus a few shop-specific signs of frustration.

>>> analyzer = SentimentAnalyzer()
>>> analyzer.score("this is useless, get me a person")
Sentiment(compound=-0.42, frustrated=True)

VADER (a maintained, rule-based analyser tuned for short informal text) reads capitals, "!!!" and
negations; it does not know that "not what I asked for" or "again??" are how annoyed shoppers talk,
so those phrases mark a turn as frustrated as well. They are aimed at the assistant; VADER's words
("terrible", "hate") are often about the shopper's world instead ("my old boots are terrible").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

_FRUSTRATION = re.compile(
    r"\b(useless|pointless|ridiculous|waste of (?:my )?time|not what i (?:asked|want|said)|"
    r"you(?:'re| are) not (?:helping|listening)|doesn'?t understand|stupid bot|"
    r"fed up|sick of|for the (?:third|fourth|last) time)\b|\?\?+|!!+",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Sentiment:
    compound: float  # -1 (most negative) .. +1 (most positive)
    frustrated: bool = False


class SentimentAnalyzer:
    """Scores one message; cheap enough (a lexicon lookup) to run on every turn."""

    def __init__(self) -> None:
        self._vader = SentimentIntensityAnalyzer()

    def score(self, text: str) -> Sentiment:
        compound = round(float(self._vader.polarity_scores(text)["compound"]), 2)
        return Sentiment(compound, bool(_FRUSTRATION.search(text)))
