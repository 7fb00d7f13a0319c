"""Fine-tuning the dialog LLM: training throughput, and tool-call accuracy before and after.

    python -m bench.train [--quick] [--data DIR] --out docs/results/train.json

The shop is the demo catalog with the real skill registry that `aisle serve` builds. Its dialogs are
synthetic (`training/synthetic.py`), from the catalog, `agent/defaults/nlu.yml` and real customer-service
phrasings from Bitext (`../shared/data/bitext_customer_service`, mapped onto the shop's intents:
track_order -> order_status, contact_human_agent -> human_handoff, ...). The conversations are split
by conversation; the held-out ones give the tool calls scored before and after training (greedy,
unconstrained: tool-name accuracy, exact arguments, JSON validity) and the perplexity.

The CPU rows train the random-init Qwen2-shaped test models (`agent.llm.testkit`, their tokenizer
also trained on the shop's prompts). Accuracy is measured on a full fine-tuning run of the "small"
shape, long enough and with batches large enough (48 conversations) for a model that starts from
nothing to learn which tool a message needs, not only the call format; a LoRA adapter over random
weights cannot sharpen the frozen output layer, so it learns little (a real base model has no such
limit). The "tiny" shape gives throughput rows, in full and by LoRA, with and without the
shared-prefix batch (a batch's system prompt and tool list computed once). Where CUDA exists, LoRA also runs on a
random-init model with Qwen2-0.5B's shapes in bf16 with gradient checkpointing, whose compute per
token equals the real model's; elsewhere that row is reported absent, with the reason. tokens/s
counts every token of the conversations trained on, whichever way they were computed.
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

from agent.nlu.nlu_data import Example, NluData, read_nlu_data
from bench.llm_common import machine, write_result

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "bitext_customer_service"
BITEXT_INTENTS = {"track_order": "order_status", "cancel_order": "cancel_order", "get_refund": "return_or_refund",
                  "track_refund": "return_or_refund", "contact_human_agent": "human_handoff",
                  "contact_customer_service": "human_handoff", "complaint": "complaint",
                  "delivery_period": "shipping_info", "delivery_options": "shipping_info",
                  "check_payment_methods": "store_policy", "check_refund_policy": "store_policy",
                  "check_cancellation_fee": "store_policy"}
CORE_TOOLS = ("search", "smalltalk", "handoff", "order_status")  # the shop's core, to keep CPU runs short


def bitext_examples(folder: Path, per_intent: int, seed: int = 0) -> list[Example]:
    import random

    path = next(folder.glob("*.csv"))
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["intent"] in BITEXT_INTENTS]
    random.Random(seed).shuffle(rows)
    kept: dict[str, int] = {}
    examples = []
    for row in rows:
        if kept.get(row["intent"], 0) < per_intent:
            kept[row["intent"]] = kept.get(row["intent"], 0) + 1
            examples.append(Example(row["utterance"], BITEXT_INTENTS[row["intent"]]))
    return examples


def open_shop(work: Path):
    """(the core tools of the real registry over the demo catalog, its products)."""
    import asyncio

    from agent.config import AisleConfig
    from knowledge.demo.catalog import generate_demo_catalog
    from training.served_tools import served_tools

    catalog = generate_demo_catalog(work / "demo", n=300, seed=7, images=False)
    config = AisleConfig(data_dir=str(work))
    config = dataclasses.replace(config, catalog=dataclasses.replace(config.catalog, path=str(catalog)))
    tools, products = asyncio.run(served_tools(config, progress=False))
    return [t for t in tools if t["function"]["name"] in CORE_TOOLS], products


def shop_model(work: Path, records: list[dict], shape: str = "tiny", dtype: str = "float32") -> Path:
    from agent.llm.testkit import build_chat_model, build_tokenizer
    from agent.llm.tool_prompt import shown_tools
    from training.llm import LLMTrainConfig
    from training.llm_data import render

    template = build_tokenizer()  # trained on the prompts as fine-tuning will show them
    shown = LLMTrainConfig.tool_prompt
    corpus = [render(template, r["messages"], shown_tools(r["tools"], shown)) for r in records[:300]]
    return build_chat_model(work / f"model-{shape}", shape=shape, dtype=dtype, corpus=corpus, vocab_size=4096)


def run_training(name: str, base: Path, data: Path, work: Path, **settings) -> dict:
    from training.llm import LLMTrainConfig, train

    config = LLMTrainConfig(base=str(base), data=str(data), out=str(work / name), progress=True, **settings)
    started = time.perf_counter()
    metrics = train(config, fresh=True)
    metrics["wall_s"] = round(time.perf_counter() - started, 1)
    return metrics


def row(device: str, model: str, method: str, metrics: dict, note: str = "") -> dict:
    train = metrics["train"]
    return {"device": device, "model": model, "method": method, "tokens_per_s": train["tokens_per_s"],
            "steps": train["steps"], "tokens": train["tokens"], "seconds": train["seconds"],
            "share_prefix": metrics["share_prefix"], "runtime": metrics["runtime"], "note": note,
            "tool_name_accuracy_after": metrics["after"].get("tool_name_accuracy")}


def run(folder: Path, quick: bool) -> dict:
    import torch

    from training.chat_data import write_chat_jsonl
    from training.synthetic import SyntheticConfig, generate_dialogs

    work = Path(tempfile.mkdtemp(prefix="bench-train-"))
    tools, products = open_shop(work)
    nlu = read_nlu_data("agent/defaults/nlu.yml")
    nlu = NluData(nlu.examples + tuple(bitext_examples(folder, 40)), nlu.synonyms, nlu.lookups, nlu.regexes)
    count = 200 if quick else 1000
    records = generate_dialogs(products, tools, nlu, SyntheticConfig(count, max_turns=2, per_result=1, seed=0))
    write_chat_jsonl(work / "dialogs.jsonl", records)
    small, tiny = shop_model(work, records, shape="small"), shop_model(work, records)
    steps, throughput_steps = (8, 2) if quick else (300, 6)
    common = {"batch_size": 16, "validation_share": 0.1, "max_new_tokens": 96, "save_every": 10_000, "cpu_threads": 0}
    recipe = {"method": "full", "learning_rate": 3e-3, "warmup_share": 0.1, "max_steps": steps, "grad_accum": 3}
    main_run = run_training("full-small", small, work / "dialogs.jsonl", work, eval_calls=16 if quick else 80,
                            **recipe, **common)
    runs = [row("cpu", "small-qwen2 (random init)", "full", main_run)]
    lora = {"method": "lora", "lora_r": 32, "lora_alpha": 64, "learning_rate": 5e-3}
    for name, extra, note in (("full", {"method": "full", "learning_rate": 3e-3}, ""), ("lora", lora, ""),
                              ("lora-no-sharing", {**lora, "share_prefix": False}, "every row in full")):
        measured = run_training(name, tiny, work / "dialogs.jsonl", work, max_steps=throughput_steps, grad_accum=2,
                                eval_calls=0, **extra, **common)
        runs.append(row("cpu", "tiny-qwen2 (random init)", extra["method"], measured, note))
    gpu = "absent: no CUDA device on this machine"
    if torch.cuda.is_available():
        big = shop_model(work, records, shape="qwen2-0.5b", dtype="bfloat16")
        measured = run_training("gpu-lora", big, work / "dialogs.jsonl", work, method="lora", max_steps=20,
                                grad_accum=2, eval_calls=0, **{**common, "batch_size": 8})
        runs.append(row("cuda", "qwen2-0.5b shapes (random init, bf16)", "lora", measured))
        gpu = torch.cuda.get_device_name(0)
    keys = ("tool_name_accuracy", "argument_exact_match", "json_validity", "perplexity")
    return {"runs": runs, "gpu_rows": gpu,
            "toolcall_accuracy": {"before": main_run["before"]["tool_name_accuracy"],
                                  "after": main_run["after"]["tool_name_accuracy"]},
            "evaluation": {**{when: {k: main_run[when].get(k) for k in keys + ("calls",)} for when in ("before", "after")},
                           **baselines(records, len(tools), seed=0, share=0.1, limit=16 if quick else 80),
                           "model": "small-qwen2 (random init)", "batch": 48, **recipe},
            "data": {**main_run["data"], "tools": [t["function"]["name"] for t in tools],
                     "synthetic_conversations": count, "bitext_examples_per_intent": 40},
            "machine": machine(), "quick": quick}


def baselines(records: list[dict], tools: int, seed: int, share: float, limit: int) -> dict:
    """What guessing scores on the held-out calls: a tool at random, and always the most frequent one."""
    from collections import Counter

    from training.llm_eval import call_cases
    from training.splits import split_by_conversation

    _, held = split_by_conversation(records, share, seed)
    names = Counter(case.name for case in call_cases(held, limit))
    return {"chance": round(1 / tools, 4), "most_frequent_tool": round(max(names.values()) / sum(names.values()), 4)}


def print_table(result: dict) -> None:
    print(f"{'device':6} {'model':38} {'method':6} {'sharing':8} {'tokens/s':>9} {'steps':>6}")
    for r in result["runs"]:
        print(f"{r['device']:6} {r['model']:38} {r['method']:6} {r['share_prefix']!s:8} "
              f"{r['tokens_per_s']:>9,.0f} {r['steps']:>6}")
    print(f"GPU rows: {result['gpu_rows']}")
    evaluation = result["evaluation"]
    for key in ("tool_name_accuracy", "argument_exact_match", "json_validity", "perplexity"):
        print(f"{key:22} before {evaluation['before'][key]:8.3f}   after {evaluation['after'][key]:8.3f}")
    print(f"tool-name accuracy by chance {evaluation['chance']:.3f}, "
          f"always the most frequent tool {evaluation['most_frequent_tool']:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.train", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 dialogs, 8 steps")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the Bitext customer-service folder")
    parser.add_argument("--out", required=True, help="result JSON file")
    args = parser.parse_args(argv)
    if not args.data.is_dir() or not list(args.data.glob("*.csv")):
        print(f"bench.train: no Bitext customer-service data in {args.data}; nothing measured")
        return 0
    result = run(args.data, args.quick)
    print_table(result)
    write_result(args.out, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
