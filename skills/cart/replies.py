"""How the cart is put into words: every reply names what changed and what the cart holds now."""
from __future__ import annotations

from skills.cart.model import Cart, CartLine
from skills.shopping.common import money

VIEW_CART = "View my cart"
CHECKOUT = "Checkout"
EMPTY_CART = "Empty my cart"


def line_text(line: CartLine) -> str:
    size = f", size {line.size}" if line.size else ""
    return f"{line.quantity} × {line.title}{size}"


def summary(cart: Cart) -> str:
    if not cart.lines:
        return "Your cart is empty."
    items = "1 item" if cart.count == 1 else f"{cart.count} items"
    return f"Your cart: {items}, {money(cart.total, cart.currency)}."


def listing(cart: Cart) -> str:
    if not cart.lines:
        return "Your cart is empty. Tell me what you're looking for and I'll help you find it."
    rows = [f"{n}. {line_text(line)}: {money(line.total, line.currency)}" for n, line in enumerate(cart.lines, 1)]
    return "\n".join(["In your cart:", *rows, f"Total: {money(cart.total, cart.currency)}."])


def next_steps(cart: Cart) -> tuple[str, ...]:
    return (VIEW_CART, CHECKOUT) if cart.lines else ()
