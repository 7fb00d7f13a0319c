"""The ads skill's settings (`ads:` in aisle.yml); `agent.config` reads them into `AisleConfig`."""
from __future__ import annotations

from dataclasses import dataclass, field

from skills.ads.placements import PLACEMENTS
from skills.ads.safety import DEFAULT_BANNED_WORDS


@dataclass(frozen=True)
class AdsConfig:
    placement: str = field(default="social", metadata={"choices": tuple(PLACEMENTS)})
    banned_words: tuple[str, ...] = DEFAULT_BANNED_WORDS
    competitors: tuple[str, ...] = ()
    low_stock: int = field(default=10, metadata={"range": (1, 100_000)})  # urgency copy only at 1..low_stock
    ab_path: str = field(default="", metadata={"path": "path"})  # A/B test database; empty: data_dir/ab.db
    segment_min_size: int = field(default=5, metadata={"range": (1, 1_000_000)})  # shoppers a profile segment needs
