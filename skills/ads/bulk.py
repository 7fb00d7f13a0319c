"""Ad copy for many products at once, as JSON Lines, resumable like bulk descriptions.

    summary = write_catalog_ads(products, writer, Path("ads.jsonl"), "search", count=3, segment=segment)
    summary.written, summary.variants
    # -> (200, 600)

Each product is one line `{"id", "placement", "segment", "variants", "notes", "rejected"}`; a second
run skips the ids already in the file (a half-written last line is dropped first).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge.product import Product
from skills.ads.copy import AdWriter
from skills.ads.segments import Segment
from skills.describe.bulk import append_records, read_records


@dataclass(frozen=True, slots=True)
class AdsSummary:
    written: int
    skipped: int
    variants: int  # in the whole file
    short: int  # products with fewer variants than asked (their notes say why)


def write_catalog_ads(products: Sequence[Product], writer: AdWriter, out: Path, placement: str, count: int = 3,
                      segment: Segment = Segment(), angles: Sequence[str] | None = None,
                      progress: bool = False) -> AdsSummary:
    def record_of(product: Product) -> dict:
        batch = writer.write(product, placement, count, segment, angles)
        return {"id": product.id, "placement": batch.placement, "segment": segment.name,
                "variants": [v.to_dict() for v in batch.variants], "notes": list(batch.notes),
                "rejected": list(batch.rejected)}

    written, skipped = append_records(products, record_of, out, progress)
    records = list(read_records(out))
    return AdsSummary(written, skipped, sum(len(r["variants"]) for r in records),
                      sum(len(r["variants"]) < count for r in records))
