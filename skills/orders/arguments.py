"""The order skills' arguments: the order number (or something like one) and e-mail named, the item to return."""
from __future__ import annotations

from typing import Any

from skills.base import Conversation, Reading


def order_arguments(u: Reading, state: Conversation) -> dict[str, Any]:
    values = u.entities.values
    return {"order_number": values.get("order_number") or values.get("order_reference"), "email": values.get("email")}


def return_arguments(u: Reading, state: Conversation) -> dict[str, Any]:
    values = u.entities.values
    item = str(values["position"]) if "position" in values else values.get("product_type")
    return {**order_arguments(u, state), "item": item}
