"""Screenshot the chat widget in the middle of a product search.

    python scripts/screenshot_widget.py --url http://127.0.0.1:8080/ --out docs/widget.png

Start the server first (`make serve`). The browser is the system's Chromium (see tests/browser.py).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.browser import chromium_launch_options

QUERY = "show me red sneakers under 80 dollars"


def screenshot(url: str, out: Path, query: str = QUERY, width: int = 1100, height: int = 800) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**chromium_launch_options())
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(url)
            page.get_by_text("online").wait_for(timeout=30_000)
            box = page.get_by_label("Message the shop assistant")
            box.fill(query)
            box.press("Enter")
            page.locator(".message.bot .card").first.wait_for(timeout=60_000)
            page.wait_for_function(
                "[...document.querySelectorAll('.card img')].every(i => i.complete)", timeout=30_000
            )
            box.blur()
            page.wait_for_timeout(400)  # let the smooth scroll settle
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out))
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080/", help="the chat page (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=Path("docs/widget.png"), help="PNG to write (default: %(default)s)")
    parser.add_argument("--query", default=QUERY, help="what the shopper types (default: %(default)r)")
    args = parser.parse_args(argv)
    screenshot(args.url, args.out, args.query)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
