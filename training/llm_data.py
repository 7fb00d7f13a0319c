"""Conversations as token ids for supervised fine-tuning: the model's own chat template, loss on
assistant tokens only, and the loss of a batch with its common prefix computed once.

    examples, report = tokenize_records(tokenizer, records, max_length=4096)
    loss_sum, learned = batch_loss(model, collate(examples[:8], tokenizer.pad_token_id), share_prefix=True)

Which tokens are the assistant's is found by rendering the conversation up to each assistant
message twice, with the generation prompt and with the message, and taking the text between; the
template must render a conversation's prefix as a prefix of the whole (every Qwen, Llama and
Hermes-style template does), or `TemplateError` says so.

Tool-calling conversations all start with the same system prompt and tool list, often thousands of
tokens. `batch_loss` runs that common prefix once per batch and continues every row from its
key/value cache, which gives the same loss and gradients as running each row in full, at a fraction
of the cost.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from agent.errors import AisleError

IGNORE = -100


class TemplateError(AisleError):
    """The chat template cannot show which tokens are the assistant's."""


@dataclass(frozen=True)
class Example:
    input_ids: list[int]
    labels: list[int]  # IGNORE where the token is context, the token id where it is learned
    conversation_id: str

    @property
    def learned(self) -> int:
        return sum(label != IGNORE for label in self.labels)


@dataclass
class TokenizeReport:
    examples: int = 0
    tokens: int = 0
    learned_tokens: int = 0
    truncated: list[str] = field(default_factory=list)  # conversation ids cut at max_length
    dropped: list[str] = field(default_factory=list)  # nothing learned was left within max_length


def render(tokenizer: Any, messages: Sequence[dict], tools: Sequence[dict] | None, generation: bool = False) -> str:
    return tokenizer.apply_chat_template(list(messages), tools=list(tools) if tools else None,
                                         add_generation_prompt=generation, tokenize=False)


def assistant_spans(tokenizer: Any, messages: Sequence[dict], tools: Sequence[dict] | None) -> tuple[str, list]:
    """The rendered conversation and the character span of each assistant message in it."""
    full = render(tokenizer, messages, tools)
    spans = []
    for index, message in enumerate(messages):
        if message["role"] != "assistant":
            continue
        before = render(tokenizer, messages[:index], tools, generation=True)
        through = render(tokenizer, messages[:index + 1], tools)
        if not (through.startswith(before) and full.startswith(through)):
            raise TemplateError("the chat template does not render a conversation's start as the start of the "
                                f"whole (at message {index + 1}), so the assistant's tokens cannot be found; "
                                "use a template without history-dependent rewriting")
        spans.append((len(before), len(through.rstrip())))
    return full, spans


def tokenize_record(tokenizer: Any, record: dict, max_length: int) -> tuple[Example | None, bool]:
    """(the example or None when nothing learned fits, whether it was cut at max_length)."""
    text, spans = assistant_spans(tokenizer, record["messages"], record.get("tools"))
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids, offsets = encoded["input_ids"], encoded["offset_mapping"]
    labels = [IGNORE] * len(ids)
    span_index = 0
    for position, (start, _end) in enumerate(offsets):
        while span_index < len(spans) and start >= spans[span_index][1]:
            span_index += 1
        if span_index < len(spans) and spans[span_index][0] <= start < spans[span_index][1]:
            labels[position] = ids[position]
    cut = len(ids) > max_length
    example = Example(ids[:max_length], labels[:max_length], str(record.get("conversation_id", "")))
    return (example if example.learned else None), cut


def tokenize_records(tokenizer: Any, records: Sequence[dict], max_length: int) -> tuple[list[Example], TokenizeReport]:
    examples, report = [], TokenizeReport()
    for record in records:
        example, cut = tokenize_record(tokenizer, record, max_length)
        cid = str(record.get("conversation_id", ""))
        if example is None:
            report.dropped.append(cid)
            continue
        if cut:
            report.truncated.append(cid)
        examples.append(example)
        report.examples += 1
        report.tokens += len(example.input_ids)
        report.learned_tokens += example.learned
    return examples, report


def collate(examples: Sequence[Example], pad_id: int) -> dict[str, Any]:
    """Right-padded tensors: input_ids, labels, attention_mask."""
    import torch

    width = max(len(e.input_ids) for e in examples)
    ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    labels = torch.full((len(examples), width), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(examples), width), dtype=torch.long)
    for row, example in enumerate(examples):
        n = len(example.input_ids)
        ids[row, :n] = torch.tensor(example.input_ids)
        labels[row, :n] = torch.tensor(example.labels)
        mask[row, :n] = 1
    return {"input_ids": ids, "labels": labels, "attention_mask": mask}


def shared_prefix_length(batch: dict[str, Any]) -> int:
    """Tokens every row starts with, stopping before the first position whose logits are learned."""
    ids, labels, mask = batch["input_ids"], batch["labels"], batch["attention_mask"]
    if ids.shape[0] < 2:
        return 0
    same = (ids == ids[:1]).all(dim=0) & mask.bool().all(dim=0)
    common = int(same.long().cumprod(dim=0).sum())
    learned_at = (labels != IGNORE).any(dim=0).nonzero()
    first_learned = int(learned_at[0]) if len(learned_at) else ids.shape[1]
    return max(0, min(common, first_learned - 1))


def batch_loss(model: Any, batch: dict[str, Any], share_prefix: bool = True) -> tuple[Any, int]:
    """(summed cross-entropy over learned tokens, how many there were); the caller normalises."""
    import torch
    import torch.nn.functional as F

    ids, labels, mask = batch["input_ids"], batch["labels"], batch["attention_mask"]
    prefix = shared_prefix_length(batch) if share_prefix else 0
    cache = None
    if prefix:
        cache = model(input_ids=ids[:1, :prefix], use_cache=True, logits_to_keep=1).past_key_values
        cache.batch_repeat_interleave(ids.shape[0])
    targets = labels[:, prefix + 1:]
    keep = (targets != IGNORE).any(dim=0).nonzero().squeeze(1)  # positions whose logits are learned
    if len(keep) == 0:
        return torch.zeros((), device=ids.device), 0
    logits = model(input_ids=ids[:, prefix:], attention_mask=mask, past_key_values=cache,
                   use_cache=cache is not None, logits_to_keep=keep).logits
    chosen = targets[:, keep]
    loss = F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), chosen.reshape(-1),
                           ignore_index=IGNORE, reduction="sum")
    return loss, int((chosen != IGNORE).sum())
