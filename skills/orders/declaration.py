"""What the agent knows about the order skills: status, returns, cancellations, and their training examples.

The skills are built by the agent (`agent.customer_service`): they share the configured order store.
"""
from __future__ import annotations

from pathlib import Path

from skills.base import IntentDeclaration, SkillDeclaration
from skills.orders.arguments import order_arguments, return_arguments

_HERE = Path(__file__).parent

ORDER_STATUS = SkillDeclaration("order_status", (IntentDeclaration(
    "order_status", "Track an order", order_arguments, escape=True),), _HERE / "order_status.yml")
RETURNS = SkillDeclaration("returns", (IntentDeclaration(
    "return_or_refund", "Return an item", return_arguments, escape=True),), _HERE / "returns.yml")
CANCEL_ORDER = SkillDeclaration("cancel_order", (IntentDeclaration(
    "cancel_order", "Cancel an order", order_arguments, escape=True),), _HERE / "cancel_order.yml")
