"""Description-generation benchmark on any catalog: grounding, fact coverage, length, repeats, ROUGE-L, speed.

    python -m bench.generate [--quick] [--data DIR] --out docs/results/generate.json          # Myntra
    python -m bench.generate --catalog flipkart.csv --currency INR --out docs/results/generate_flipkart.json \\
        --columns id=uniq_id,title=product_name,brand=brand,price=discounted_price,category=product_category_tree,description=description

The catalog is read by the project's own loader with the column mapping (`--columns field=Column,...`);
columns that are not mapped become free-form attributes, and a column holding specification
strings is read pair by pair. Facts are extracted from everything (`skills.describe.facts`),
including the shop's own description; the figures are in `bench.generate_metrics`. Rows:

- ``template``: the shipped path, the page composer behind the grounding guard (`aisle generate
  descriptions`), with the products' facts from every source;
- ``template_fields_only``: the same with the description column withheld (the earlier protocol:
  structured fields and attribute columns only); its coverage is still over every fact the shop gave;
- ``reference``: the shop's own description, checked against the facts of the other fields;
- ``llm`` (with ``--llm-model DIR``): the LLM writer behind the same guard on ``--llm-sample`` products.

``--quick`` samples 1,000 products.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import time
from pathlib import Path

from bench.generate_metrics import evaluate, fact_summary, seo_figures
from bench.llm_common import machine
from knowledge.catalog_io import load_catalog
from knowledge.errors import CatalogError
from knowledge.product import Product
from skills.describe.facts import extract_facts
from skills.describe.generator import DescriptionGenerator
from skills.describe.grounding import GroundingChecker
from skills.describe.style import LENGTHS, TONES, Style

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / ".." / "shared" / "data" / "myntra_catalog"
CSV_NAME = "myntra_products_catalog.csv"
MYNTRA_COLUMNS = ("id=Product_ID,title=Product_Name,brand=Product_Brand,gender=Gender,price=Price,"
                  "colour=Primary_Color,description=Description")
QUICK_SAMPLE = 1000
LLM_SKIPPED = "no --llm-model given: no trained LLM is available on this machine (weights cannot be downloaded)"


def parse_columns(text: str) -> dict[str, str]:
    pairs = [item.split("=", 1) for item in text.split(",") if item.strip()]
    if any(len(pair) != 2 or not pair[1].strip() for pair in pairs):
        raise SystemExit(f"bench.generate: --columns {text!r}: expected field=Column pairs separated by commas")
    return {field.strip(): column.strip() for field, column in pairs}


def load_products(path: Path, columns: dict[str, str], currency: str | None) -> list[Product]:
    loaded = load_catalog(path, columns=columns)
    products = list(loaded.products)
    if currency:
        products = [dataclasses.replace(p, currency=currency.upper()) for p in products]
    if loaded.errors:
        print(f"bench.generate: {len(loaded.errors)} rows skipped (first: line {loaded.errors[0].line}: "
              f"{loaded.errors[0].message})")
    return products


def rouge_function():
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    return lambda reference, text: scorer.score(reference, text)["rougeL"].fmeasure


def timed(describe, products: list[Product]) -> tuple[dict, float]:
    for product in products[:50]:
        describe(product)  # warm-up: imports, regex caches
    start = time.perf_counter()
    described = {product.id: describe(product) for product in products}
    return described, time.perf_counter() - start


def template_row(products: list[Product], generator: DescriptionGenerator, style: Style, context: dict) -> dict:
    described, seconds = timed(lambda p: generator.describe(p, style), products)
    row = evaluate({i: d.text for i, d in described.items()}, products, seconds=seconds, **context)
    row["sources"] = dict(sorted({d.source: sum(x.source == d.source for x in described.values())
                                  for d in described.values()}.items()))
    row["seo"] = seo_figures([(d.seo_title, d.meta_description) for d in described.values()])
    return row | {"_described": described}


def llm_row(model: Path, products: list[Product], checker: GroundingChecker, style: Style, context: dict) -> dict:
    """The LLM writer behind the guard: the usual figures, plus its draft rejection and template fallback rates."""
    from agent.config import load_config
    from agent.copywriting import command_line_writer

    config = load_config(None, environ={"AISLE_LLM__BACKEND": "local", "AISLE_LLM__MODEL": str(model),
                                        "AISLE_LLM__TIMEOUT_S": "120"})
    with command_line_writer(config) as writer:
        generator = DescriptionGenerator(checker, writer=writer)
        described, seconds = timed(lambda p: generator.describe(p, style), products)
    row = evaluate({i: d.text for i, d in described.items()}, products, seconds=seconds, **context)
    row["first_draft_rejected_rate"] = round(sum(bool(d.rejected) for d in described.values()) / len(products), 4)
    row["template_fallback_rate"] = round(sum(d.source != "llm" for d in described.values()) / len(products), 4)
    return row | {"model": str(model)}


def run(products: list[Product], quick: bool, style: Style = Style("plain", "medium"), llm_model: Path | None = None,
        llm_sample: int = 200, catalog: str = "") -> dict:
    checker = GroundingChecker(brands={p.brand for p in products if p.brand})
    facts = {p.id: extract_facts(p) for p in products}
    references = {p.id: p.description for p in products}
    context = {"facts": facts, "checker": checker, "rouge": rouge_function(), "references": references}
    generator = DescriptionGenerator(checker)
    template = template_row(products, generator, style, context)
    described = template.pop("_described")
    blind = [dataclasses.replace(p, description="") for p in products]
    fields_only = template_row(blind, generator, style, context)
    fields_only.pop("_described")
    field_facts = {p.id: extract_facts(p) for p in blind}
    reference = evaluate(references, products, field_facts, checker, None, references, None)
    return {
        "catalog": catalog, "style": {"tone": style.tone, "length": style.length},
        "template": template, "template_fields_only": fields_only,
        "reference": reference | {"rouge_l": 1.0, "note": "the shop's own description, checked against the facts "
                                  "of the other fields; coverage over every fact, its own included"},
        "llm": (llm_row(llm_model, products[:llm_sample], checker, style, context) if llm_model
                else {"skipped": LLM_SKIPPED}),
        "facts": fact_summary(facts),
        "examples": [described[p.id].to_dict() | {"reference": p.description[:300]} for p in products[:3]],
        "rouge": "rouge-score RougeScorer(['rougeL'], use_stemmer=True), F1, mean over products with a description",
        "machine": machine(), "quick": quick,
    }


def print_table(result: dict) -> None:
    print(f"{'generator':<22}{'unsupported':>12}{'coverage':>10}{'words':>8}{'repeats':>9}{'ROUGE-L':>9}"
          f"{'products/s':>12}")
    for name in ("template", "template_fields_only", "reference"):
        row = result[name]
        speed = f"{row['products_per_s']:.0f}" if row["products_per_s"] else "-"
        rouge = f"{row['rouge_l']:.3f}" if row["rouge_l"] is not None else "-"
        cover = f"{row['coverage']:.1%}" if row["coverage"] is not None else "-"
        print(f"{name:<22}{row['unsupported_rate']:>12.2%}{cover:>10}{row['words']:>8.1f}"
              f"{row['repeated_word_rate']:>9.2%}{rouge:>9}{speed:>12}")
    llm = result["llm"]
    print(f"llm: {llm['skipped']}" if "skipped" in llm else
          f"llm ({llm['products']} products): unsupported {llm['unsupported_rate']:.2%}, coverage {llm['coverage']}, "
          f"first drafts rejected {llm['first_draft_rejected_rate']:.1%}, template fallback "
          f"{llm['template_fallback_rate']:.1%}, {llm['products_per_s']} products/s")
    m = result["machine"]
    print(f"{result['template']['products']} products of {result['catalog']}; {result['facts']['per_product']} facts "
          f"each; {m['cpu_count']} CPUs ({m['cpu_model']}), GPU {m['gpu']}; quick={result['quick']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"a seeded sample of {QUICK_SAMPLE} products")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder holding " + CSV_NAME)
    parser.add_argument("--catalog", type=Path, help="any catalog file (.csv or .jsonl); default: the Myntra CSV")
    parser.add_argument("--columns", default=None, help="field=Column,... (default: the Myntra mapping for it)")
    parser.add_argument("--currency", default=None, help="currency of the prices (default: INR for Myntra)")
    parser.add_argument("--tone", default="plain", choices=TONES)
    parser.add_argument("--length", default="medium", choices=LENGTHS)
    parser.add_argument("--out", type=Path, required=True, help="JSON file to write")
    parser.add_argument("--llm-model", type=Path, help="a local LLM folder to run the LLM writer with")
    parser.add_argument("--llm-sample", type=int, default=200, help="products the LLM writer describes")
    args = parser.parse_args(argv)
    path = args.catalog or args.data / CSV_NAME
    if not path.exists():
        print(f"bench.generate: {path} is missing; nothing to measure")
        return 0
    default = args.catalog is None
    columns = parse_columns(args.columns if args.columns is not None else MYNTRA_COLUMNS if default else "")
    try:
        products = load_products(path, columns, args.currency or ("INR" if default else None))
    except CatalogError as exc:
        raise SystemExit(f"bench.generate: {exc}") from None
    if args.quick and len(products) > QUICK_SAMPLE:
        products = random.Random(0).sample(products, QUICK_SAMPLE)
    result = run(products, args.quick, Style(args.tone, args.length), args.llm_model, args.llm_sample, path.name)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print_table(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
