"""The frame of the shop pages Aisle serves itself (product pages, the demo checkout): one layout,
one strict content policy, every value escaped by the page that fills it."""
from __future__ import annotations

import html

from aiohttp import web

PAGE_CSP = "default-src 'none'; img-src 'self' https: data:; style-src 'self'; base-uri 'none'; form-action 'none'"


def page(title: str, main: str) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} · Aisle</title>
<link rel="stylesheet" href="/static/widget.css"></head>
<body class="page"><main class="product-page">
<p><a href="/">&larr; Back to the shop assistant</a></p>
{main}
</main></body></html>
"""


def html_response(body: str, status: int = 200) -> web.Response:
    return web.Response(text=body, status=status, content_type="text/html",
                        headers={"Content-Security-Policy": PAGE_CSP})
