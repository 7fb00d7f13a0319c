"""Customer service over the shop's orders: status, returns and cancellations, and the order store."""
from skills.orders.cancel import CancelOrderInput, CancelOrderSkill
from skills.orders.model import Order, OrderError, OrderItem, OrderStore, ReturnRequest, normalise_order_number
from skills.orders.returns import ReturnInput, ReturnSkill
from skills.orders.sqlite_store import SQLiteOrderStore
from skills.orders.status import OrderStatusInput, OrderStatusSkill

__all__ = ["CancelOrderInput", "CancelOrderSkill", "Order", "OrderError", "OrderItem", "OrderStatusInput",
           "OrderStatusSkill", "OrderStore", "ReturnInput", "ReturnRequest", "ReturnSkill", "SQLiteOrderStore",
           "normalise_order_number"]
