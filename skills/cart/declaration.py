"""What the agent knows about the cart: its six intents, how its arguments are read, its training examples.

The skill is built by the agent (`agent.cart_setup`): its store (SQLite or Shopify) is configured.
"""
from __future__ import annotations

from pathlib import Path

from skills.base import IntentDeclaration, SkillDeclaration
from skills.cart.arguments import cart_arguments


def _cart(name: str, label: str, shopping: bool = False) -> IntentDeclaration:
    return IntentDeclaration(name, label, cart_arguments, cannot="keep a cart here", shopping=shopping,
                             escape=not shopping)


CART = SkillDeclaration(
    "cart",
    (_cart("add_to_cart", "Add it to my cart", shopping=True), _cart("view_cart", "See my cart"),
     _cart("update_cart", "Change a quantity", shopping=True), _cart("remove_from_cart", "Remove it from my cart"),
     _cart("clear_cart", "Empty my cart"), _cart("checkout", "Go to checkout")),
    Path(__file__).with_name("nlu.yml"))
