"""The figures of the description benchmark, per product and over a catalog.

- ``unsupported_rate``: the share of texts stating at least one value (colour, material, number,
  brand, size, gender, currency, kind or claim) that the product's extracted facts do not back;
- ``coverage``: per product, the share of its extracted descriptive facts (material, pattern, fit,
  closure, pack size, dimensions, capacity, care, features, colour, ...: not the title, brand or
  identifiers) whose every word the text states; the mean over products that have one;
- ``words``: mean length; ``repeated_word_rate``: the share of texts with a word twice in a row
  ("the the"); ``rouge_l``: mean ROUGE-L F1 against the shop's own description.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from knowledge.product import Product
from skills.describe.facts import Fact
from skills.describe.grounding import Facts, GroundingChecker

_REPEAT = re.compile(r"\b(\w+)\s+\1\b", re.I)


def coverage(text: str, facts: Sequence[Fact]) -> float | None:
    """The share of descriptive facts the text states; None when the product has none."""
    wanted = [f for f in facts if f.descriptive]
    if not wanted:
        return None
    return sum(f.stated_in(text) for f in wanted) / len(wanted)


def repeats_a_word(text: str) -> bool:
    return _REPEAT.search(text) is not None


def evaluate(texts: Mapping[str, str], products: Sequence[Product], facts: Mapping[str, Sequence[Fact]],
             checker: GroundingChecker, rouge: Callable[[str, str], float] | None, references: Mapping[str, str],
             seconds: float | None) -> dict:
    """The figures for one generator over `products`; `facts` are each product's extracted facts."""
    violating, kinds, covered, with_facts, words, chars, repeated = 0, Counter(), 0.0, 0, 0, 0, 0
    by_name: Counter = Counter()  # (name, stated?) -> facts
    rouge_sum, with_reference = 0.0, 0
    for product in products:
        text = texts[product.id]
        found = checker.check(text, product, Facts.of(product, facts[product.id]))
        violating += bool(found)
        kinds.update({v.kind for v in found})
        share = coverage(text, facts[product.id])
        by_name.update((f.name, f.stated_in(text)) for f in facts[product.id] if f.descriptive)
        if share is not None:
            covered, with_facts = covered + share, with_facts + 1
        words, chars, repeated = words + len(text.split()), chars + len(text), repeated + repeats_a_word(text)
        if rouge is not None and references.get(product.id):
            rouge_sum, with_reference = rouge_sum + rouge(references[product.id], text), with_reference + 1
    n = max(len(products), 1)
    return {"unsupported_rate": round(violating / n, 4), "unsupported_by_kind": dict(kinds.most_common()),
            "coverage": round(covered / with_facts, 4) if with_facts else None, "products_with_facts": with_facts,
            "words": round(words / n, 1), "chars": round(chars / n, 1), "repeated_word_rate": round(repeated / n, 4),
            "rouge_l": round(rouge_sum / with_reference, 4) if with_reference else None,
            "coverage_by_name": _by_name(by_name),
            "products_per_s": round(len(products) / seconds, 1) if seconds else None, "products": len(products)}


def _by_name(counts: Counter) -> dict:
    """{name: {"facts", "stated"}} for the eight most frequent kinds of fact."""
    totals = Counter()
    for (name, _), n in counts.items():
        totals[name] += n
    return {name: {"facts": total, "stated": counts[(name, True)]} for name, total in totals.most_common(8)}


def fact_summary(facts: Mapping[str, Sequence[Fact]]) -> dict:
    """How many facts of each kind and from each source the catalog gave (descriptive facts only)."""
    names, sources = Counter(), Counter()
    for product_facts in facts.values():
        descriptive = [f for f in product_facts if f.descriptive]
        names.update(f.name for f in descriptive)
        sources.update(f.source.split(".")[0] for f in descriptive)
    n = max(len(facts), 1)
    return {"per_product": round(sum(names.values()) / n, 2), "by_name": dict(names.most_common(15)),
            "by_source": dict(sources.most_common())}


def seo_figures(pages: Sequence[tuple[str, str]]) -> dict:
    """Longest SEO title and meta description, and the share within 60 and 155 characters."""
    titles, metas = [len(t) for t, _ in pages], [len(m) for _, m in pages]
    n = max(len(pages), 1)
    return {"seo_title_max": max(titles, default=0), "meta_description_max": max(metas, default=0),
            "within_limits": round(sum(t <= 60 and m <= 155 for t, m in zip(titles, metas)) / n, 4)}
