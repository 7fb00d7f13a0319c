"""A wheel built from this checkout, installed into a fresh virtual environment, and its `aisle serve`.

The new environment gets only Aisle itself; torch and the other dependencies are the test
environment's, reached through a `.pth` file (a path line, so the editable install's own `.pth`
there is not run). The child processes get no PYTHONPATH, so the installed copy is what runs.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

from tests.e2e.server_process import free_port

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("agent", "skills", "knowledge", "training", "channels")


def build_wheel(out: Path) -> Path:
    """`pip wheel` over a copy of the checkout's files (tracked, and new ones git does not ignore)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            check=True, capture_output=True).stdout.decode().split("\0")
    source = out / "source"
    for name in filter(None, listed):
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(REPO / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    _run([*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out / "dist"), str(source)])
    [wheel] = (out / "dist").glob("aisle-*.whl")
    return wheel


def install(wheel: Path, venv: Path) -> Path:
    """A fresh venv with the wheel installed and the test environment's dependencies visible; its bin folder."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(purelib, "aisle-test-deps.pth").write_text("".join(f"{p}\n" for p in sorted(ours)))
    _run([sys.executable, "-m", "pip", "--disable-pip-version-check", "--python", str(python), "install",
          "-q", "--no-deps", "--no-build-isolation", str(wheel)])
    return venv / "bin"


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without PYTHONPATH or any AISLE_ setting of the caller's; offline."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("AISLE_")}
    return {**env, "HF_HUB_OFFLINE": "1", **extra}


class Served:
    """`aisle serve` started in `cwd` with the given `aisle` executable; `ask` posts to the REST channel."""

    def __init__(self, aisle: Path, cwd: Path, env: dict[str, str]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = cwd.parent / f"{cwd.name}-serve.log"
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen([str(aisle), "serve", "--port", str(self.port)], cwd=cwd, env=env,
                                            stdout=log, stderr=subprocess.STDOUT)

    def wait(self, timeout: float = 300) -> Served:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"aisle serve exited with {self.process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/webhooks/rest/", timeout=2):
                    return self
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"aisle serve did not answer within {timeout} s:\n{self.log()}")

    def ask(self, text: str, sender: str = "shopper") -> list[dict]:
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(self.url + "/webhooks/rest/webhook", body,
                                         {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


def shown_products(replies: list[dict]) -> list[dict]:
    return [card for item in replies if "custom" in item for card in item["custom"].get("products", ())]
