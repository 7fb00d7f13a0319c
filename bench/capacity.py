"""Capacity: how many REST turns a second one `aisle serve` answers on this machine, measured on loopback.

    python -m bench.capacity --seconds 20 --clients 8 --out results/capacity.json

Closed loop: `--clients` senders post searches to `/webhooks/rest/webhook` back to back (each waits for
its answer) for `--seconds`; the figure is answered turns per second, with the latency percentiles.
The server's per-address and per-shopper limits are off for the run (every sender is 127.0.0.1). The default
`server.requests_per_second_per_ip` is set well below this figure, so one address cannot take the
whole server from the others.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from pathlib import Path
from typing import Any

import aiohttp
import numpy as np

from bench.load import warm_up
from bench.load_server import ServeProcess
from bench.load_shopper import OPENERS, REFINEMENTS
from bench.search_timing import machine


async def sender(session: aiohttp.ClientSession, url: str, n: int, until: float, latencies: list[float],
                 errors: list[int]) -> None:
    texts = [*OPENERS, *REFINEMENTS]
    turn = 0
    while time.monotonic() < until:
        started = time.monotonic()
        body = {"sender": f"capacity-{n}", "message": texts[(n + turn) % len(texts)]}
        async with session.post(url, json=body) as response:
            await response.read()
            (latencies if response.status == 200 else errors).append(
                time.monotonic() - started if response.status == 200 else response.status)
        turn += 1


async def measure(base_url: str, clients: int, seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[int] = []
    url = base_url + "/webhooks/rest/webhook"
    started = time.monotonic()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        await asyncio.gather(*(sender(session, url, n, started + seconds, latencies, errors) for n in range(clients)))
    elapsed = time.monotonic() - started
    ms = np.asarray(latencies or [float("nan")]) * 1000
    return {"clients": clients, "seconds": round(elapsed, 1), "turns": len(latencies), "errors": len(errors),
            "turns_per_s": round(len(latencies) / elapsed, 1),
            "latency_ms": {q: round(float(np.percentile(ms, int(q[1:]))), 1) for q in ("p50", "p90", "p99")}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.capacity", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=8, help="concurrent closed-loop senders")
    parser.add_argument("--demo-size", type=int, default=600)
    parser.add_argument("--work-dir", type=Path, default=Path("var/bench-capacity"))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    # the per-shopper limit would answer most turns "please slow down" (fast, and not a turn)
    server = ServeProcess(args.work_dir, args.demo_size, {"AISLE_SERVER__MESSAGES_PER_MINUTE": "0"}).start()
    try:
        asyncio.run(warm_up(server.url))
        result = asyncio.run(measure(server.url, args.clients, args.seconds))
    finally:
        server.stop()
    result["machine"] = {**machine(), "load_average_1min": round(os.getloadavg()[0], 2)}
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
