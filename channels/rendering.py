"""The one place that turns `BotMessage`s into each wire format.

Rich parts fall back here too: a Rasa client that ignores `custom` product cards still gets a
text line per product, produced by `fallback_text` (absolute links where `public_base_url` is set).

>>> rasa_messages("user-1", [BotMessage(text="Hi!", quick_replies=(QuickReply("Shoes", "shoes"),))])
[{'recipient_id': 'user-1', 'text': 'Hi!', 'buttons': [{'title': 'Shoes', 'payload': 'shoes'}]}]
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import quote

from agent.types import BotMessage, QuickReply
from knowledge.product import Product

MEDIA_PREFIX = "/media/"
PRODUCT_PAGE_PREFIX = "/products/"
_PRODUCT_FIELDS = frozenset(f.name for f in fields(Product))
Link = Callable[[str], str]  # a path as the client should fetch it (absolute under `public_base_url`)


def _as_is(url: str) -> str:
    return url


def media_url(path: str) -> str:
    """Where a browser fetches an image: relative catalog paths live under `/media/`."""
    if not path:
        return ""
    if path.startswith(("http://", "https://", "/")):
        return path
    return MEDIA_PREFIX + quote(path.removeprefix("./"), safe="/")


def product_page_url(product_id: str) -> str:
    return PRODUCT_PAGE_PREFIX + quote(product_id, safe="")


def product_link(product: Product) -> str:
    """The shop's own page for a product if it is a web link, else Aisle's product page."""
    if product.url.startswith(("http://", "https://", "/")) and not product.url.startswith("//"):
        return product.url
    return product_page_url(product.id)


def product_card(product: Product, link: Link = _as_is) -> dict[str, Any]:
    """The card both the widget and Rasa's `custom` payload show."""
    image = media_url(product.image)
    return {
        "id": product.id,
        "title": product.title,
        "price": round(float(product.price), 2),
        "currency": product.currency,
        "image": link(image) if image else "",
        "url": link(product_link(product)),
        "colour": product.colour,
        "brand": product.brand,
        "category": product.category,
        "product_type": product.product_type,
        "in_stock": product.in_stock,
        "availability": product.availability,  # "in stock", "only 3 left", "out of stock"
    }


def product_from_dict(data: Mapping[str, Any]) -> Product:
    """Rebuild a `Product` from `Product.to_dict()` output (as stored in transcripts)."""
    values = {k: v for k, v in data.items() if k in _PRODUCT_FIELDS}
    values["id"] = str(values.get("id", ""))
    values["title"] = str(values.get("title", ""))
    values["sizes"] = tuple(values.get("sizes") or ())
    values["attributes"] = dict(values.get("attributes") or {})
    return Product(**values)


def _quick_replies(replies: Iterable[QuickReply]) -> list[dict[str, str]]:
    return [{"title": q.title, "payload": q.payload} for q in replies]


# -- what a platform cannot show ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shows:
    """What a platform shows natively: product cards, buttons (quick replies), images."""

    cards: bool = True
    buttons: bool = True
    images: bool = True


def fit_to(message: BotMessage, shows: Shows, link: Link = _as_is) -> BotMessage:
    """`message` with what the platform cannot show written into its text: product cards as numbered
    lines with their links, the image as its link, quick replies as the options the shopper can type."""
    lines = [message.text] if message.text else []
    products, image, replies = message.products, message.image, message.quick_replies
    if products and not shows.cards:
        lines.extend(_product_lines(products, link))
        products = ()
    if image and not shows.images:
        lines.append(link(media_url(image)))
        image = ""
    if replies and not shows.buttons:
        lines.append(_options_line(replies))
        replies = ()
    if (products, image, replies) == (message.products, message.image, message.quick_replies):
        return message
    return replace(message, text="\n".join(line for line in lines if line), products=products, image=image,
                   quick_replies=replies)


def _options_line(replies: Iterable[QuickReply]) -> str:
    return "Options: " + " | ".join(q.title for q in replies)


# -- Rasa REST -------------------------------------------------------------------------------


def fallback_text(message: BotMessage, link: Link = _as_is) -> str:
    """The whole message as plain text, a line per product with its link, for clients without cards."""
    lines = [message.text] if message.text else []
    lines.extend(_product_lines(message.products, link))
    if message.quick_replies:
        lines.append(_options_line(message.quick_replies))
    return "\n".join(lines)


def _product_lines(products: Iterable[Product], link: Link) -> list[str]:
    """One line a product, as `BotMessage.as_text` writes it (stock when low or out), its link made absolute."""
    return [f"{n}. {p.title} ({p.currency} {p.price:.2f}{_stock(p)}) {link(product_link(p))}".rstrip()
            for n, p in enumerate(products, 1)]


