"""Fine-tune the dialog LLM on chat JSONL: `aisle train llm` or `python -m training.llm`.

    aisle train llm --base Qwen/Qwen2.5-0.5B-Instruct --data dialogs.jsonl --lora 16,32,all-linear

Reads top to bottom: the config; the conversations, split by conversation and tokenised with the
model's own chat template (loss on assistant tokens only, `training/llm_data.py`); the model with
LoRA (QLoRA where bitsandbytes and a GPU are present) or every weight trainable
(`training/llm_setup.py`); tool-call evaluation of the base model; the loop (gradient accumulation,
linear warm-up then cosine decay, gradient clipping, a checkpoint every `save_every` steps that
resumes exactly); the same evaluation after; the output folder::

    var/models/llm/
        adapter_config.json, adapter_model.safetensors   LoRA: the folder `llm.adapters` names
        (config.json, model.safetensors, tokenizer)        --full: the folder `llm.model` names
        train_config.json   this script's config
        aisle-llm.json      how its prompts showed the tools (`tool_prompt`): the local backend shows them the same way
        metrics.json        before/after tool-call accuracy, perplexity, tokens/s, the loss curve
        loss.png            training (and validation) loss per step
        checkpoints/step-NNNNNN/   the last `keep_checkpoints`, each with its config and metrics
"""
from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.errors import AisleError, ConfigError
from agent.llm.tool_prompt import TOOL_PROMPTS, shown_tools, write_tool_prompt
from training.chat_data import read_chat_jsonl
from training.config_options import config_args, config_parser
from training.llm_data import TokenizeReport, batch_loss, collate, tokenize_records
from training.llm_eval import call_cases, perplexity, tool_call_metrics
from training.llm_setup import (Runtime, complete_checkpoints, load_checkpoint, load_model, loss_png, plan_runtime,
                                save_checkpoint, trainable_parameters)
from training.splits import split_by_conversation, straddling

log = logging.getLogger(__name__)
_CHOICES = {"method": ("lora", "full"), "quantize": ("auto", "4bit", "none"), "precision": ("auto", "bf16", "fp32"),
            "gradient_checkpointing": ("auto", "on", "off"), "device": ("auto", "cpu", "cuda"),
            "tool_prompt": TOOL_PROMPTS}


@dataclass(frozen=True)
class LLMTrainConfig:
    base: str = ""  # model folder or hub id
    data: str = ""  # chat JSONL (training/chat_data.py)
    out: str = "var/models/llm"
    validation_data: str = ""  # a separate held-out file; empty: split `data` by conversation
    validation_share: float = 0.1
    method: str = "lora"  # lora | full
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    lora_targets: tuple[str, ...] = ("all-linear",)
    quantize: str = "auto"  # auto: 4-bit QLoRA where bitsandbytes and a GPU are present; 4bit; none
    epochs: float = 3.0
    max_steps: int = 0  # optimizer steps; 0: from epochs
    batch_size: int = 4
    grad_accum: int = 4  # micro-batches per optimizer step
    learning_rate: float = 2e-4
    warmup_share: float = 0.05
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0
    max_length: int = 4096
    # how prompts show the tools: compact drops the parameters' descriptions (the calls teach them); the
    # output folder records it and the local backend serves the model or adapter the same way
    tool_prompt: str = "compact"
    share_prefix: bool = True  # run a batch's common prefix (system prompt, tools) once
    precision: str = "auto"  # auto: bf16 autocast on a GPU that has it; fp32 elsewhere
    gradient_checkpointing: str = "auto"  # auto: on with a GPU
    device: str = "auto"
    cpu_threads: int = 0  # 0: torch's default
    eval_calls: int = 200  # held-out tool calls scored before and after; 0: all
    eval_every: int = 0  # validation loss every N steps; 0: at the end only
    max_new_tokens: int = 128
    save_every: int = 100
    keep_checkpoints: int = 2
    seed: int = 0
    progress: bool = True

    def __post_init__(self) -> None:
        for name, choices in _CHOICES.items():
            if getattr(self, name) not in choices:
                raise ConfigError(f"{name} = {getattr(self, name)!r} is not valid; choose one of {', '.join(choices)}")
        positive = ("lora_r", "lora_alpha", "batch_size", "grad_accum", "max_length", "save_every", "max_new_tokens")
        for name in positive:
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} = {getattr(self, name)!r} is not valid: expected 1 or more")
        if not 0 <= self.validation_share < 1:
            raise ConfigError(f"validation_share = {self.validation_share!r} is not valid: expected a share in [0, 1)")
        if self.learning_rate <= 0 or (self.epochs <= 0 and self.max_steps <= 0):
            raise ConfigError("learning_rate and epochs (or max_steps) must be positive")
        if not self.lora_targets or any(not t.strip() for t in self.lora_targets):
            raise ConfigError(f"lora_targets = {self.lora_targets!r} is not valid: name modules or use all-linear")


