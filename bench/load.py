"""Load benchmark: concurrent simulated shoppers against a real `aisle serve` on loopback.

    python -m bench.load --quick --out results/load.json     # 20 shoppers x 20 turns, well under 2 minutes
    python -m bench.load --out docs/results/load.json        # 200 shoppers for a 10-minute soak

Half the shoppers talk over the widget's WebSocket, half over REST; each has a 20-turn conversation of
searches and refinements with a think time between turns (uniform 2-6 s in the full run, 0.5-1.5 s in
--quick). In the full run a shopper who finishes starts a new conversation until the time is up, so the
server holds `concurrency` conversations for the whole soak. Shoppers start spread over a ramp-up.
The server's resident memory is sampled every 2 s. Nothing is read from ../shared/data: the server
generates its demo catalog (kept under --work-dir between runs, so only the first start builds it).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import aiohttp
import numpy as np

from bench.load_server import ROOT, ServeProcess, sample_rss
from bench.load_shopper import ShopperPlan, Tally, shopper_loop
from bench.search_timing import machine


@dataclass(frozen=True)
class LoadConfig:
    concurrency: int = 200
    turns: int = 20
    think_s: tuple[float, float] = (2.0, 6.0)
    ramp_s: float = 30.0
    duration_s: float = 600.0      # no turn starts after this; the run is over at most turn_timeout_s later
    repeat: bool = True            # new conversations until the duration is up (the soak)
    turn_timeout_s: float = 30.0
    demo_size: int = 2400
    seed: int = 7

    @classmethod
    def quick(cls) -> LoadConfig:
        return cls(concurrency=20, think_s=(0.5, 1.5), ramp_s=5.0, duration_s=75.0, repeat=False, demo_size=600)


async def drive(base_url: str, pid: int, config: LoadConfig) -> dict[str, Any]:
    """Run every shopper against `base_url`; sample `pid`'s memory meanwhile."""
    tally = Tally()
    samples: list[tuple[float, float]] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_rss(pid, 2.0, samples, stop))
    started = time.monotonic()
    plan = ShopperPlan(base_url, config.turns, config.think_s, config.turn_timeout_s, started + config.duration_s)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(
            shopper_loop(session, plan, i, config.ramp_s * i / config.concurrency, config.repeat, config.seed, tally)
            for i in range(config.concurrency)))
    elapsed = time.monotonic() - started
    stop.set()
    await sampler
    return {"tally": tally, "samples": samples, "elapsed_s": elapsed}


async def warm_up(base_url: str, turns: int = 6) -> None:
    """A few turns before measuring, so lazily loaded parts are in memory when RSS `start` is taken."""
    async with aiohttp.ClientSession() as session:
        for i, text in enumerate(("hello", "red sneakers", "in blue", "under 50", "a summer dress", "thanks")[:turns]):
            async with session.post(base_url + "/webhooks/rest/webhook",
                                    json={"sender": "load-warmup", "message": text}) as response:
                if response.status != 200:
                    raise RuntimeError(f"warm-up turn {i} answered {response.status}: {await response.text()}")


def summarise(config: LoadConfig, run: dict[str, Any], quick: bool) -> dict[str, Any]:
    tally: Tally = run["tally"]
    samples = run["samples"]
    latencies = np.asarray(tally.latencies_ms or [float("nan")])
    mib = [value for _, value in samples] or [float("nan")]
    after_ramp = [value for t, value in samples if t >= config.ramp_s] or mib
    return {
        "concurrency": config.concurrency,
        "turns": len(tally.latencies_ms),
        "turns_per_conversation": config.turns,
        "conversations_completed": tally.conversations,
        "errors": tally.errors,
        "error_kinds": tally.error_kinds,
        "turn_latency_ms": {"p50": round(float(np.percentile(latencies, 50)), 1),
                            "p90": round(float(np.percentile(latencies, 90)), 1),
                            "p99": round(float(np.percentile(latencies, 99)), 1),
                            "max": round(float(latencies.max()), 1)},
        "turns_per_s": round(len(tally.latencies_ms) / run["elapsed_s"], 2),
        "elapsed_s": round(run["elapsed_s"], 1),
        "rss_mb": {"start": mib[0], "after_ramp": after_ramp[0], "end": mib[-1], "peak": max(mib),
                   "growth_pct": round(100 * (mib[-1] - mib[0]) / mib[0], 1),
                   "growth_after_ramp_pct": round(100 * (mib[-1] - after_ramp[0]) / after_ramp[0], 1),
                   "samples": samples[:: max(1, len(samples) // 60)]},
        "think_time_s": list(config.think_s),
        "config": asdict(config),
        "quick": quick,
        "machine": {**machine(), "load_average_1min": round(os.getloadavg()[0], 2)},
    }


def run(config: LoadConfig, work_dir: Path, quick: bool) -> dict[str, Any]:
    server = ServeProcess(work_dir, config.demo_size).start()
    try:
        asyncio.run(warm_up(server.url))
        load_before = os.getloadavg()[0]
        result = summarise(config, asyncio.run(drive(server.url, server.pid, config)), quick)
        result["machine"]["load_average_1min"] = {"start": round(load_before, 2), "end": round(os.getloadavg()[0], 2)}
        return result
    finally:
        server.stop()


def format_table(result: dict[str, Any]) -> str:
    latency, rss = result["turn_latency_ms"], result["rss_mb"]
    rows = [
        ("concurrent shoppers", f"{result['concurrency']}", "200"),
        ("turns answered", f"{result['turns']} ({result['conversations_completed']} conversations)", ""),
        ("errors", f"{result['errors']} {result['error_kinds'] or ''}".strip(), "0"),
        ("turn latency p50 / p99 (ms)", f"{latency['p50']} / {latency['p99']}", "p99 < 300"),
        ("turns per second", f"{result['turns_per_s']}", ""),
        ("server RSS start -> end (MiB)", f"{rss['start']} -> {rss['end']} ({rss['growth_pct']:+} %)", "< +10 %"),
    ]
    width = max(len(name) for name, _, _ in rows)
    lines = [f"{'':{width}}  {'measured':40}  target"]
    lines += [f"{name:{width}}  {value:40}  {target}" for name, value, target in rows]
    m = result["machine"]
    lines.append(f"{result['elapsed_s']} s; think time {result['think_time_s']} s; {m['cpu_count']} CPUs "
                 f"({m['cpu_model']}), load average {m['load_average_1min']}; quick={result['quick']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="20 shoppers, one 20-turn conversation each")
    parser.add_argument("--out", type=Path, required=True, help="where to write the JSON result")
    parser.add_argument("--data", type=Path, help="unused: the server generates its demo catalog")
    parser.add_argument("--concurrency", type=int, help="shoppers at once")
    parser.add_argument("--duration", type=float, help="seconds after which no new turn starts")
    parser.add_argument("--work-dir", type=Path, help="the server's data folder (demo catalog, index and intent "
                        "model kept between runs; default: var/bench-cache/load-<demo size>)")
    args = parser.parse_args(argv)
    config = LoadConfig.quick() if args.quick else LoadConfig()
    if args.concurrency:
        config = replace(config, concurrency=args.concurrency)
    if args.duration:
        config = replace(config, duration_s=args.duration)
    work_dir = args.work_dir or ROOT / "var" / "bench-cache" / f"load-{config.demo_size}"
    result = run(config, work_dir, args.quick)
    print(format_table(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
