"""How well a chat model calls tools on held-out conversations, and its perplexity there.

    cases = call_cases(validation_records, limit=200)
    tool_call_metrics(model, tokenizer, cases)
    # -> {'calls': 200, 'tool_name_accuracy': 0.91, 'argument_exact_match': 0.74, 'json_validity': 0.99}
    perplexity(model, validation_examples, pad_id)
    # -> 3.2

Each case is one assistant tool call in a held-out conversation: the model sees everything before
it, rendered with its own chat template and the conversation's tools, and answers greedily without
any constraint; its output is read by the same parser that serves it (`agent.llm.toolcalls`).
`json_validity` is the share of answers holding a readable call; `tool_name_accuracy` the share
whose first call names the expected tool; `argument_exact_match` the share that also has exactly
the expected arguments (numbers compared by value). A call whose arguments cannot be read still
counts for its name when the name itself was written out: served with constrained decoding (as the
LLM router asks for), the model keeps that choice of tool and its arguments come out valid, so the
name is the model's decision and JSON validity is scored on its own.
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from agent.llm.toolcalls import parse_tool_calls
from training.chat_data import call_name_and_arguments, learned_calls
from training.llm_data import Example, batch_loss, collate, render


@dataclass(frozen=True)
class CallCase:
    messages: list[dict]
    tools: list[dict]
    name: str
    arguments: dict[str, Any]


def call_cases(records: Sequence[dict], limit: int = 0) -> list[CallCase]:
    """Every tool call of the records (the first `limit`, 0: all), with what precedes it."""
    cases = []
    for record in records:
        for before, call in learned_calls(record):
            name, arguments = call_name_and_arguments(call)
            cases.append(CallCase(before, record.get("tools") or [], name, arguments))
    return cases[:limit] if limit else cases


def stop_ids(tokenizer: Any, model: Any) -> list[int]:
    ids = {tokenizer.eos_token_id, getattr(model.generation_config, "eos_token_id", None)}
    for token in ("<|im_end|>", "<|eot_id|>", "<|endoftext|>"):
        found = tokenizer.convert_tokens_to_ids(token)
        if isinstance(found, int) and found != tokenizer.unk_token_id:
            ids.add(found)
    flat = set()
    for item in ids:
        flat |= set(item) if isinstance(item, list) else {item}
    return sorted(i for i in flat if i is not None)


def generate_answers(model: Any, tokenizer: Any, cases: Sequence[CallCase], max_new_tokens: int = 128,
                     batch_size: int = 16) -> list[str]:
    """Greedy answers, in batches that compute their common prompt prefix (system, tools) once."""
    stops = set(stop_ids(tokenizer, model))
    answers = []
    for start in range(0, len(cases), batch_size):
        chunk = cases[start:start + batch_size]
        prompts = [tokenizer(render(tokenizer, c.messages, c.tools, generation=True), add_special_tokens=False)
                   ["input_ids"] for c in chunk]
        answers += [tokenizer.decode(ids, skip_special_tokens=True)
                    for ids in greedy(model, prompts, stops, max_new_tokens)]
    return answers


def greedy(model: Any, prompts: Sequence[Sequence[int]], stops: set[int], max_new_tokens: int) -> list[list[int]]:
    """Greedy continuations of token-id prompts: their shared prefix runs once, then every row from its
    cache, each row's own part left-padded after the prefix (positions count only real tokens)."""
    import torch

    device = next(model.parameters()).device
    rows = len(prompts)
    prefix = _common_prefix(prompts)
    cache = None
    with torch.no_grad():
        if prefix:
            cache = model(input_ids=torch.tensor([prompts[0][:prefix]], device=device), use_cache=True,
                          logits_to_keep=1).past_key_values
            cache.batch_repeat_interleave(rows)
        own = [list(p[prefix:]) for p in prompts]
        width = max(len(o) for o in own)
        ids = torch.tensor([[0] * (width - len(o)) + o for o in own], device=device)
        mask = torch.tensor([[1] * prefix + [0] * (width - len(o)) + [1] * len(o) for o in own], device=device)
        positions = (mask.cumsum(dim=1) - 1).clamp(min=0)[:, prefix:]
        answers: list[list[int]] = [[] for _ in prompts]
        done = [False] * rows
        for _ in range(max_new_tokens):
            output = model(input_ids=ids, attention_mask=mask, position_ids=positions, past_key_values=cache,
                           use_cache=True, logits_to_keep=1)
            cache, chosen = output.past_key_values, output.logits[:, -1].argmax(dim=-1)
            for row, token in enumerate(chosen.tolist()):
                if not done[row]:
                    done[row] = token in stops
                    if not done[row]:
                        answers[row].append(token)
            if all(done):
                break
            ids = chosen[:, None]
            positions = positions[:, -1:] + 1
            mask = torch.cat([mask, mask.new_ones((rows, 1))], dim=1)
    return answers


