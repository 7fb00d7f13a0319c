"""Conditions on a product's catalog attributes, for conversation tests that never name a product id.

A condition on one attribute is a value (equal, any case), a list (one of them) or a mapping of
`in`, `not`, `contains`, `contains_any`, `not_contains`, `min`, `max`, `matches` (a regex), all of
which must hold. List attributes (sizes) answer `contains` by membership, text ones by substring::

    {colour: {not: [black]}, gender: {in: [women, unisex]}, sizes: {contains: "7"}, price: {max: 40},
     in_stock: true}

The checks a turn may make with them are in `training/turn_checks.py`.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agent.errors import ConfigError
from knowledge.product import Product

PRODUCT_FIELDS = ("title", "description", "brand", "category", "product_type", "price", "currency", "colour",
                  "sizes", "material", "gender", "stock", "in_stock", "style", "feature")
CONDITION_OPS = ("in", "not", "contains", "contains_any", "not_contains", "min", "max", "matches")


@dataclass(frozen=True)
class Condition:
    """One attribute's condition; `ops` must all hold."""

    ops: tuple[tuple[str, Any], ...]

    def holds(self, value: Any) -> bool:
        return all(_OP_TESTS[op](value, operand) for op, operand in self.ops)

    def describe(self) -> str:
        return ", ".join(f"{op} {operand!r}" for op, operand in self.ops)


def attribute(product: Product, name: str) -> Any:
    if name == "in_stock":
        return product.stock > 0
    if name in ("style", "feature"):
        return product.attributes.get(name, "")
    return getattr(product, name)


def _norm(value: Any) -> str:
    return str(value).strip().lower()


def _as_items(value: Any) -> list[str]:
    return [_norm(v) for v in value] if isinstance(value, (list, tuple)) else [_norm(value)]


def _equal(value: Any, operand: Any) -> bool:
    if isinstance(operand, bool) or isinstance(value, bool):
        return bool(value) == bool(operand)
    if isinstance(operand, (int, float)) and isinstance(value, (int, float)):
        return float(value) == float(operand)
    return _norm(operand) in _as_items(value) if isinstance(value, (list, tuple)) else _norm(value) == _norm(operand)


def _contains(value: Any, operand: Any) -> bool:
    if isinstance(value, (list, tuple)):
        return _norm(operand) in _as_items(value)
    return _norm(operand) in _norm(value)


_OP_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": _equal,
    "in": lambda value, operand: any(_equal(value, o) for o in operand),
    "not": lambda value, operand: not any(_equal(value, o) for o in operand),
    "contains": _contains,
    "contains_any": lambda value, operand: any(_contains(value, o) for o in operand),
    "not_contains": lambda value, operand: not any(_contains(value, o) for o in operand),
    "min": lambda value, operand: isinstance(value, (int, float)) and value >= operand,
    "max": lambda value, operand: isinstance(value, (int, float)) and value <= operand,
    "matches": lambda value, operand: re.search(operand, str(value), re.IGNORECASE) is not None,
}


def parse_condition(raw: Any, where: str) -> Condition:
    if isinstance(raw, list):
        return Condition((("in", tuple(raw)),))
    if not isinstance(raw, dict):
        return Condition((("eq", raw),))
    if not raw:
        raise ConfigError(f"{where}: an empty condition; use one of: {', '.join(CONDITION_OPS)}")
    ops = []
    for op, operand in raw.items():
        if op not in CONDITION_OPS:
            raise ConfigError(f"{where}: unknown condition '{op}'; valid: {', '.join(CONDITION_OPS)}")
        ops.append((op, _operand(op, operand, f"{where}.{op}")))
    return Condition(tuple(ops))


def _operand(op: str, operand: Any, where: str) -> Any:
    if op in ("in", "not", "contains_any", "not_contains"):
        operand = operand if isinstance(operand, list) else [operand]
        return tuple(operand)
    if op in ("min", "max") and (isinstance(operand, bool) or not isinstance(operand, (int, float))):
        raise ConfigError(f"{where}: {operand!r} is not a number")
    if op == "matches":
        return regex(operand, where)
    return operand


def regex(pattern: Any, where: str) -> str:
    try:
        re.compile(str(pattern))
    except re.error as exc:
        raise ConfigError(f"{where}: {pattern!r} is not a valid regular expression: {exc}") from None
    return str(pattern)


def parse_product_conditions(raw: Any, where: str) -> dict[str, Condition]:
    if not isinstance(raw, dict) or not raw:
        raise ConfigError(f"{where}: expected a mapping of product attributes to conditions")
    conditions = {}
    for name, condition in raw.items():
        if name not in PRODUCT_FIELDS:
            raise ConfigError(f"{where}: unknown product attribute '{name}'; valid: {', '.join(PRODUCT_FIELDS)}")
        conditions[name] = parse_condition(condition, f"{where}.{name}")
    return conditions


def product_failures(product: Product, conditions: dict[str, Condition]) -> list[str]:
    return [f"{name} = {attribute(product, name)!r} breaks {condition.describe()}"
            for name, condition in conditions.items() if not condition.holds(attribute(product, name))]


def label(product: Product) -> str:
    return f"“{product.title}” ({product.currency} {product.price:.2f})"
