"""Checkpoints of the intent model's contrastive fine-tuning, so an interrupted `aisle train nlu`
resumes where it stopped instead of starting over.

    checkpoints = EncoderCheckpoints(Path("var/models/nlu"), every=50, keep=1, state={"config": ...})
    losses = finetune_encoder(encoder, texts, labels, config, checkpoints=checkpoints)

Each checkpoint (`<out>/checkpoints/step-NNNNNN/`) holds the encoder's trainable weights, the
optimizer, the schedule, the random-number state and `state.json` (written last: the run's config,
its metrics so far and every step's loss). A resumed run draws exactly the batches the uninterrupted
one would, so both end with the same encoder. The folders are the same as `aisle train llm` writes.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from training.llm_setup import complete_checkpoints, load_checkpoint, save_checkpoint

log = logging.getLogger(__name__)


@dataclass
class EncoderCheckpoints:
    out: Path
    every: int  # steps between checkpoints (and always the last step)
    keep: int = 1  # the most recent checkpoints kept
    fresh: bool = False  # ignore existing checkpoints and start over
    state: dict[str, Any] = field(default_factory=dict)  # config and metrics to carry

    def latest_state(self) -> dict[str, Any] | None:
        """The state of the checkpoint a run would resume from, or None."""
        import json

        found = [] if self.fresh else complete_checkpoints(self.out)
        return json.loads((found[-1] / "state.json").read_text(encoding="utf-8")) if found else None

    def resume(self, model: Any, optimizer: Any, scheduler: Any) -> list[float]:
        """Restore the latest checkpoint into the objects given; returns the losses of the steps done."""
        found = [] if self.fresh else complete_checkpoints(self.out)
        if not found:
            return []
        state = load_checkpoint(found[-1], model, optimizer, scheduler)
        log.info("resuming the encoder's fine-tuning from %s (step %d)", found[-1], state["step"])
        return list(state["losses"])

    def after_step(self, model: Any, optimizer: Any, scheduler: Any, losses: list[float], total: int) -> None:
        step = len(losses)
        if step % self.every == 0 or step == total:
            save_checkpoint(self.out, step, model, optimizer, scheduler, {**self.state, "losses": losses}, self.keep)