def _common_prefix(prompts: Sequence[Sequence[int]]) -> int:
    """Tokens all prompts start with, leaving every prompt at least one token of its own."""
    if len(prompts) < 2:
        return 0
    shortest = min(len(p) for p in prompts)
    n = 0
    while n < shortest - 1 and all(p[n] == prompts[0][n] for p in prompts):
        n += 1
    return n


_WRITTEN_NAME = re.compile(r'"name"\s*:\s*"([^"\\]+)"')


def score_answers(cases: Sequence[CallCase], answers: Sequence[str]) -> dict[str, Any]:
    valid = named = exact = 0
    for case, answer in zip(cases, answers):
        parsed = parse_tool_calls(answer, [t["function"]["name"] for t in case.tools])
        readable = bool(parsed.calls) and not parsed.errors
        valid += readable
        written = _WRITTEN_NAME.search(answer) if not readable else None
        name = parsed.calls[0].name if readable else (written.group(1) if written else None)
        if name == case.name:
            named += 1
            exact += readable and _same_arguments(parsed.calls[0].arguments, case.arguments)
    n = max(1, len(cases))
    return {"calls": len(cases), "tool_name_accuracy": round(named / n, 4),
            "argument_exact_match": round(exact / n, 4), "json_validity": round(valid / n, 4)}


def _same_arguments(got: dict[str, Any], expected: dict[str, Any]) -> bool:
    got = {k: v for k, v in got.items() if v is not None}  # an absent optional argument spelt as null
    return got.keys() == expected.keys() and all(_same(got[k], expected[k]) for k in expected)


def _same(a: Any, b: Any) -> bool:
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(a, b)
    return a == b


def tool_call_metrics(model: Any, tokenizer: Any, cases: Sequence[CallCase], max_new_tokens: int = 128,
                      batch_size: int = 16) -> dict[str, Any]:
    was_training = model.training
    model.eval()
    try:
        answers = generate_answers(model, tokenizer, cases, max_new_tokens, batch_size)
    finally:
        model.train(was_training)
    metrics = score_answers(cases, answers)
    metrics["examples"] = [{"expected": {"name": c.name, "arguments": c.arguments}, "answer": a}
                           for c, a in list(zip(cases, answers))[:5]]
    return metrics


def perplexity(model: Any, examples: Sequence[Example], pad_id: int, batch_size: int = 8,
               share_prefix: bool = True) -> float:
    """exp(mean cross-entropy) over the assistant tokens of the examples."""
    import torch

    was_training = model.training
    model.eval()
    total, count = 0.0, 0
    device = next(model.parameters()).device
    try:
        with torch.no_grad():
            for start in range(0, len(examples), batch_size):
                batch = {k: v.to(device) for k, v in collate(examples[start:start + batch_size], pad_id).items()}
                loss, n = batch_loss(model, batch, share_prefix)
                total, count = total + float(loss), count + n
    finally:
        model.train(was_training)
    return round(math.exp(total / count), 4) if count else float("nan")
