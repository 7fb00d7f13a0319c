"""The `aisle generate descriptions|ads|segments` and `aisle ab report` commands; the work lives in `skills/`.

    aisle generate descriptions catalog.csv --out descriptions.jsonl --tone premium --length long
    aisle generate segments                       # audience segments from the stored shopper events
    aisle generate ads --product sku-00042 --placement search --segment shoes-budget
    aisle generate ads catalog.jsonl --out ads.jsonl --placement sms --count 3
    aisle ab report 3f2a9c1e77b0 --out reports/ab
"""
from __future__ import annotations

import argparse
import dataclasses
import json
from contextlib import nullcontext
from pathlib import Path

from agent.config import AisleConfig
from agent.errors import AisleError
from skills.ads.copy import ANGLES
from skills.ads.placements import PLACEMENTS
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
    descriptions.add_argument("--writer", choices=("template", "llm"),
                              help="llm: the configured LLM drafts, the grounding check decides (default: describe.writer)")
    descriptions.add_argument("--keywords", default="", help="comma-separated SEO keywords to work in where true")
    descriptions.set_defaults(command=_generate_descriptions)
    _add_catalog_options(descriptions)

    ads = what.add_parser("ads", help="ad-copy variants within each placement's limits, for a segment")
    ads.add_argument("catalog", nargs="?", help="catalog file (default: the configured catalog)")
    ads.add_argument("--product", default="", help="comma-separated product ids (default: every product)")
    ads.add_argument("--placement", choices=tuple(PLACEMENTS), help="default from config: ads.placement")
    ads.add_argument("--count", type=int, default=3, help="variants per product (1-10, default 3)")
    ads.add_argument("--angle", choices=ANGLES, help="one angle only")
    ads.add_argument("--segment", default="", help="a built-in segment or one from `aisle generate segments`")
    ads.add_argument("--events", help="shopper events database (default: recommend.events_path)")
    ads.add_argument("--out", help="JSON Lines file to write; an existing one is continued (default: print)")
    ads.set_defaults(command=_generate_ads)
    _add_catalog_options(ads)

    segments = what.add_parser("segments", help="audience segments made from the shoppers' profiles")
    segments.add_argument("catalog", nargs="?", help="catalog file (default: the configured catalog)")
    segments.add_argument("--events", help="shopper events database (default: recommend.events_path)")
    segments.add_argument("--min-size", type=int, help="shoppers a segment needs (default: ads.segment_min_size)")
    segments.add_argument("--out", help="JSON file to write the segments to")
    segments.set_defaults(command=_generate_segments)
    _add_catalog_options(segments)

    ab = commands.add_parser("ab", help="A/B tests of ad copy")
    ab_what = ab.add_subparsers(title="action", required=True, metavar="ACTION")
    report = ab_what.add_parser("report", help="CTR per variant with credible intervals, as JSON, CSV and a PNG plot")
    report.add_argument("experiment", help="experiment id")
    report.add_argument("--out", default="reports/ab", help="folder to write (default: reports/ab/<experiment>)")
    report.set_defaults(command=_ab_report)


def _generate_descriptions(config: AisleConfig, args: argparse.Namespace) -> int:
    from agent.copywriting import command_line_writer, description_generator
    from skills.describe.bulk import describe_catalog
    from skills.describe.style import Style

    products = _products(config, args)
    keywords = tuple(k.strip() for k in args.keywords.split(",") if k.strip())
    style = Style(args.tone or config.describe.tone, args.length or config.describe.length, keywords)
    out = Path(args.out)
    report = Path(args.report) if args.report else out.with_suffix(".rejections.csv")
    use_llm = (args.writer or config.describe.writer) == "llm"
    with command_line_writer(config) if use_llm else nullcontext() as writer:
        if use_llm and writer is None:
            raise AisleError("--writer llm needs an LLM: set llm.backend to local or openai in the config")
        generator = description_generator(config, {p.brand for p in products if p.brand}, writer)
        summary = describe_catalog(products, generator, out, style, report, progress=True)
    sources = ", ".join(f"{n} {source}" for source, n in sorted(summary.by_source.items()))
    print(f"{summary.written} descriptions written, {summary.skipped} already in {out} ({sources}); "
          f"{summary.rejected} drafts rejected, listed in {report}")
    return 0


