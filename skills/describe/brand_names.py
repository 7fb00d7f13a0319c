"""Finding a catalog's brand names in a text, quickly, however many brands the catalog has.

One alternation of every brand (a catalog has hundreds or thousands) is tried at every position of
every text checked, and was the grounding check's largest cost. A brand can only match where the
text has its first word, so the text's words pick the candidates first and only those are tried,
each with its own compiled pattern (compiled once per brand); the matches are exactly those of the
whole alternation (case-insensitive, whole words, the longest brand first)::

    names = BrandNames(["Levi's", "H&M", "Nike", "Nike Pro"])
    [m.group(0) for m in names.finditer("Nike Pro tights, not H&M")]   # ['Nike Pro', 'H&M']
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

_RUN = re.compile(r"\w+")


class BrandNames:
    def __init__(self, names: Iterable[str]) -> None:
        ordered = sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=lambda n: (-len(n), n))
        self.rank = {name: i for i, name in enumerate(ordered)}
        self.by_first_word: dict[str, list[str]] = {}
        self.always: list[str] = []  # names that do not start with a word character
        for name in ordered:
            first = _RUN.match(name)
            if first is None:
                self.always.append(name)
            else:
                self.by_first_word.setdefault(first.group(0).lower(), []).append(name)

    def __bool__(self) -> bool:
        return bool(self.rank)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The brand mentions in `text`, as the one alternation of every name would find them: the
        leftmost mention first, and where several names match there, the one the alternation tries first."""
        words = {word.lower() for word in _RUN.findall(text)}
        candidates = {name for word in words for name in self.by_first_word.get(word, ())} | set(self.always)
        patterns = [_pattern((name,)) for name in sorted(candidates, key=self.rank.__getitem__)]
        position = 0
        while patterns:
            found = None
            for pattern in patterns:
                match = pattern.search(text, position)
                if match is not None and (found is None or match.start() < found.start()):
                    found = match
            if found is None:
                return
            yield found
            position = found.end()


@lru_cache(maxsize=4096)
def _pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, names))})(?!\w)", re.I)
