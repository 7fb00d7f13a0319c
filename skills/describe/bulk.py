"""Descriptions for a whole catalog, written as JSON Lines, resumable, with a rejection report.

    summary = describe_catalog(products, generator, Path("descriptions.jsonl"), Style(), progress=True)
    summary.written, summary.skipped
    # -> (2400, 0)

Each finished product is one line `{"id", "description", "source", "keywords", "dropped_keywords",
"rejected"}`, flushed as soon as it is written; a second run skips the ids already in the file
(a half-written last line from an interrupted run is dropped first). The report lists every
rejected draft with its violations, as CSV or JSON (by the file's suffix), over the whole file.
"""
from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from knowledge.product import Product
from skills.describe.generator import DescriptionGenerator
from skills.describe.style import Style

REPORT_COLUMNS = ("product_id", "source", "attempt", "violations", "text")


@dataclass(frozen=True, slots=True)
class BulkSummary:
    written: int
    skipped: int
    by_source: dict[str, int]
    rejected: int
    report: Path | None


def describe_catalog(products: Sequence[Product], generator: DescriptionGenerator, out: Path,
                     style: Style = Style(), report: Path | None = None, progress: bool = False) -> BulkSummary:
    written, skipped = append_records(products, lambda p: generator.describe(p, style).to_dict(), out, progress)
    records = list(read_records(out))
    by_source: dict[str, int] = {}
    for record in records:
        by_source[record["source"]] = by_source.get(record["source"], 0) + 1
    rejections = [r for record in records for r in record.get("rejected", [])]
    if report is not None:
        write_report(rejections, report)
    return BulkSummary(written, skipped, by_source, len(rejections), report)


def append_records(products: Sequence[Product], record_of: Callable[[Product], dict], out: Path,
                   progress: bool = False) -> tuple[int, int]:
    """One JSON line per product not yet in `out`, flushed as written; (written, skipped as already there)."""
    done = finished_ids(out)
    todo = [p for p in products if p.id not in done]
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("a", encoding="utf-8") as sink, tqdm(total=len(products), initial=len(products) - len(todo),
                                                        disable=not progress, unit="product") as bar:
        for product in todo:
            sink.write(json.dumps(record_of(product), ensure_ascii=False) + "\n")
            sink.flush()
            bar.update(1)
    return len(todo), len(products) - len(todo)


def finished_ids(out: Path) -> set[str]:
    """Ids already written; a broken last line (an interrupted write) is cut off the file."""
    if not out.exists():
        return set()
    data = out.read_bytes()
    if data and not data.endswith(b"\n"):
        data = data[: data.rfind(b"\n") + 1]
        out.write_bytes(data)
    return {record["id"] for record in read_records(out)}


def read_records(out: Path) -> Iterable[dict]:
    with out.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def write_report(rejections: Sequence[dict], path: Path) -> None:
    """Every rejected draft and why, as CSV (one row per draft) or JSON (a list), by suffix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(list(rejections), indent=2, ensure_ascii=False), encoding="utf-8")
        return
    with path.open("w", encoding="utf-8", newline="") as sink:
        writer = csv.DictWriter(sink, REPORT_COLUMNS)
        writer.writeheader()
        for rejection in rejections:
            writer.writerow({**{k: rejection.get(k, "") for k in REPORT_COLUMNS},
                             "violations": "; ".join(rejection.get("violations", []))})
