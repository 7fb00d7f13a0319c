"""A shopper's typos put right before the message is read: "undr 80 dolars" -> "under 80 dollars".

    speller = Speller(lexicon)
    speller.correct("a leathr backpak in blak")   # 'a leather backpack in black'
    speller.correct("a yoga matt")                # 'a yoga mat' (when the catalog sells yoga mats)

A word is a typo when it is letters only, at least three long, and neither an English word (the bundled
MiniLM's word list, `knowledge.words`) nor a word of the catalog (its product types, categories, colours,
materials, brands and title words, from the `Lexicon`), nor an inflection of one ("scarves", "zipped"). It
becomes the nearest catalog word within one edit (two for words over five letters), else the nearest English
word within one edit (a swap of two letters counts as one); a three-letter word only becomes a catalog word
("blk" stays). Fewest edits win; at equal edits the catalog's word, then
the closest spelling ("buks" -> "bucks", not "bus"). Capitalised words inside a sentence (names, brands), words
with digits, e-mail addresses, links and hyphenated or apostrophised words are never touched.

A real English word next to another word is read as a two-word catalog term when the pair is one edit away from
it and the other word matches exactly ("yoga matt" -> "yoga mat"); a word the catalog itself uses is never
changed that way ("wool hat" stays when the catalog sells wool mats).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from knowledge.inflect import number_variants
from knowledge.query_parse import COLOUR_WORDS, GENDER_WORDS, STOP_WORDS, SYNONYMS, Lexicon
from knowledge.words import english_word_list

MIN_LETTERS = 3
_CHUNK = re.compile(r"\S+")
_WORD = re.compile(r"^([^\w]*)([A-Za-z]+)([^\w]*)$")  # a whole word with its punctuation around it
_ENDINGS = (("iest", ("y", "ey")), ("ier", ("y", "ey")), ("ves", ("f", "fe")), ("ies", ("y",)), ("es", ("",)), ("s", ("",)), ("ed", ("", "e")), ("ing", ("", "e")),
            ("er", ("", "e")), ("est", ("", "e")), ("ly", ("",)))
_NEVER = re.compile(r"[@/\\]|\d|^www\.|\.\w+\.")  # e-mail, link, path, number, dotted name


class Speller:
    """Corrects the words of a message against the catalog's vocabulary first, then English."""

    def __init__(self, lexicon: Lexicon, english: Iterable[str] | None = None):
        self.lexicon = lexicon
        english_list = tuple(english_word_list() if english is None else english)
        phrases = [phrase for phrase in lexicon.terms if phrase.replace(" ", "").replace("-", "").isalpha()]
        catalog = {word for phrase in phrases for word in phrase.split() if word.isalpha()}
        self.catalog = tuple(sorted(w for w in catalog if len(w) >= MIN_LETTERS))
        self.english: dict[int, list[str]] = {}  # by length: a word two edits away is at most two letters longer
        for word in english_list:
            if word not in catalog:
                self.english.setdefault(len(word), []).append(word)
        self.known = frozenset(catalog | set(english_list) | lexicon.known_words | lexicon.dictionary | STOP_WORDS
                               | COLOUR_WORDS | _words(SYNONYMS) | _words(GENDER_WORDS))
        self.pairs = {tuple(phrase.split()): phrase for phrase in phrases if phrase.count(" ") == 1}

    def correct(self, text: str) -> str:
        """``text`` with its typos corrected; the text itself when nothing needed correcting."""
        chunks = [(m.start(), m.end()) for m in _CHUNK.finditer(text)]
        out, last = [], 0
        words: list[tuple[int, str]] = []  # (index in out, lower-case word) of each plain word
        for index, (start, end) in enumerate(chunks):
            out.append(text[last:start])
            chunk = text[start:end]
            fixed = self._chunk(chunk, sentence_start=index == 0 or text[last:start].strip() == ""
                                and _ends_sentence(text[:start]))
            out.append(fixed)
            match = _WORD.match(fixed)
            words.append((len(out) - 1, match.group(2).lower() if match and match.group(1) == "" else ""))
            last = end
        out.append(text[last:])
        self._pairs(out, words)
        return "".join(out)

    def word(self, word: str) -> str | None:
        """The word a lower-case typo stands for, or None when it is not a typo or nothing is close enough."""
        if len(word) < MIN_LETTERS or word in self.known or self._known_form(word):
            return None
        english = [w for size in (len(word) - 1, len(word), len(word) + 1) for w in self.english.get(size, ())]
        pools = ((self.catalog, 1 if len(word) <= 5 else 2), (english if len(word) > MIN_LETTERS else [], 1))
        hits = [(distance, tier, -fuzz.ratio(word, candidate), rank, candidate)
                for tier, (pool, edits) in enumerate(pools)
                for candidate, distance, rank in process.extract(word, pool, scorer=OSA.distance,
                                                                 score_cutoff=edits, limit=None)]
        return min(hits)[-1] if hits else None  # fewest edits; then the catalog's word; then the closest spelling

    def _chunk(self, chunk: str, sentence_start: bool) -> str:
        match = _WORD.match(chunk)
        if match is None or _NEVER.search(chunk):
            return chunk
        lead, word, tail = match.groups()
        if word.isupper() and len(word) > 1 or word[0].isupper() and not sentence_start:
            return chunk  # a name, a brand, an acronym or an order code: not ours to respell
        fixed = self.word(word.lower())
        if fixed is None:
            return chunk
        return f"{lead}{fixed.capitalize() if word[0].isupper() else fixed}{tail}"

    def _known_form(self, word: str) -> bool:
        """An inflection of a known word ("scarves", "zipped", "cheapest") is a word, not a typo."""
        stems = [word[:-len(end)] + add for end, adds in _ENDINGS if word.endswith(end) for add in adds]
        stems += [stem[:-1] for stem in stems if len(stem) > 2 and stem[-1] == stem[-2]]  # "zipped" -> "zip"
        return any(form in self.known for form in (*number_variants(word), *stems))

    def _pairs(self, out: list[str], words: list[tuple[int, str]]) -> None:
        """'yoga matt' -> 'yoga mat': a real word that, with its neighbour, is one edit from a two-word term."""
        if not self.pairs:
            return
        catalog = set(self.catalog)
        for (i, first), (j, second) in zip(words, words[1:]):
            if not first or not second or (first, second) in self.pairs:
                continue
            for position, (index, word), other in ((0, (i, first), second), (1, (j, second), first)):
                if word in catalog or len(word) < MIN_LETTERS:
                    continue
                term = self._pair_term(word, other, position)
                if term is not None:
                    out[index] = out[index].replace(word, term, 1) if out[index].islower() else out[index]
                    break

    def _pair_term(self, word: str, other: str, position: int) -> str | None:
        hits = sorted((-fuzz.ratio(word, pair[position]), pair[position], self.lexicon.terms[phrase])
                      for pair, phrase in self.pairs.items()
                      if pair[1 - position] == other and OSA.distance(pair[position], word) <= 1
                      and word not in number_variants(pair[position]))
        return hits[0][1] if hits and len({meaning for *_, meaning in hits}) == 1 else None


def _words(phrases: Iterable[str]) -> set[str]:
    return {word for phrase in phrases for word in phrase.split()}


def _ends_sentence(before: str) -> bool:
    stripped = before.rstrip()
    return not stripped or stripped[-1] in ".!?"
