"""Launching the system's Chromium for browser tests and screenshots.

Playwright cannot download its own browsers here, so it drives Debian's Chromium. Set
`AISLE_CHROMIUM` to use another binary.

>>> with sync_playwright() as p:
...     browser = p.chromium.launch(**chromium_launch_options())
"""
from __future__ import annotations

import os
import shutil
from typing import Any

CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium_path() -> str | None:
    """The Chromium binary to drive, or None when the machine has none."""
    configured = os.environ.get("AISLE_CHROMIUM")
    if configured:
        return configured
    if os.path.exists("/usr/bin/chromium"):
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


def chromium_launch_options() -> dict[str, Any]:
    """Keyword arguments for `playwright.chromium.launch` (sync or async API)."""
    path = chromium_path()
    if path is None:
        raise RuntimeError("Chromium is missing: install it (Debian: apt-get install chromium) or set AISLE_CHROMIUM")
    return {"executable_path": path, "headless": True, "args": list(CHROMIUM_ARGS)}
