"""Decoding one batch of jobs with `generate`: left padding, per-row stops, streaming, constraints.

`generate` runs the batch to its longest row; each row stops on its own (end of turn, its own token
limit, its deadline, its caller gone) and from then on only pads. Tokens stream to each job as they
are chosen. A row may follow a grammar (`ConstrainedRows`) while its neighbours are free.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from transformers import LogitsProcessor, LogitsProcessorList, StoppingCriteria, StoppingCriteriaList
from transformers.generation.streamers import BaseStreamer

from agent.llm.batching import Finished, Job
from agent.llm.constrain import ConstrainedRows


@dataclass
class Row:
    job: Job
    tokens: list[int] = field(default_factory=list)
    text: str = ""
    reason: str | None = None


class BatchRows(BaseStreamer, StoppingCriteria):
    """The state of every row: fed by `generate` as its streamer, asked by it which rows are done."""

    def __init__(self, jobs: Sequence[Job], tokenizer: Any, eos_ids: set[int]):
        self.rows = [Row(job) for job in jobs]
        self.tokenizer = tokenizer
        self.eos_ids = eos_ids
        self._prompt_seen = False

    def put(self, value: torch.Tensor) -> None:
        if not self._prompt_seen:  # generate hands over the prompt first
            self._prompt_seen = True
            return
        for row, token in zip(self.rows, value.tolist()):
            if row.reason is None:
                self._add(row, int(token))

    def _add(self, row: Row, token: int) -> None:
        request = row.job.request
        if token in self.eos_ids and not request.ignore_eos:
            row.reason = "stop"
            return
        row.tokens.append(token)
        text = self.tokenizer.decode(row.tokens, skip_special_tokens=True)
        if not text.endswith("\ufffd"):  # an incomplete UTF-8 character waits for its next byte
            if text.startswith(row.text) and len(text) > len(row.text):
                row.job.emit(text[len(row.text):])
            row.text = text
        if len(row.tokens) >= request.max_tokens:
            row.reason = "length"

    def end(self) -> None:
        pass

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor, **kwargs: Any) -> torch.BoolTensor:
        for row in self.rows:
            if row.reason is None and row.job.expired:
                row.reason = "cancelled" if row.job.cancelled.is_set() else "timeout"
        return torch.tensor([row.reason is not None for row in self.rows], device=input_ids.device)

    def finish(self, prompt_lengths: Sequence[int]) -> None:
        for row, prompt_tokens in zip(self.rows, prompt_lengths):
            row.job.emit(Finished(row.reason or "length", prompt_tokens, len(row.tokens)))


class MaskRows(LogitsProcessor):
    """Forbids tokens per row: ids past the tokenizer's vocabulary everywhere, end-of-turn where
    a request asked to ignore it."""

    def __init__(self, first_invalid: int, eos_ids: set[int], ignore_eos_rows: Sequence[int]):
        self.first_invalid = first_invalid
        self.eos = sorted(eos_ids)
        self.rows = list(ignore_eos_rows)

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        scores[:, self.first_invalid:] = float("-inf")
        if self.rows:
            rows = torch.tensor(self.rows, device=scores.device)[:, None]
            scores[rows, torch.tensor(self.eos, device=scores.device)[None, :]] = float("-inf")
        return scores


def left_padded(prompts: Sequence[Sequence[int]], pad_id: int, device: Any) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(p) for p in prompts)
    ids = [[pad_id] * (width - len(p)) + list(p) for p in prompts]
    mask = [[0] * (width - len(p)) + [1] * len(p) for p in prompts]
    return torch.tensor(ids, device=device), torch.tensor(mask, device=device)


def decode_batch(model: Any, tokenizer: Any, jobs: Sequence[Job], *, eos_ids: set[int], pad_id: int,
                 generation_config: Any, adapter_names: list[str] | None = None) -> None:
    """Decode `jobs` (which sample alike) as one batch; every job gets its deltas and a `Finished`."""
    request = jobs[0].request
    rows = BatchRows(jobs, tokenizer, eos_ids)
    input_ids, attention_mask = left_padded([j.prompt_ids for j in jobs], pad_id, model.device)
    processors = LogitsProcessorList([MaskRows(len(tokenizer), eos_ids,
                                               [i for i, j in enumerate(jobs) if j.request.ignore_eos])])
    constrained = ConstrainedRows(model.config.vocab_size, [j.matcher for j in jobs], lambda i: rows.rows[i].tokens)
    if constrained.active:
        processors.append(constrained)
    config = generation_config.__class__.from_dict(generation_config.to_dict())
    config.update(max_new_tokens=max(j.request.max_tokens for j in jobs), do_sample=request.temperature > 0,
                  eos_token_id=sorted(eos_ids), pad_token_id=pad_id)
    if request.temperature > 0:
        config.update(temperature=request.temperature, top_p=request.top_p)
    extra = {"adapter_names": adapter_names} if adapter_names else {}
    with torch.inference_mode():
        model.generate(input_ids=input_ids, attention_mask=attention_mask, generation_config=config,
                       logits_processor=processors, stopping_criteria=StoppingCriteriaList([rows]),
                       streamer=rows, **extra)
    rows.finish([len(j.prompt_ids) for j in jobs])