@dataclass
class Progress:
    """What a checkpoint carries besides the weights."""

    step: int = 0
    tokens: int = 0
    seconds: float = 0.0
    losses: list[float] = field(default_factory=list)
    validation: list[tuple[int, float]] = field(default_factory=list)
    before: dict[str, Any] = field(default_factory=dict)


def train(config: LLMTrainConfig, fresh: bool = False) -> dict[str, Any]:
    """Train, evaluate before and after, save; returns the metrics written to metrics.json."""
    import torch

    if config.cpu_threads:
        torch.set_num_threads(config.cpu_threads)
    torch.manual_seed(config.seed)
    out = Path(config.out)
    runtime = plan_runtime(config)
    share_prefix = config.share_prefix and not runtime.gradient_checkpointing  # the cache needs use_cache

    # 1. the model, then the data tokenised with its own chat template
    model, tokenizer = load_model(config, runtime)
    data = _data(config, tokenizer)
    per_step = config.batch_size * config.grad_accum
    steps_per_epoch = math.ceil(len(data.train) / per_step)
    total_steps = config.max_steps or math.ceil(config.epochs * steps_per_epoch)

    # 2. optimiser, schedule, and where to start
    optimizer = torch.optim.AdamW(list(trainable_parameters(model).values()), lr=config.learning_rate,
                                  weight_decay=config.weight_decay)
    warmup = max(1, round(total_steps * config.warmup_share))
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: _schedule(s, warmup, total_steps))
    progress = _resume(out, fresh, model, optimizer, scheduler)
    evaluate = _evaluator(model, tokenizer, runtime, data, share_prefix, config)
    if not progress.before:
        progress.before = evaluate()

    # 3. the loop
    bar = _bar(config, total_steps, progress.step)
    model.train()
    started = time.perf_counter() - progress.seconds
    while progress.step < total_steps:
        examples = _step_examples(data.train, progress.step, steps_per_epoch, per_step, config.seed)
        loss, tokens = _optimizer_step(model, optimizer, scheduler, examples, tokenizer, runtime, share_prefix,
                                       config)
        progress.step, progress.tokens = progress.step + 1, progress.tokens + tokens
        progress.losses.append(round(loss, 5))
        progress.seconds = time.perf_counter() - started
        if config.eval_every and progress.step % config.eval_every == 0 and data.held:
            progress.validation.append((progress.step, round(math.log(evaluate()["perplexity"]), 5)))
        if progress.step % config.save_every == 0 or progress.step == total_steps:
            save_checkpoint(out, progress.step, model, optimizer, scheduler, _state(config, progress, runtime),
                            config.keep_checkpoints)
        bar.update(1)
        bar.set_postfix(loss=f"{loss:.3f}", tok_s=f"{progress.tokens / max(progress.seconds, 1e-9):.0f}")
    bar.close()

    # 4. after: the same evaluation, the model folder, the report
    after = evaluate()
    if data.held and (not progress.validation or progress.validation[-1][0] != progress.step):
        progress.validation.append((progress.step, round(math.log(after["perplexity"]), 5)))
    metrics = _metrics(config, runtime, data, progress, after, share_prefix)
    _save_model(out, model, tokenizer, config, metrics, progress)
    return metrics


@dataclass
class _Data:
    train: list  # Examples
    held: list  # Examples of the held-out conversations
    cases: list  # their tool calls to score (at most config.eval_calls)
    report: TokenizeReport


