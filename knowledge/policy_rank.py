"""The words a question shares with each policy passage, weighted by how rare they are, places included.

    ranker = LexicalRanker([("International delivery", "International orders take 6 to 12 days.")], "US")
    ranker.scores("how long does shipping take to Canada?")
    # -> array([0.6...])

A word scores its inverse document frequency over the passages; a word of the heading counts double.
A place the question names adds the words that stand for it in policy documents: abroad,
"international"; at home, the home country's own names ("US", "United States").
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import Stemmer

from knowledge.places import Places

_TOKEN = re.compile(r"[a-z0-9]+")
_STOP = frozenset("""
a an the and or of to in on at for from by with about as is are was were be been do does did can could will would
should may might i me my we us our you your it its this that these those what which who how when where why there
here if then than so not no yes please any some much many long get have has had take takes
""".split())
_ABROAD_WORDS = ("international", "internationally", "abroad", "overseas", "outside")


class LexicalRanker:
    """Scores each (heading, text) passage in 0..1 by the share of the question's weighted words it holds."""

    def __init__(self, passages: Sequence[tuple[str, str]], home_country: str = "US"):
        self.stemmer = Stemmer.Stemmer("english")
        self.places = Places(home_country)
        self.home_words = tuple(self._stems(f"{self.places.home.alpha_2} {self.places.home.name}"))
        self.headings = [set(self._stems(heading)) for heading, _ in passages]
        self.bodies = [set(self._stems(text)) | heading for (_, text), heading in zip(passages, self.headings)]
        count = len(passages)
        frequency: dict[str, int] = {}
        for words in self.bodies:
            for word in words:
                frequency[word] = frequency.get(word, 0) + 1
        self.idf = {word: math.log(1 + count / n) for word, n in frequency.items()}

    def _stems(self, text: str) -> list[str]:
        if hasattr(self, "places"):  # "the US" is the home country, never the pronoun "us"
            code = self.places.home.alpha_2
            text = re.sub(rf"\b{code}\b", f" {self.places.home.name} ", text)
        words = [w for w in _TOKEN.findall(text.lower()) if w not in _STOP]
        return self.stemmer.stemWords(words)

    def question_words(self, question: str) -> set[str]:
        """The question's stems, plus what the places it names stand for."""
        words = set(self._stems(question))
        for place in self.places.named(question):
            words.update(self.home_words if place.home else self._stems(" ".join(_ABROAD_WORDS)))
        return {w for w in words if w in self.idf}

    def scores(self, question: str) -> np.ndarray:
        words = self.question_words(question)
        total = 2 * sum(self.idf[w] for w in words)
        if not total:
            return np.zeros(len(self.bodies), dtype=np.float32)
        return np.array([sum(self.idf[w] * (2 if w in heading else 1) for w in words & body) / total
                         for heading, body in zip(self.headings, self.bodies)], dtype=np.float32)


_OPENER = re.compile(r"^(?:and|also|but|or|plus|then|so|ok(?:ay)?|what about|how about|same for|what if)\b")
_BARE = re.compile(r"^(?:how (?:much|long|many|fast|soon|quickly)|when|where|is|are|does|do|will|would|can|could)"
                   r"(?: (?:does|do|did|is|are|will|would|can|could|should))?(?: (?:it|that|this|they|them|those|one)\b|$)")


def elliptical(question: str) -> bool:
    """A follow-up that leans on the question before it: "and within the US?", "what about returns?",
    "how much does it cost?", "how long?" -- an opening connective, a bare question word or a pronoun for
    a subject, or three words at most."""
    words = _TOKEN.findall(question.lower().replace("'", ""))
    if not words:
        return False
    text = " ".join(words)
    return len(words) <= 3 or (len(words) <= 10 and bool(_OPENER.match(text) or _BARE.match(text)))
