"""Description-generation benchmark on the Myntra catalog: grounding, coverage, length, ROUGE-L, speed.

    python -m bench.generate [--quick] [--data DIR] --out results/generate.json

Protocol (``../shared/data/README.md``): generate from name, brand, gender, colour and price only;
the catalog's ``Description`` is read for nothing but ROUGE-L. Per generator:

- ``unsupported_rate``: the share of texts stating at least one value (colour, material, number,
  brand, size, gender, currency or claim) that the five input fields do not back, as the grounding
  check finds it with every brand of the catalog as its brand lexicon (target 0);
- ``coverage``: the share of the five input fields the text states (name, brand, gender, colour,
  price; a field the product lacks is not counted);
- ``words``/``chars``: mean length; ``rouge_l``: mean ROUGE-L F1 against ``Description``
  (``rouge-score``, Porter stemming); ``products_per_s``: generation throughput, warm, one process.

Rows: ``template`` (the shipped path: composer behind the grounding guard, as `aisle generate
descriptions` runs it), ``template_raw`` (the composer's text before the guard, to show the guard
is not what keeps it clean) and ``reference`` (the human ``Description`` itself, checked against the
same five fields, for calibration). ``llm`` (with ``--llm-model DIR``, a local Hugging Face model
folder) runs the LLM writer behind the same guard on a sample of ``--llm-sample`` products, and adds
how often its drafts were rejected and how often the template had to write instead.
``--quick`` samples 1,000 products.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

from bench.llm_common import machine
from knowledge.product import Product
from skills.describe.composer import TemplateComposer, short_name
from skills.describe.generator import DescriptionGenerator
from skills.describe.grounding import Facts, GroundingChecker
from skills.describe.style import Style
from skills.describe.vocab import GENDER_WORDS

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "myntra_catalog"
CSV_NAME = "myntra_products_catalog.csv"
QUICK_SAMPLE = 1000
LLM_SKIPPED = "no --llm-model given: no trained LLM is available on this machine (weights cannot be downloaded)"


def load_products(path: Path) -> tuple[list[Product], dict[str, str]]:
    """Products from the five input fields only, and the reference descriptions by id."""
    products, references = [], {}
    with path.open(encoding="utf-8", newline="") as rows:
        for row in csv.DictReader(rows):
            product = Product(id=row["Product_ID"].strip(), title=row["Product_Name"].strip(),
                              brand=row["Product_Brand"].strip(), gender=row["Gender"].strip().lower(),
                              colour=row["Primary_Color"].strip().lower(), price=float(row["Price"] or 0),
                              currency="INR")
            products.append(product)
            references[product.id] = row["Description"].strip()
    return products, references


def coverage(text: str, product: Product) -> float:
    lowered = text.lower()
    stated = {
        "name": short_name(product).lower() in lowered,
        "brand": product.brand.lower() in lowered,
        "price": _states_price(lowered, product.price),
    }
    if product.gender:
        stated["gender"] = any(GENDER_WORDS.get(w) for w in re.findall(r"[a-z']+", lowered)) or "unisex" in lowered
    if product.colour:
        stated["colour"] = re.search(rf"\b{re.escape(product.colour)}\b", lowered) is not None
    return sum(stated.values()) / len(stated)


def _states_price(lowered: str, price: float) -> bool:
    numbers = {float(n.replace(",", "")) for n in re.findall(r"\d[\d,]*(?:\.\d+)?", lowered)}
    return any(abs(n - price) < 0.005 for n in numbers)


def evaluate(texts: dict[str, str], products: list[Product], references: dict[str, str],
             checker: GroundingChecker, scorer, seconds: float | None) -> dict:
    violating, kinds, covered, words, chars, rouge = 0, Counter(), 0.0, 0, 0, 0.0
    for product in products:
        text = texts[product.id]
        found = checker.check(text, product, Facts.of(product))
        violating += bool(found)
        kinds.update({v.kind for v in found})
        covered += coverage(text, product)
        words += len(text.split())
        chars += len(text)
        if scorer is not None and references[product.id]:
            rouge += scorer.score(references[product.id], text)["rougeL"].fmeasure
    n = len(products)
    with_reference = sum(1 for p in products if references[p.id])
    return {"unsupported_rate": round(violating / n, 4), "unsupported_by_kind": dict(kinds.most_common()),
            "coverage": round(covered / n, 4), "words": round(words / n, 1), "chars": round(chars / n, 1),
            "rouge_l": round(rouge / with_reference, 4) if scorer is not None else None,
            "products_per_s": round(n / seconds, 1) if seconds else None, "products": n}


def timed(generate, products: list[Product]) -> tuple[dict[str, str], float]:
    for product in products[:50]:
        generate(product)  # warm-up: imports, regex caches
    start = time.perf_counter()
    texts = {product.id: generate(product) for product in products}
    return texts, time.perf_counter() - start


def llm_row(model: Path, products: list[Product], references: dict[str, str], checker: GroundingChecker,
            scorer, style: Style) -> dict:
    """The LLM writer behind the guard: the usual figures, plus its draft rejection and template fallback rates."""
    from agent.config import load_config
    from agent.copywriting import command_line_writer

    config = load_config(None, environ={"AISLE_LLM__BACKEND": "local", "AISLE_LLM__MODEL": str(model),
                                        "AISLE_LLM__TIMEOUT_S": "120"})
    with command_line_writer(config) as writer:
        generator = DescriptionGenerator(checker, writer=writer)
        start = time.perf_counter()
        described = {p.id: generator.describe(p, style) for p in products}
        seconds = time.perf_counter() - start
    row = evaluate({i: d.text for i, d in described.items()}, products, references, checker, scorer, seconds)
    row["first_draft_rejected_rate"] = round(sum(bool(d.rejected) for d in described.values()) / len(products), 4)
    row["template_fallback_rate"] = round(sum(d.source != "llm" for d in described.values()) / len(products), 4)
    row["model"] = str(model)
    return row


def run(products: list[Product], references: dict[str, str], quick: bool, llm_model: Path | None = None,
        llm_sample: int = 200) -> dict:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    checker = GroundingChecker(brands={p.brand for p in products if p.brand})
    generator = DescriptionGenerator(checker)
    style = Style("plain", "medium")
    guarded, guarded_s = timed(lambda p: generator.describe(p, style).text, products)
    composer = TemplateComposer()
    raw, raw_s = timed(lambda p: composer.compose(p, style).text, products)
    result = {
        "template": evaluate(guarded, products, references, checker, scorer, guarded_s),
        "template_raw": evaluate(raw, products, references, checker, scorer, raw_s),
        "reference": evaluate(references, products, references, checker, None, None),
        "llm": (llm_row(llm_model, products[:llm_sample], references, checker, scorer, style) if llm_model
                else {"skipped": LLM_SKIPPED}),
        "style": {"tone": style.tone, "length": style.length},
        "examples": [{"id": p.id, "template": guarded[p.id], "reference": references[p.id][:300]}
                     for p in products[:3]],
        "rouge": "rouge-score RougeScorer(['rougeL'], use_stemmer=True), F1, mean over products with a Description",
        "machine": machine(), "quick": quick,
    }
    result["reference"]["rouge_l"] = 1.0
    return result


def print_table(result: dict) -> None:
    print(f"{'generator':<14}{'unsupported':>12}{'coverage':>10}{'words':>8}{'ROUGE-L':>9}{'products/s':>12}")
    for name in ("template", "template_raw", "reference"):
        row = result[name]
        speed = f"{row['products_per_s']:.0f}" if row["products_per_s"] else "-"
        rouge = f"{row['rouge_l']:.3f}" if row["rouge_l"] is not None else "-"
        print(f"{name:<14}{row['unsupported_rate']:>12.2%}{row['coverage']:>10.1%}{row['words']:>8.1f}{rouge:>9}"
              f"{speed:>12}")
    llm = result["llm"]
    if "skipped" in llm:
        print(f"llm: {llm['skipped']}")
    else:
        print(f"llm ({llm['products']} products): unsupported {llm['unsupported_rate']:.2%}, coverage "
              f"{llm['coverage']:.1%}, first drafts rejected {llm['first_draft_rejected_rate']:.1%}, template "
              f"fallback {llm['template_fallback_rate']:.1%}, {llm['products_per_s']} products/s")
    m = result["machine"]
    print(f"{result['template']['products']} products; {m['cpu_count']} CPUs ({m['cpu_model']}), GPU {m['gpu']}; "
          f"quick={result['quick']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"a seeded sample of {QUICK_SAMPLE} products")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder holding " + CSV_NAME)
    parser.add_argument("--out", type=Path, required=True, help="JSON file to write")
    parser.add_argument("--llm-model", type=Path, help="a local LLM folder to run the LLM writer with")
    parser.add_argument("--llm-sample", type=int, default=200, help="products the LLM writer describes")
    args = parser.parse_args(argv)
    path = args.data / CSV_NAME
    if not path.exists():
        print(f"bench.generate: {path} is missing; nothing to measure")
        return 0
    products, references = load_products(path)
    if args.quick:
        products = random.Random(0).sample(products, QUICK_SAMPLE)
    result = run(products, references, args.quick, args.llm_model, args.llm_sample)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print_table(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
