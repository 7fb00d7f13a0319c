"""A real `redis-server` for the tests, on a free loopback port, that a test may stop and start again.

Installed by `scripts/ensure-redis.sh` (the Debian package); tests that need one skip only where there
is none.

>>> server = RedisServer.start(folder)
>>> server.url
'redis://127.0.0.1:40123/0'
>>> server.stop(); server.restart()          # the same port again: clients reconnect on their own
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RedisServer:
    binary: str
    port: int
    folder: Path
    process: subprocess.Popen | None = field(default=None, repr=False)

    @classmethod
    def start(cls, folder: Path) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed (scripts/ensure-redis.sh installs it as root with apt-get)")
        server = cls(binary, free_port(), folder)
        server.restart()
        return server

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def restart(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        pytest.fail("redis-server did not start")

    def stop(self) -> None:
        """Stop the server (its data goes with it: nothing is saved)."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