def _data(config: LLMTrainConfig, tokenizer: Any) -> _Data:
    """The conversations split by conversation (or the given validation file), tokenised."""
    records = _shown(read_chat_jsonl(config.data), config.tool_prompt)
    if config.validation_data:
        train_records, held_records = records, _shown(read_chat_jsonl(config.validation_data), config.tool_prompt)
    else:
        train_records, held_records = split_by_conversation(records, config.validation_share, config.seed)
    if overlap := straddling(train_records, held_records):
        raise ConfigError(f"conversations on both sides of the split: {', '.join(sorted(overlap)[:5])}")
    train_examples, report = tokenize_records(tokenizer, train_records, config.max_length)
    held_examples, _ = tokenize_records(tokenizer, held_records, config.max_length)
    if not train_examples:
        raise ConfigError(f"{config.data}: no conversation has an assistant message within max_length")
    return _Data(train_examples, held_examples, call_cases(held_records, config.eval_calls), report)


def _shown(records: list[dict], tool_prompt: str) -> list[dict]:
    """The records with their tools as the prompts will show them (`agent/llm/tool_prompt.py`)."""
    return [{**r, "tools": shown_tools(r["tools"], tool_prompt)} if r.get("tools") else r for r in records]


def _schedule(step: int, warmup: int, total: int) -> float:
    if step < warmup:
        return (step + 1) / warmup
    return 0.5 * (1 + math.cos(math.pi * min(1.0, (step - warmup) / max(1, total - warmup))))


def _step_examples(examples: list, step: int, steps_per_epoch: int, per_step: int, seed: int) -> list:
    """The examples of one optimizer step; the order is fixed by (seed, epoch), so a resumed run
    sees exactly the batches an uninterrupted one would."""
    import numpy as np

    epoch, index = divmod(step, steps_per_epoch)
    order = np.random.default_rng(seed + epoch).permutation(len(examples))
    chosen = order[index * per_step:(index + 1) * per_step]
    return [examples[i] for i in chosen]


def _optimizer_step(model, optimizer, scheduler, examples: list, tokenizer, runtime: Runtime, share_prefix: bool,
                    config: LLMTrainConfig) -> tuple[float, int]:
    """One optimizer step over micro-batches; the loss is the mean over every learned token of the step."""
    import torch

    micro = [examples[i:i + config.batch_size] for i in range(0, len(examples), config.batch_size)]
    learned = sum(e.learned for e in examples)
    total, tokens = 0.0, sum(len(e.input_ids) for e in examples)
    for chunk in micro:
        batch = {k: v.to(runtime.device) for k, v in collate(chunk, tokenizer.pad_token_id).items()}
        with _autocast(runtime):
            loss, n = batch_loss(model, batch, share_prefix)
        if n:
            (loss / learned).backward()
            total += float(loss.detach())
    torch.nn.utils.clip_grad_norm_(list(trainable_parameters(model).values()), config.max_grad_norm)
    optimizer.step()
    scheduler.step()
    optimizer.zero_grad(set_to_none=True)
    return total / max(1, learned), tokens


def _autocast(runtime: Runtime) -> Any:
    import torch

    if runtime.autocast is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type="cuda", dtype=runtime.autocast)


def _evaluator(model, tokenizer, runtime: Runtime, data: _Data, share_prefix: bool, config: LLMTrainConfig):
    def evaluate() -> dict[str, Any]:
        with _autocast(runtime):
            metrics = tool_call_metrics(model, tokenizer, data.cases, config.max_new_tokens) if data.cases \
                else {"calls": 0}
            if data.held:
                metrics["perplexity"] = perplexity(model, data.held, tokenizer.pad_token_id, config.batch_size,
                                                   share_prefix)
        return metrics
    return evaluate


def _resume(out: Path, fresh: bool, model, optimizer, scheduler) -> Progress:
    found = complete_checkpoints(out)
    if fresh or not found:
        return Progress()
    state = load_checkpoint(found[-1], model, optimizer, scheduler)
    for group, base in zip(optimizer.param_groups, scheduler.base_lrs):  # this run's schedule, which may be longer
        group["lr"] = base * scheduler.lr_lambdas[0](scheduler.last_epoch)
    log.info("resuming from %s (step %d)", found[-1], state["step"])
    return Progress(state["step"], state["tokens"], state["seconds"], state["losses"],
                    [tuple(v) for v in state["validation"]], state["before"])


