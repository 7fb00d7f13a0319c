"""A/B tests of ad copy, end to end: start one from generated variants, serve, record, report.

    experiments = Experiments(ABStore(path), ad_writer, catalog.by_id)
    started = experiments.start("sku-1", placement="onsite", count=3)
    shown = experiments.serve("session-123")          # the widget asks what to show this visitor
    experiments.record(shown["experiment_id"], shown["variant_id"], "session-123", "impression")
    # -> True

A visitor keeps the variant first chosen for them; new visitors are spread by Thompson sampling.
A click counts only after an impression of the same variant for the same visitor.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from skills.ads.abreport import experiment_report
from skills.ads.abstore import EVENT_KINDS, ABStore
from skills.ads.bandit import ThompsonSampler
from skills.ads.copy import AdBatch, AdWriter
from skills.ads.audiences import SegmentBook
from skills.describe.resolve import Lookup


class ExperimentError(ValueError):
    """A request about an experiment that cannot be honoured; the message says why."""


class Experiments:
    def __init__(self, store: ABStore, writer: AdWriter, lookup: Lookup,
                 sampler: ThompsonSampler | None = None, segments: SegmentBook | None = None) -> None:
        self.store = store
        self.writer = writer
        self.lookup = lookup
        self.sampler = sampler or ThompsonSampler()
        self.segments = segments or SegmentBook()

    def start(self, product_id: str, placement: str = "onsite", count: int = 3,
              segment: str | Mapping[str, Any] | None = None) -> dict:
        product = self.lookup(product_id)
        if product is None:
            raise ExperimentError(f"no product with the id {product_id!r}")
        try:
            audience = self.segments.get(segment)
        except ValueError as exc:
            raise ExperimentError(str(exc)) from None
        batch = self.writer.write(product, placement, count, audience)
        return self.start_from(batch)

    def start_from(self, batch: AdBatch) -> dict:
        if len(batch.variants) < 2:
            raise ExperimentError(f"only {len(batch.variants)} variant could be written: an A/B test needs 2")
        segment = batch.variants[0].segment
        experiment_id = self.store.create(batch.product_id, batch.placement, segment,
                                          [v.to_dict() for v in batch.variants])
        return {"experiment_id": experiment_id, "product_id": batch.product_id, "placement": batch.placement,
                "variants": [v.to_dict() for v in batch.variants]}

    def serve(self, session_id: str, placement: str = "onsite") -> dict | None:
        """What this visitor should see: the running experiment's variant for them, or None."""
        experiment = self.store.running(placement)
        if experiment is None:
            return None
        variant_id = self.store.assignment(experiment.id, session_id)
        if variant_id is None:
            variant_id = self.store.assign(experiment.id, session_id, self.sampler.choose(self.store.counts(experiment.id)))
        variant = experiment.variant(variant_id)
        return {"experiment_id": experiment.id, "variant_id": variant_id, "product_id": experiment.product_id,
                "fields": variant["fields"] if variant else {}}

    def record(self, experiment_id: str, variant_id: str, session_id: str, kind: str) -> bool:
        if kind not in EVENT_KINDS:
            raise ExperimentError(f"unknown event {kind!r}: choose from {', '.join(EVENT_KINDS)}")
        experiment = self.store.get(experiment_id)
        if experiment is None or experiment.variant(variant_id) is None:
            raise ExperimentError("no such experiment or variant")
        if kind == "click" and not self.store.has_event(experiment_id, variant_id, session_id, "impression"):
            raise ExperimentError("a click needs an impression of the same variant first")
        return self.store.record(experiment_id, variant_id, session_id, kind)

    def report(self, experiment_id: str) -> dict | None:
        return experiment_report(self.store, experiment_id)

    def stop(self, experiment_id: str) -> None:
        self.store.set_status(experiment_id, "stopped")