def _stock(product: Product) -> str:
    return "" if product.availability == "in stock" else f", {product.availability}"


def rasa_messages(recipient_id: str, messages: Iterable[BotMessage], link: Link = _as_is) -> list[dict[str, Any]]:
    """Rasa's REST response list: text (with buttons), image, then product cards and their text.

    `link` makes the cards' and fallback's addresses absolute where the server knows its public address.
    """
    return [item for message in messages for item in _rasa_items(recipient_id, message, link)]


def _rasa_items(recipient_id: str, message: BotMessage, link: Link) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if message.text:
        items.append({"recipient_id": recipient_id, "text": message.text})
    if message.image:
        items.append({"recipient_id": recipient_id, "image": link(media_url(message.image))})
    if message.products:
        cards = [product_card(p, link) for p in message.products]
        items.append({"recipient_id": recipient_id, "custom": {"type": "products", "products": cards}})
        items.append({"recipient_id": recipient_id, "text": "\n".join(_product_lines(message.products, link))})
    if message.cart is not None:
        items.append({"recipient_id": recipient_id, "custom": {"type": "cart", "cart": cart_payload(message.cart)}})
    if message.quick_replies:
        _attach_buttons(items, recipient_id, _quick_replies(message.quick_replies))
    return items


def _attach_buttons(items: list[dict[str, Any]], recipient_id: str, buttons: list[dict[str, str]]) -> None:
    """Rasa hangs buttons on a text message: the last one, so they show below everything else."""
    texts = [item for item in items if "text" in item]
    if texts:
        texts[-1]["buttons"] = buttons
    else:
        items.append({"recipient_id": recipient_id, "text": "", "buttons": buttons})


# -- web widget ------------------------------------------------------------------------------


def widget_message(message: BotMessage) -> dict[str, Any]:
    """`{"text", "products": [card], "image", "quick_replies": [{"title", "payload"}], "cart"?}`."""
    shown = {
        "text": message.text,
        "products": [product_card(p) for p in message.products],
        "image": media_url(message.image),
        "quick_replies": _quick_replies(message.quick_replies),
    }
    if message.cart is not None:
        shown["cart"] = cart_payload(message.cart)
    return shown


def cart_payload(cart: Mapping[str, Any]) -> dict[str, Any]:
    """The cart as the widget and Rasa's `custom` payload show it: `{"count", "total", "currency", "lines":
    [{"title", "size", "quantity", "unit_price", "total", "product_id"}], "checkout_url"}`, bounded and typed."""
    lines = [line for line in cart.get("lines") or () if isinstance(line, Mapping)][:100]
    return {
        "count": int(cart.get("count") or 0),
        "total": round(float(cart.get("total") or 0.0), 2),
        "currency": str(cart.get("currency") or "USD"),
        "lines": [{"product_id": str(line.get("product_id", "")), "title": str(line.get("title", "")),
                   "size": str(line.get("size", "")), "quantity": int(line.get("quantity") or 0),
                   "unit_price": round(float(line.get("unit_price") or 0.0), 2),
                   "total": round(float(line.get("total") or 0.0), 2)} for line in lines],
        "checkout_url": _web_link(str(cart.get("checkout_url") or "")),
    }


def _web_link(url: str) -> str:
    """Only http(s) or same-site links reach a page: a checkout link never runs script."""
    return url if url.startswith(("https://", "http://", "/")) and not url.startswith("//") else ""


def widget_messages(messages: Iterable[BotMessage]) -> list[dict[str, Any]]:
    return [widget_message(m) for m in messages]


def widget_history(transcript: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Transcript items as the widget replays them: `{"role", "text", "products", "quick_replies", "image", "ts"}`."""
    return [
        {
            "role": "user" if item.get("role") == "user" else "bot",
            "text": str(item.get("text") or ""),
            "products": [product_card(product_from_dict(p)) for p in item.get("products") or ()],
            "quick_replies": _stored_quick_replies(item.get("quick_replies")),
            "image": media_url(str(item.get("image") or "")),
            "ts": float(item.get("ts") or 0.0),
            **({"cart": cart_payload(item["cart"])} if isinstance(item.get("cart"), Mapping) else {}),
        }
        for item in transcript
    ]


def _stored_quick_replies(stored: object) -> list[dict[str, str]]:
    """Quick replies as a transcript may keep them: `{"title", "payload"}` dicts; others are skipped."""
    if not isinstance(stored, list):
        return []
    return [
        {"title": r["title"], "payload": r["payload"]}
        for r in stored
        if isinstance(r, Mapping) and isinstance(r.get("title"), str) and isinstance(r.get("payload"), str)
    ]
