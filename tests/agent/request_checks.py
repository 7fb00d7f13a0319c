"""Checks for what a shopper asked: each constraint holds for EVERY product shown, or the reply names it.

    honoured_or_named(reply, [Constraint("size 7", lambda p: "7" in p.sizes)])

A constraint a reply relaxed must be named after "ignoring" ("The closest, ignoring size 7, come in
sizes 6 and 8"); one it did not name must hold for every product. Stock always holds unless asked.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from agent.types import BotMessage
from knowledge.product import Product


@dataclass(frozen=True)
class Constraint:
    named: str  # how the reply names it when relaxed, e.g. "size 7", "not black", "the price"
    holds: Callable[[Product], bool]


def honoured_or_named(reply: BotMessage, constraints: Iterable[Constraint], in_stock: bool = True) -> None:
    assert reply.products, f"nothing shown: {reply.text!r}"
    if in_stock:
        assert all(p.stock > 0 for p in reply.products), f"sold-out product shown: {reply.text!r}"
    relaxed = reply.text.split("ignoring", 1)[1].lower() if "ignoring" in reply.text else ""
    for constraint in constraints:
        if all(constraint.holds(p) for p in reply.products):
            continue
        assert constraint.named.lower() in relaxed, (
            f"{constraint.named!r} dropped without a word: {reply.text!r} "
            f"{[(p.title, p.price, p.sizes, p.gender) for p in reply.products]}")


def kind(product_type: str) -> Constraint:
    return Constraint("the kind of product", lambda p: p.product_type == product_type)


def category(name: str) -> Constraint:
    return Constraint("the kind of product", lambda p: p.category == name)


def not_colour(*colours: str) -> Constraint:
    return Constraint("not " + colours[0], lambda p: p.colour not in colours)


def colour(*colours: str) -> Constraint:
    return Constraint("the colour", lambda p: p.colour in colours)


def size(value: str) -> Constraint:
    return Constraint(f"size {value}", lambda p: value.upper() in {s.upper() for s in p.sizes})


def price(low: float | None = None, high: float | None = None) -> Constraint:
    return Constraint("the price", lambda p: (low is None or p.price >= low) and (high is None or p.price <= high))


def suits(gender: str) -> Constraint:
    accepted = {"kids"} if gender == "kids" else {gender, "unisex", ""}
    return Constraint("who it's for", lambda p: p.gender in accepted)