def _generate_ads(config: AisleConfig, args: argparse.Namespace) -> int:
    from agent.copywriting import ad_writer
    from skills.ads.bulk import write_catalog_ads

    products = _products(config, args)
    try:  # profiles read over the whole catalog, before it is narrowed to --product
        segment = _segments(config, args, products).get(args.segment or None)
    except ValueError as exc:
        raise AisleError(str(exc)) from None
    wanted = [i.strip() for i in args.product.split(",") if i.strip()]
    if wanted:
        by_id = {p.id: p for p in products}
        missing = [i for i in wanted if i not in by_id]
        if missing:
            raise AisleError(f"no product {missing[0]!r} in the catalog")
        products = tuple(by_id[i] for i in wanted)
    if not 1 <= args.count <= 10:
        raise AisleError(f"--count {args.count}: choose 1 to 10")
    writer = ad_writer(config, {p.brand for p in products if p.brand})
    placement = args.placement or config.ads.placement
    if segment.summary:
        print(f"segment {segment.name}: {segment.summary}")
    if not args.out:
        for product in products:
            _print_batch(writer.write(product, placement, args.count, segment, (args.angle,) if args.angle else None))
        return 0
    summary = write_catalog_ads(products, writer, Path(args.out), placement, args.count, segment,
                                (args.angle,) if args.angle else None, progress=True)
    print(f"{summary.written} products written, {summary.skipped} already in {args.out}; {summary.variants} variants "
          f"in all, {summary.short} products with fewer than {args.count} (see their notes)")
    return 0


def _generate_segments(config: AisleConfig, args: argparse.Namespace) -> int:
    book = _segments(config, args, _products(config, args), args.min_size)
    found = list(book.profile_segments().values())
    for segment in found:
        print(f"{segment.name:<28} {segment.summary}")
    if not found:
        print(f"no segment of {book.min_size} or more shoppers in the events at {_events_path(config, args)}")
    if args.out:
        Path(args.out).write_text(json.dumps([s.to_dict() for s in found], indent=2, ensure_ascii=False) + "\n",
                                  encoding="utf-8")
        print(f"written: {args.out}")
    return 0


def _segments(config: AisleConfig, args: argparse.Namespace, products, min_size: int | None = None):
    """The built-in segments and those the stored shopper events make, over these products."""
    from skills.ads.audiences import SegmentBook, store_source
    from skills.recommend.events import EventStore
    from skills.recommend.items import ItemTable

    path = _events_path(config, args)
    source = store_source(EventStore.open(path), ItemTable(tuple(products))) if path.exists() else None
    return SegmentBook(source, min_size or config.ads.segment_min_size)


def _events_path(config: AisleConfig, args: argparse.Namespace) -> Path:
    return Path(args.events) if args.events else config.events_path


def _print_batch(batch) -> None:
    from skills.ads.placements import PLACEMENTS as limits

    print(f"{batch.product_id} ({limits[batch.placement].label}):")
    for n, variant in enumerate(batch.variants, 1):
        fields = " · ".join(f"{k}: {v} ({len(v)}/{limits[batch.placement].limits[k]})" for k, v in variant.fields.items())
        print(f"  {n}. [{variant.angle}] {fields}")
    for note in batch.notes:
        print(f"  note: {note}")


def _products(config: AisleConfig, args: argparse.Namespace) -> tuple:
    from knowledge.catalog_io import load_catalog

    path = args.catalog or config.catalog_path
    if not Path(path).exists():
        raise AisleError(f"no catalog at {path}: pass one, or run `aisle index` first for the demo catalog")
    loaded = load_catalog(path, args.format or config.catalog.format, _columns(args.columns))
    for error in loaded.errors[:20]:
        print(f"  skipped line {error.line}: {error.message}")
    products = loaded.products
    if args.currency:
        products = tuple(dataclasses.replace(p, currency=args.currency.upper()) for p in products)
    return products


def _add_catalog_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--currency", help="currency of the catalog's prices where the file has none, e.g. INR")
    parser.add_argument("--format", default=None, help="catalog format: auto, aisle or shopify")
    parser.add_argument("--columns", default="",
                        help="column mapping, e.g. id=Product_ID,title=Product_Name,colour=Primary_Color")


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
