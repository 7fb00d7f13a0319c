"""A second search benchmark without human labels: known-item search over a shop's own products.

    python -m bench.search_known_item [--data CSV] --out var/bench-data/myntra_known_item
    python -m bench.search --data var/bench-data/myntra_known_item --out results/search-myntra.json

Home Depot is the only shop search set here with human judgments. This one is made from the
Myntra fashion catalog (``../shared/data/myntra_catalog``): the corpus is a seeded sample of
product names; each query is the opening phrase of one product's *description* (up to its first
comma, two to eight words), which the index never sees, so query and product are worded by two
different hands, as a shopper's words and a merchant's title are. The product the phrase came
from, and any product with the very same name, is the relevant one (grade 1). It is synthetic:
its figures compare methods side by side, they are not human relevance.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "myntra_catalog" / "myntra_products_catalog.csv"
_WORD = re.compile(r"\S+")
_GLUED = re.compile(r"(?<=[a-z])(?=[A-Z])")
"""Where two sentences were joined without a space ("...with trousersGreen and ...")."""


def opening_phrase(description: str, max_words: int = 8) -> str | None:
    """The description up to its first comma or full stop, at most ``max_words`` words; None if under two.

    >>> opening_phrase("Pink coloured wash 5-pocket high-rise cropped jeans, clean look")
    'Pink coloured wash 5-pocket high-rise cropped jeans'
    >>> opening_phrase("Product design detailsGreen printed kurta with trousersGreen and gold")
    'Green printed kurta with trousers'
    """
    text = _GLUED.sub(". ", description).strip()
    text = re.sub(r"^product design details\W*", "", text, flags=re.IGNORECASE)
    words = _WORD.findall(re.split(r"[,.;]", text, maxsplit=1)[0])[:max_words]
    return " ".join(words) if len(words) >= 2 else None


def build(csv_path: Path, out: Path, products: int = 4000, queries: int = 500, seed: int = 0) -> dict[str, int]:
    """Write ``corpus.jsonl``, ``queries.jsonl`` and ``qrels.tsv`` into ``out``; returns the counts."""
    with open(csv_path, encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row.get("Product_ID") and row.get("Product_Name")]
    rng = random.Random(seed)
    corpus = rng.sample(rows, min(products, len(rows)))
    by_name: dict[str, list[str]] = {}
    for row in corpus:
        by_name.setdefault(row["Product_Name"].strip().lower(), []).append(row["Product_ID"])
    asked = []
    for row in rng.sample(corpus, len(corpus)):
        phrase = opening_phrase(row.get("Description", ""))
        if phrase is not None:
            asked.append((row, phrase))
        if len(asked) == queries:
            break
    out.mkdir(parents=True, exist_ok=True)
    _write_jsonl(out / "corpus.jsonl", [{"_id": r["Product_ID"], "title": r["Product_Name"].strip()} for r in corpus])
    _write_jsonl(out / "queries.jsonl", [{"_id": f"q{i}", "text": phrase} for i, (_, phrase) in enumerate(asked)])
    with open(out / "qrels.tsv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(["query-id", "corpus-id", "score"])
        for i, (row, _) in enumerate(asked):
            for doc in by_name[row["Product_Name"].strip().lower()]:
                writer.writerow([f"q{i}", doc, 1])
    return {"products": len(corpus), "queries": len(asked)}


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_known_item", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the Myntra catalog CSV")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the BEIR files into")
    parser.add_argument("--products", type=int, default=4000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"bench.search_known_item: no catalog at {args.data}; skipped")
        return 0
    counts = build(args.data, args.out, args.products, args.queries, args.seed)
    print(f"wrote {counts['queries']} queries over {counts['products']:,} products to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
