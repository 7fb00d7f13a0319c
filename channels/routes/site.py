"""Pages served beside the chat: product images under `/media/` and simple product pages."""
from __future__ import annotations

import html
from pathlib import Path

from aiohttp import web

from channels.routes import checkout_page
from channels.context import AGENT
from channels.routes.page_frame import html_response as _html
from channels.routes.page_frame import page as _page
from channels.rendering import media_url
from knowledge.product import Product

MEDIA_CSP = "default-src 'none'; sandbox"  # an odd file in the media folder can never run script


def safe_media_path(root: Path, relative: str) -> Path | None:
    """The file `relative` names inside `root`, or None if it escapes `root`, is hidden or absent."""
    parts = Path(relative).parts
    if not parts or any(part.startswith(".") or part in ("/", "\\") for part in parts):
        return None
    base = root.resolve()
    target = (base / relative).resolve()
    if not target.is_relative_to(base) or not target.is_file():
        return None
    return target


async def media(request: web.Request) -> web.StreamResponse:
    root = request.app[AGENT].media_root
    target = safe_media_path(root, request.match_info["path"]) if root else None
    if target is None:
        raise web.HTTPNotFound(reason="no such media file")
    return web.FileResponse(target, headers={"Content-Security-Policy": MEDIA_CSP})


async def product_page(request: web.Request) -> web.Response:
    product = request.app[AGENT].product(request.match_info["product_id"])
    if product is None:
        body = _page("Product not found", "<h1>Product not found</h1><p>This product is not in the catalog.</p>")
        return _html(body, status=404)
    return _html(_page(product.title, _product_html(product)))


def _product_html(product: Product) -> str:
    e = html.escape
    image = media_url(product.image)
    details = " · ".join(e(v) for v in (product.brand, product.colour, product.category) if v)
    parts = [f'<h1>{e(product.title)}</h1>']
    if image:
        parts.append(f'<img class="product-image" src="{e(image)}" alt="{e(product.title)}">')
    parts.append(f'<p class="product-price">{e(product.currency)} {product.price:.2f}</p>')
    if details:
        parts.append(f'<p class="product-meta">{details}</p>')
    if product.sizes:
        parts.append(f'<p class="product-meta">Sizes: {e(", ".join(product.sizes))}</p>')
    if product.description:
        parts.append(f'<p>{e(product.description)}</p>')
    if product.url.startswith(("http://", "https://")):
        parts.append(f'<p><a class="button" href="{e(product.url)}">View in the shop</a></p>')
    return "\n".join(parts)


def setup(app: web.Application) -> None:
    app.router.add_get("/media/{path:.+}", media)
    app.router.add_get("/products/{product_id}", product_page)
    app.router.add_get("/checkout", checkout_page.checkout)  # the embedded cart's default checkout link
