"""The demo shop's checkout page: where the embedded cart's default `cart.checkout_url` leads.

`GET /checkout?cart=<id>&items=<product_id[/size]:quantity,...>` lists what the link carries, priced
from the catalog, and says that a real shop points `cart.checkout_url` at its own checkout (or uses
its Shopify cart). It takes no payment and stores nothing; every catalog text is escaped.
"""
from __future__ import annotations

import html
from urllib.parse import unquote

from aiohttp import web

from channels.context import AGENT
from channels.routes.page_frame import html_response as _html
from channels.routes.page_frame import page as _page

MAX_ITEMS_CHARS = 4000
MAX_LINES = 100


def parse_items(text: str) -> list[tuple[str, str, int]]:
    """``"sku-1%2F9:2,sku-7:1"`` -> ``[("sku-1", "9", 2), ("sku-7", "", 1)]``; malformed entries are skipped."""
    lines = []
    for entry in text[:MAX_ITEMS_CHARS].split(",")[:MAX_LINES]:
        item, _, quantity = entry.rpartition(":")
        if not item or not quantity.isdigit() or not 0 < int(quantity) <= 10_000:
            continue
        product_id, _, size = unquote(item).partition("/")
        lines.append((product_id, size, int(quantity)))
    return lines


async def checkout(request: web.Request) -> web.Response:
    agent, e = request.app[AGENT], html.escape
    rows, total, currency = [], 0.0, "USD"
    for product_id, size, quantity in parse_items(request.query.get("items", "")):
        product = agent.product(product_id)
        if product is None:
            continue
        total += product.price * quantity
        currency = product.currency
        size_text = f" · size {e(size)}" if size else ""
        rows.append(f"<tr><td>{e(product.title)}{size_text}</td><td>{quantity}</td>"
                    f"<td>{e(product.currency)} {product.price * quantity:.2f}</td></tr>")
    if not rows:
        return _html(_page("Checkout", "<h1>Checkout</h1><p>There is nothing to check out.</p>"), status=404)
    body = ("<h1>Checkout</h1><table class=\"checkout\"><tr><th>Item</th><th>Quantity</th><th>Price</th></tr>"
            f"{''.join(rows)}<tr><th>Total</th><td></td><th>{e(currency)} {total:.2f}</th></tr></table>"
            "<p>This is the demo shop's checkout. A shop points <code>cart.checkout_url</code> at its own "
            "checkout, or keeps carts in its Shopify store (<code>cart.backend: shopify</code>).</p>")
    return _html(_page("Checkout", body))
