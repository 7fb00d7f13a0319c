"""The `aisle generate descriptions` and `aisle ab report` commands; the work lives in `skills/`.

    aisle generate descriptions catalog.csv --out descriptions.jsonl --tone premium --length long
    aisle ab report 3f2a9c1e77b0 --out reports/ab
"""
from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from agent.config import AisleConfig
from agent.errors import AisleError
from skills.describe.style import LENGTHS, TONES


def add_generate_commands(commands: argparse._SubParsersAction) -> None:
    generate = commands.add_parser("generate", help="generate text in bulk")
    what = generate.add_subparsers(title="what", required=True, metavar="WHAT")
    descriptions = what.add_parser("descriptions", help="grounded descriptions for a whole catalog (resumable)")
    descriptions.add_argument("catalog", help="catalog file (.jsonl or .csv)")
    descriptions.add_argument("--out", required=True, help="JSON Lines file to write; an existing one is continued")
    descriptions.add_argument("--report", help="rejection report, .csv or .json (default: <out>.rejections.csv)")
    descriptions.add_argument("--tone", choices=TONES, help="default from config: describe.tone")
    descriptions.add_argument("--length", choices=LENGTHS, help="default from config: describe.length")
    descriptions.add_argument("--keywords", default="", help="comma-separated SEO keywords to work in where true")
    descriptions.add_argument("--currency", help="currency of the catalog's prices where the file has none, e.g. INR")
    descriptions.add_argument("--format", default=None, help="catalog format: auto, aisle or shopify")
    descriptions.add_argument("--columns", default="",
                              help="column mapping, e.g. id=Product_ID,title=Product_Name,colour=Primary_Color")
    descriptions.set_defaults(command=_generate_descriptions)

    ab = commands.add_parser("ab", help="A/B tests of ad copy")
    ab_what = ab.add_subparsers(title="action", required=True, metavar="ACTION")
    report = ab_what.add_parser("report", help="CTR per variant with credible intervals, as JSON, CSV and a PNG plot")
    report.add_argument("experiment", help="experiment id")
    report.add_argument("--out", default="reports/ab", help="folder to write (default: reports/ab/<experiment>)")
    report.set_defaults(command=_ab_report)


def _generate_descriptions(config: AisleConfig, args: argparse.Namespace) -> int:
    from agent.copywriting import description_generator
    from knowledge.catalog_io import load_catalog
    from skills.describe.bulk import describe_catalog
    from skills.describe.style import Style

    loaded = load_catalog(args.catalog, args.format or config.catalog.format, _columns(args.columns))
    for error in loaded.errors[:20]:
        print(f"  skipped line {error.line}: {error.message}")
    products = loaded.products
    if args.currency:
        products = tuple(dataclasses.replace(p, currency=args.currency.upper()) for p in products)
    generator = description_generator(config, {p.brand for p in products if p.brand})
    keywords = tuple(k.strip() for k in args.keywords.split(",") if k.strip())
    style = Style(args.tone or config.describe.tone, args.length or config.describe.length, keywords)
    out = Path(args.out)
    report = Path(args.report) if args.report else out.with_suffix(".rejections.csv")
    summary = describe_catalog(products, generator, out, style, report, progress=True)
    sources = ", ".join(f"{n} {source}" for source, n in sorted(summary.by_source.items()))
    print(f"{summary.written} descriptions written, {summary.skipped} already in {out} ({sources}); "
          f"{summary.rejected} drafts rejected, listed in {report}")
    return 0


def _ab_report(config: AisleConfig, args: argparse.Namespace) -> int:
    from agent.copywriting import ab_store_path
    from skills.ads.abreport import experiment_report, write_report_files
    from skills.ads.abstore import ABStore

    report = experiment_report(ABStore(ab_store_path(config)), args.experiment)
    if report is None:
        raise AisleError(f"no A/B experiment {args.experiment!r} in {ab_store_path(config)}")
    paths = write_report_files(report, Path(args.out) / args.experiment)
    for row in report["variants"]:
        print(f"{row['variant_id']:<22} {row['impressions']:>7} shown {row['clicks']:>6} clicks  "
              f"CTR {row['ctr']:.2%} [{row['ci_low']:.2%}, {row['ci_high']:.2%}]  P(best) {row['prob_best']:.0%}")
    print("written: " + ", ".join(str(p) for p in paths))
    return 0


def _columns(text: str) -> dict[str, str]:
    pairs = [item.split("=", 1) for item in text.split(",") if item.strip()]
    if any(len(pair) != 2 for pair in pairs):
        raise AisleError(f"--columns {text!r}: expected field=Column pairs separated by commas")
    return {field.strip(): column.strip() for field, column in pairs}
