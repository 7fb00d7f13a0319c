"""The server under load: a real `aisle serve` child process on a loopback port, and its memory over time."""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServeProcess:
    """`aisle serve` over `data_dir`, which keeps the demo catalog, its index and the intent model between
    runs (the first start builds them); the conversation databases are removed so each run starts empty."""

    def __init__(self, data_dir: Path, demo_size: int, extra_env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir / "server.log"
        self.env = {**os.environ, "AISLE_DATA_DIR": str(data_dir), "AISLE_SERVER__PORT": str(self.port),
                    "AISLE_CATALOG__DEMO_SIZE": str(demo_size),
                    # every simulated shopper comes from 127.0.0.1: a per-address limit would count them as one
                    "AISLE_SERVER__REQUESTS_PER_SECOND_PER_IP": "0", **(extra_env or {})}
        self.process: subprocess.Popen | None = None

    def start(self, timeout_s: float = 600, fresh_store: bool = True) -> ServeProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if fresh_store:
            for path in self.data_dir.glob("*.db*"):
                path.unlink()
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "channels.cli", "serve"], cwd=ROOT, env=self.env,
                                            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"aisle serve exited with {self.process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"aisle serve did not answer within {timeout_s:.0f} s:\n{self.log()}")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL, as a crash would: no shutdown hooks run."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self, timeout_s: float = 30) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""


def rss_mb(pid: int) -> float:
    """Resident memory of the process and its children, in MiB."""
    process = psutil.Process(pid)
    total = process.memory_info().rss
    for child in process.children(recursive=True):
        try:
            total += child.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return round(total / (1024 * 1024), 1)


async def sample_rss(pid: int, every_s: float, samples: list[tuple[float, float]], stop: asyncio.Event) -> None:
    """Append `(seconds since start, MiB)` every `every_s` until `stop` is set."""
    started = time.monotonic()
    while not stop.is_set():
        try:
            samples.append((round(time.monotonic() - started, 1), rss_mb(pid)))
        except psutil.NoSuchProcess:
            return
        try:
            await asyncio.wait_for(stop.wait(), every_s)
        except asyncio.TimeoutError:
            continue
