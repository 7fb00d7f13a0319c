"""The shop's policy documents as searchable passages: markdown split by heading, embedded once.

    index = PolicyIndex.from_folder(Path("agent/defaults/policies"), SentenceTransformerEmbedder())
    [(passage, score)] = index.search("how long do refunds take?", k=1)
    passage.source, passage.heading      # ('returns.md', 'Refunds')
    passage.text                         # 'Once your return arrives at our warehouse ...'

A passage is one paragraph under its nearest heading; the document title and the heading are
embedded with it, so "refunds" finds the paragraph of the "Refunds" section even when the
paragraph itself never says the word.

Passages are ranked by the question, not by a fixed topic-to-section map: the embedding similarity
plus the words they share (`knowledge.policy_rank`; a heading's words count double), where a place
the shopper names counts too: "to Canada" for a US shop is about international delivery, "to Texas"
about delivery at home (`knowledge.places`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.embedders import Embedder
from knowledge.errors import CatalogError
from knowledge.policy_rank import LexicalRanker

LEXICAL_WEIGHT = 0.5  # shared words (0..1) against cosine similarity; measured on data/policies' questions
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


class PolicyError(CatalogError):
    """The policy documents cannot be read."""


@dataclass(frozen=True, slots=True)
class Passage:
    """One paragraph of a policy document, with where it came from."""

    source: str  # file name, e.g. "returns.md"
    title: str  # the document's first-level heading
    heading: str  # the section the paragraph sits in
    text: str

    def for_embedding(self) -> str:
        return f"{self.title}. {self.heading}. {self.text}"


def split_markdown(text: str, source: str) -> list[Passage]:
    """Paragraphs (blank-line separated, wrapped lines joined) under their nearest heading."""
    title, heading, paragraph, passages = Path(source).stem.title(), "", [], []

    def flush() -> None:
        if paragraph:
            passages.append(Passage(source, title, heading or title, " ".join(paragraph)))
            paragraph.clear()

    for line in text.splitlines():
        match = _HEADING.match(line)
        if match:
            flush()
            if len(match[1]) == 1:
                title = match[2]
            heading = match[2] if len(match[1]) > 1 else ""
        elif line.strip():
            paragraph.append(line.strip())
        else:
            flush()
    flush()
    return passages


class PolicyIndex:
    """Passages of every ``*.md`` file in a folder and their unit-length embeddings."""

    def __init__(self, passages: list[Passage], vectors: np.ndarray, embedder: Embedder, home_country: str = "US"):
        self.passages = passages
        self.vectors = vectors
        self.embedder = embedder
        self.lexical = LexicalRanker([(p.heading, p.text) for p in passages], home_country)
        self.places = self.lexical.places  # the places a question names, read for this shop's home country

    @classmethod
    def from_folder(cls, folder: Path, embedder: Embedder, home_country: str = "US") -> PolicyIndex:
        folder = Path(folder)
        if not folder.is_dir():
            raise PolicyError(f"policy folder not found: {folder} (set policies.dir in aisle.yml)")
        passages = []
        for path in sorted(folder.glob("*.md")):
            try:
                passages += split_markdown(path.read_text(encoding="utf-8"), path.name)
            except (OSError, UnicodeDecodeError) as exc:
                raise PolicyError(f"cannot read policy document {path}: {exc}") from None
        return cls.build(passages, embedder, home_country)

    @classmethod
    def build(cls, passages: list[Passage], embedder: Embedder, home_country: str = "US") -> PolicyIndex:
        if passages:
            vectors = embedder.embed([p.for_embedding() for p in passages])
        else:
            vectors = np.zeros((0, embedder.dim), dtype=np.float32)
        return cls(passages, vectors, embedder, home_country)

    @property
    def sources(self) -> list[str]:
        return sorted({p.source for p in self.passages})

    def search(self, question: str, k: int = 3, source: str | None = None) -> list[tuple[Passage, float]]:
        """The ``k`` passages that fit ``question`` best, best first, each with its cosine similarity to it;
        only from ``source`` if given. The order blends that similarity with the words they share."""
        if not self.passages or not question.strip():
            return []
        similarity = self.vectors @ self.embedder.embed([question])[0]
        fit = similarity + LEXICAL_WEIGHT * self.lexical.scores(question)
        order = np.argsort(-fit, kind="stable")
        found = [(self.passages[i], float(similarity[i])) for i in order
                 if source is None or self.passages[i].source == source]
        return found[:k]
