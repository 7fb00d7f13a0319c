"""The shopper's cart: the skill, the `CartStore` contract and its two stores (SQLite, Shopify's Storefront cart)."""
from skills.cart.model import Cart, CartError, CartItem, CartLine, CartStore, conversation_owner, customer_owner
from skills.cart.skill import CartEvent, CartInput, CartSkill
from skills.cart.sqlite_store import SQLiteCartStore

__all__ = ["Cart", "CartError", "CartEvent", "CartInput", "CartItem", "CartLine", "CartSkill", "CartStore",
           "SQLiteCartStore", "conversation_owner", "customer_owner"]
