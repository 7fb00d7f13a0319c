"""LLM serving throughput: dynamic batching against naive one-request-at-a-time generation.

    python -m bench.llm [--quick] [--data DIR] --out docs/results/llm.json

N concurrent conversations (1, 8, 32) each send turns one after the other to one shared local
backend; each turn is a system prompt and a real shopper query (WANDS, `../shared/data/wands_queries`)
and generates a fixed number of tokens (end-of-turn ignored, so both modes do the same work).
"batching on" gathers requests for `--wait-ms` and decodes up to 32 together; "batching off" is the
naive server: `generate` on one request at a time. Both run side by side in one process, on the same
loaded weights, cell by cell, so a busy machine weighs on both alike.

On the CPU the model is the tiny random-init Qwen2-shaped test model (agent.llm.testkit). Where CUDA
exists, the same cells also run on a random-init model with Qwen2-0.5B's shapes in bf16, whose compute
per token equals the real model's; elsewhere those rows are reported absent, with the reason.
"""
from __future__ import annotations

import argparse
import asyncio
import csv
import math
import sys
import tempfile
import time
from pathlib import Path

from agent.llm.local import LocalBackend
from agent.llm.testkit import build_chat_model
from agent.llm.types import ChatRequest
from bench.llm_common import machine, percentile, write_result

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "wands_queries"
SYSTEM = "You are the assistant of an online shop. Answer the shopper in one or two friendly sentences."
CONCURRENCY = (1, 8, 32)


def read_queries(folder: Path) -> list[str]:
    with open(folder / "query.csv", encoding="utf-8", newline="") as handle:
        return [row["query"] for row in csv.DictReader(handle, delimiter="\t") if row.get("query")]


async def run_cell(backend: LocalBackend, queries: list[str], concurrency: int, turns: int, tokens: int) -> dict:
    """`concurrency` conversations of `turns` turns each; returns tokens/s and latency percentiles."""
    latencies: list[float] = []
    generated = 0

    async def conversation(index: int) -> None:
        nonlocal generated
        for turn in range(turns):
            query = queries[(index * turns + turn) % len(queries)]
            request = ChatRequest([{"role": "system", "content": SYSTEM}, {"role": "user", "content": query}],
                                  max_tokens=tokens, ignore_eos=True, timeout_s=600)
            started = time.perf_counter()
            completion = await backend.complete(request)
            latencies.append((time.perf_counter() - started) * 1000)
            generated += completion.completion_tokens

    started = time.perf_counter()
    await asyncio.gather(*(conversation(i) for i in range(concurrency)))
    wall = time.perf_counter() - started
    return {"tokens_per_s": round(generated / wall, 1), "latency_ms_p50": round(percentile(latencies, 50), 1),
            "latency_ms_p99": round(percentile(latencies, 99), 1), "requests": len(latencies),
            "generated_tokens": generated, "wall_s": round(wall, 2)}


async def run_model(path: Path, label: str, device: str, dtype: str, queries: list[str], args: argparse.Namespace,
                    tokens: int) -> list[dict]:
    loaded = LocalBackend(str(path), device=device, dtype=dtype, cpu_threads=args.threads)
    await asyncio.to_thread(loaded.load)
    modes = {"off": loaded.with_batching(1, 0), "on": loaded.with_batching(args.max_batch, args.wait_ms)}
    rows = []
    for concurrency in CONCURRENCY:
        turns = max(1, math.ceil(args.requests / concurrency))
        for batching, backend in modes.items():
            async with backend:
                await run_cell(backend, queries, min(concurrency, 4), 1, 4)  # warm-up, untimed
                cell = await run_cell(backend, queries, concurrency, turns, tokens)
            row = {"device": loaded.device, "model": label, "concurrency": concurrency, "batching": batching,
                   **cell}
            print_row(row)
            rows.append(row)
    return rows


def print_row(row: dict) -> None:
    print(f"{row['device']:5} {row['model']:24} {row['concurrency']:>4} {row['batching']:>5} "
          f"{row['tokens_per_s']:>10.1f} {row['latency_ms_p50']:>10.1f} {row['latency_ms_p99']:>10.1f} "
          f"{row['requests']:>5}", flush=True)


def speedups(rows: list[dict]) -> dict[str, float]:
    """Throughput with batching on over off, per device, model and concurrency."""
    by_key = {(r["device"], r["model"], r["concurrency"], r["batching"]): r["tokens_per_s"] for r in rows}
    return {f"{d}/{m}/{c}": round(by_key[(d, m, c, "on")] / by_key[(d, m, c, "off")], 2)
            for (d, m, c, b) in by_key if b == "on" and by_key.get((d, m, c, "off"))}


async def bench(args: argparse.Namespace, queries: list[str]) -> dict:
    import torch

    print(f"{'dev':5} {'model':24} {'conc':>4} {'batch':>5} {'tokens/s':>10} {'p50 ms':>10} {'p99 ms':>10} {'reqs':>5}")
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        tiny = build_chat_model(Path(tmp) / "tiny")
        rows += await run_model(tiny, "tiny-qwen2 (2.9M, random)", "cpu", "float32", queries, args, args.tokens)
        gpu = "absent: no CUDA device on this machine"
        if torch.cuda.is_available() and not args.cpu_only:
            big = build_chat_model(Path(tmp) / "qwen2-0.5b", shape="qwen2-0.5b", dtype="bfloat16")
            rows += await run_model(big, "qwen2-0.5b-shaped (bf16, random)", "cuda", "bfloat16", queries, args,
                                    args.gpu_tokens)
            gpu = torch.cuda.get_device_name(0)
    return {"runs": rows, "speedup_on_over_off": speedups(rows), "gpu_rows": gpu,
            "settings": {"max_batch": args.max_batch, "batch_wait_ms": args.wait_ms, "cpu_tokens": args.tokens,
                         "gpu_tokens": args.gpu_tokens, "requests_per_cell": args.requests,
                         "torch_threads": args.threads or torch.get_num_threads()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests per cell (under 2 minutes)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the WANDS queries folder")
    parser.add_argument("--out", required=True)
    parser.add_argument("--tokens", type=int, default=32, help="tokens generated per request on the CPU")
    parser.add_argument("--gpu-tokens", type=int, default=128, help="tokens generated per request on a GPU")
    parser.add_argument("--max-batch", type=int, default=32)
    parser.add_argument("--wait-ms", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (0: torch's default)")
    parser.add_argument("--cpu-only", action="store_true", help="skip the GPU rows even where CUDA exists")
    args = parser.parse_args(argv)
    if not (args.data / "query.csv").is_file():
        print(f"bench.llm: no WANDS queries at {args.data} (see ../shared/data/README.md); nothing to do")
        return 0
    args.requests = 16 if args.quick else 64
    result = asyncio.run(bench(args, read_queries(args.data)))
    result.update(machine=machine(), quick=args.quick, data=str(args.data))
    write_result(args.out, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