def _state(config: LLMTrainConfig, progress: Progress, runtime: Runtime) -> dict[str, Any]:
    return {"config": dataclasses.asdict(config), "runtime": runtime.describe(), **dataclasses.asdict(progress)}


def _bar(config: LLMTrainConfig, total: int, done: int):
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=done, desc="fine-tuning", unit="step", disable=not config.progress)


def _metrics(config, runtime: Runtime, data: _Data, progress: Progress, after: dict, share_prefix: bool) -> dict:
    report = data.report
    return {
        "base": config.base, "method": runtime.method, "runtime": runtime.describe(), "share_prefix": share_prefix,
        "data": {"train_conversations": report.examples, "validation_conversations": len(data.held),
                 "train_tokens": report.tokens, "learned_tokens": report.learned_tokens,
                 "truncated": len(report.truncated), "dropped": len(report.dropped)},
        "train": {"steps": progress.step, "tokens": progress.tokens, "seconds": round(progress.seconds, 2),
                  "tokens_per_s": round(progress.tokens / max(progress.seconds, 1e-9), 1),
                  "final_loss": round(sum(progress.losses[-10:]) / max(1, len(progress.losses[-10:])), 4)},
        "before": progress.before, "after": after,
        "loss_curve": progress.losses, "validation_loss": progress.validation,
    }


def _save_model(out: Path, model, tokenizer, config: LLMTrainConfig, metrics: dict, progress: Progress) -> None:
    out.mkdir(parents=True, exist_ok=True)
    model.config.use_cache = True  # off for training only; serving wants its cache
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    write_tool_prompt(out, config.tool_prompt)  # served the way it was trained
    loss_png(progress.losses, progress.validation, out / "loss.png")
    (out / "train_config.json").write_text(json.dumps(dataclasses.asdict(config), indent=2), encoding="utf-8")
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False), encoding="utf-8")


def summary(metrics: dict, out: str) -> str:
    before, after, run = metrics["before"], metrics["after"], metrics["train"]
    rows = [f"{'':24}{'before':>10}{'after':>10}"]
    for key in ("tool_name_accuracy", "argument_exact_match", "json_validity", "perplexity"):
        if key in after:
            rows.append(f"{key:24}{before.get(key, float('nan')):>10.3f}{after[key]:>10.3f}")
    serve = (f"llm: {{backend: local, model: {metrics['base']}, adapters: [shop={out}], adapter: shop}}"
             if metrics["method"] in ("lora", "qlora") else f"llm: {{backend: local, model: {out}}}")
    return "\n".join([
        f"{metrics['runtime']}: {run['steps']} steps, {run['tokens']:,} tokens in {run['seconds']:.0f} s "
        f"({run['tokens_per_s']:,.0f} tokens/s), final loss {run['final_loss']:.3f}",
        f"held-out: {after.get('calls', 0)} tool calls, {metrics['data']['validation_conversations']} conversations",
        *rows, f"written to {out} (loss curve: {out}/loss.png); serve it with `{serve}` in aisle.yml"])


def parse_lora(text: str) -> dict[str, Any]:
    """`r,alpha,targets...` -> config fields: "16,32,q_proj,v_proj" or "8,16,all-linear"."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    try:
        r, alpha = int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        raise ConfigError(f"--lora {text!r} is not valid: expected r,alpha[,target,...], e.g. 16,32,q_proj,v_proj") \
            from None
    return {"lora_r": r, "lora_alpha": alpha, "lora_targets": tuple(parts[2:]) or ("all-linear",)}


def main(argv: list[str] | None = None) -> int:
    """`python -m training.llm --base DIR --data FILE [--lora-r 8 ...]`: every config field is an option."""
    args, fresh = config_args(config_parser(LLMTrainConfig, __doc__.splitlines()[0]), argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        config = LLMTrainConfig(**args)
        print(summary(train(config, fresh), config.out))
    except AisleError as exc:
        print(f"training.llm: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
