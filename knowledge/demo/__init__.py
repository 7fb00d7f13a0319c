"""The demo shop: an invented catalog of products with attributes, stock and a drawn picture each.

Only the demo (`aisle serve` without a catalog of one's own, `aisle init`) and the tests use it; the
rest of Aisle knows nothing of it, and the layering test keeps it so.
"""
