"""Pieces every messaging platform's rendering shares: card lines, length limits, "choose" payloads.

A product card's "Choose" button sends "the second one" back as the shopper's message, which the
dialog core understands as picking the second product shown, the same as typing it.

    choose_payload(2)
    # -> 'the second one'
    truncate("Heritage Leather Boot", 10)
    # -> 'Heritage …'
"""
from __future__ import annotations

from agent.types import BotMessage
from knowledge.product import Product

_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def choose_payload(position: int) -> str:
    """What pressing "Choose" on the `position`-th card (1-based) says."""
    return f"the {_ORDINALS[position - 1]} one" if 1 <= position <= len(_ORDINALS) else f"number {position}"


def price_text(product: Product) -> str:
    return f"{product.currency} {float(product.price):.2f}".strip()


def card_subtitle(product: Product) -> str:
    """"USD 59.00 · red · Stride": price first, then what tells similar products apart; "only 3 left" or
    "out of stock" last, when it applies."""
    stock = "" if product.availability == "in stock" else product.availability
    return " · ".join(part for part in (price_text(product), product.colour, product.brand, stock) if part)


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters, ending in "…" when cut."""
    text = text.strip()
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


def split_text(text: str, limit: int) -> list[str]:
    """Long text in pieces of at most `limit` characters, cut at line or word ends where possible."""
    pieces, rest = [], text.strip()
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*pieces, rest] if rest else pieces


def checkout_link(message: BotMessage) -> str:
    """The cart's checkout link when this message hands the shopper over to it (its text names the link);
    platforms that have link buttons show it as one ("Checkout"), the others keep it in the text."""
    url = str((message.cart or {}).get("checkout_url") or "")
    return url if url and url in message.text else ""
