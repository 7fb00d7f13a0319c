"""The checks a conversation-test turn may make, on every product shown and on the reply, without ids.

Each check reads the catalog's attributes of the products shown (conditions as in
`training/conversation_checks.py`) or the text the shopper reads, so it holds for any correct assistant::

    every_product: {colour: {not: [black]}, sizes: {contains: "7"}, price: {max: 40}, in_stock: true}
    any_product: {material: leather}        # at least one product shown is leather
    products: true                          # some cards (false: none; {min: 2}: at least two)
    sorted_by: price asc                    # in the order shown
    reply: {contains_any: [sorry, none], matches: "size 7", not_contains: [black]}   # matches: one or a list
    price_vs_before: lower                  # each below the dearest shown before (higher: above the cheapest)
    names_product: cheapest                 # the reply names that one of the products shown before
    states: {product: 2, field: material}   # the reply gives that attribute of that product
    grounded: {product: 2, field: description, is: {matches: waterproof}}   # a yes/no answer that fits
    either: [{every_product: {sizes: {contains: "7"}}}, {reply: {matches: "no .* size 7"}}]
    kept_or_named: {sizes: {is: {contains: "7"}, named: "size 7|\\b7\\b"}, price: {is: {max: 40}, named: "40"}}

`every_product` and `sorted_by` fail when no product is shown: a constraint the catalog cannot meet
is checked with `kept_or_named` (each constraint kept by every product shown, or the reply holds a
negation and names it) or with `either` (any one of several sets of checks passes). "Before" is the last
list shown (an earlier turn with two or more products; a single card, such as a pick, does not
replace the list that "those", "the second one" refer to), or a single card when no list was shown.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from agent.errors import ConfigError
from knowledge.product import Product
from training.conversation_checks import (PRODUCT_FIELDS, attribute, label, parse_condition,
                                          parse_product_conditions, product_failures, regex)

REPLY_OPS = ("contains", "contains_any", "not_contains", "matches", "not_matches")
PICKS = ("cheapest", "most_expensive", "first", "second", "third", "last", "any", "all")
_ORDINALS = {"first": 1, "second": 2, "third": 3}
NEGATIVE = r"\b(no|nope|none|not|neither|nor|never|only|nothing|unfortunately|sorry)\b|n't\b"
AFFIRMATIVE = r"\b(yes|yeah|yep|indeed|sure|of course)\b"


@dataclass
class TurnView:
    """What one turn showed: the reply's text, the products on its cards, and those shown before it."""

    reply: str
    products: Sequence[Product] = ()
    previous: Sequence[Product] = ()


Check = Callable[[TurnView], list[str]]


def _every_product(raw: Any, where: str) -> Check:
    conditions = parse_product_conditions(raw, where)

    def check(view: TurnView) -> list[str]:
        if not view.products:
            return ["every_product: no products shown to check"]
        return [f"every_product: {label(p)}: {problem}" for p in view.products
                for problem in product_failures(p, conditions)]
    return check


def _any_product(raw: Any, where: str) -> Check:
    conditions = parse_product_conditions(raw, where)

    def check(view: TurnView) -> list[str]:
        if any(not product_failures(p, conditions) for p in view.products):
            return []
        wanted = "; ".join(f"{name} {c.describe()}" for name, c in conditions.items())
        return [f"any_product: none of the {len(view.products)} products shown has {wanted}"]
    return check


def _products(raw: Any, where: str) -> Check:
    if isinstance(raw, bool):
        low, high = (1, None) if raw else (0, 0)
    elif isinstance(raw, dict) and raw and set(raw) <= {"min", "max"} and all(
            isinstance(v, int) and not isinstance(v, bool) for v in raw.values()):
        low, high = raw.get("min", 0), raw.get("max")
    else:
        raise ConfigError(f"{where}: products = {raw!r} is not valid: expected true, false or {{min: N, max: N}}")

    def check(view: TurnView) -> list[str]:
        count = len(view.products)
        if count >= low and (high is None or count <= high):
            return []
        expected = "none" if high == 0 else "some" if raw is True else f"between {low} and {high or 'any'}"
        return [f"products: expected {expected}, got {count}"]
    return check


def _sorted_by(raw: Any, where: str) -> Check:
    parts = str(raw).split()
    if len(parts) != 2 or parts[0] not in PRODUCT_FIELDS or parts[1] not in ("asc", "desc"):
        raise ConfigError(f"{where}: sorted_by = {raw!r} is not valid: expected '<attribute> asc|desc', "
                          f"e.g. 'price asc'")
    name, descending = parts[0], parts[1] == "desc"

    def check(view: TurnView) -> list[str]:
        values = [attribute(p, name) for p in view.products]
        if not values:
            return ["sorted_by: no products shown to check"]
        if values == sorted(values, reverse=descending):
            return []
        return [f"sorted_by: {name} in the order shown is {values}, not {parts[1]}ending"]
    return check


def _reply(raw: Any, where: str) -> Check:
    if isinstance(raw, (str, list)):
        raw = {"contains": raw}
    if not isinstance(raw, dict) or not raw:
        raise ConfigError(f"{where}: expected a list of fragments or a mapping of {', '.join(REPLY_OPS)}")
    for op in raw:
        if op not in REPLY_OPS:
            raise ConfigError(f"{where}: unknown reply check '{op}'; valid: {', '.join(REPLY_OPS)}")
    lists = {op: [str(v) for v in (raw[op] if isinstance(raw[op], list) else [raw[op]])]
             for op in ("contains", "contains_any", "not_contains") if op in raw}
    patterns = {op: [regex(p, f"{where}.{op}") for p in (raw[op] if isinstance(raw[op], list) else [raw[op]])]
                for op in ("matches", "not_matches") if op in raw}

    def check(view: TurnView) -> list[str]:
        text = view.reply.lower()
        failures = [f"reply: expected it to contain {f!r}" for f in lists.get("contains", []) if f.lower() not in text]
        if "contains_any" in lists and not any(f.lower() in text for f in lists["contains_any"]):
            failures.append(f"reply: expected one of {lists['contains_any']}")
        failures += [f"reply: must not contain {f!r}" for f in lists.get("not_contains", []) if f.lower() in text]
        failures += [f"reply: expected a match for /{p}/" for p in patterns.get("matches", [])
                     if not re.search(p, view.reply, re.IGNORECASE)]
        failures += [f"reply: must not match /{p}/" for p in patterns.get("not_matches", [])
                     if re.search(p, view.reply, re.IGNORECASE)]
        return failures
    return check


def _price_vs_before(raw: Any, where: str) -> Check:
    """`lower`: every product shown costs less than the dearest shown before; `higher`: more than the cheapest."""
    if raw not in ("lower", "higher"):
        raise ConfigError(f"{where}: {raw!r} is not valid: expected lower or higher")

    def check(view: TurnView) -> list[str]:
        if not view.previous or not view.products:
            return [f"price_vs_before: {'no products shown' if view.previous else 'nothing shown before'} to compare"]
        bound = max(p.price for p in view.previous) if raw == "lower" else min(p.price for p in view.previous)
        wrong = [p for p in view.products if (p.price >= bound if raw == "lower" else p.price <= bound)]
        return [f"price_vs_before: {label(p)} is not {raw} than {bound:.2f}, shown before" for p in wrong]
    return check


def _pick_names(raw: Any, where: str) -> list[str]:
    picks = [str(p) for p in (raw if isinstance(raw, list) else [raw])]
    for pick in picks:
        if pick not in PICKS and not pick.isdigit():
            raise ConfigError(f"{where}: {pick!r} is not a product of those shown; valid: a position (1, 2, ...) "
                              f"or {', '.join(PICKS)}")
    return picks


def pick(products: Sequence[Product], name: str) -> list[Product]:
    """The products shown that `name` means: a position, `cheapest`, `most_expensive`, `last`, `any`/`all`."""
    if not products:
        return []
    if name in ("any", "all"):
        return list(products)
    if name == "cheapest":
        return [min(products, key=lambda p: p.price)]
    if name == "most_expensive":
        return [max(products, key=lambda p: p.price)]
    position = len(products) if name == "last" else _ORDINALS.get(name) or int(name)
    return [products[position - 1]] if 0 < position <= len(products) else []


def named(product: Product, view: TurnView) -> bool:
    """The reply names the product: its title in the text, or its card among a few shown."""
    if product.title.lower() in view.reply.lower():
        return True
    return 0 < len(view.products) <= 3 and any(p.id == product.id for p in view.products)


def _names_product(raw: Any, where: str) -> Check:
    picks = _pick_names(raw, where)

    def check(view: TurnView) -> list[str]:
        if not view.previous:
            return ["names_product: no products were shown before this turn"]
        failures = []
        for name in picks:
            chosen = pick(view.previous, name)
            if not chosen:
                failures.append(f"names_product: there is no {name!r} among the {len(view.previous)} shown before")
            failures += [f"names_product: the reply does not name the {name} one, {label(p)}"
                         for p in chosen if not named(p, view)]
        return failures
    return check


def _grounded(raw: Any, where: str) -> Check:
    """A yes/no question about products shown before, answered as the catalog says."""
    if not isinstance(raw, dict) or not {"product", "field", "is"} <= set(raw) or set(raw) - _GROUNDED_KEYS:
        raise ConfigError(f"{where}: expected a mapping with product, field and is (and optionally "
                          f"if_true, if_false)")
    [which] = _pick_names(raw["product"], f"{where}.product")
    if raw["field"] not in PRODUCT_FIELDS:
        raise ConfigError(f"{where}.field: unknown product attribute {raw['field']!r}; valid: "
                          f"{', '.join(PRODUCT_FIELDS)}")
    condition = parse_condition(raw["is"], f"{where}.is")
    if_true = parse_checks(raw["if_true"], f"{where}.if_true") if "if_true" in raw else None
    if_false = parse_checks(raw["if_false"], f"{where}.if_false") if "if_false" in raw else None

    def check(view: TurnView) -> list[str]:
        chosen = pick(view.previous, which)
        if not chosen:
            return [f"grounded: there is no {which!r} among the {len(view.previous)} products shown before"]
        matching = [p for p in chosen if condition.holds(attribute(p, raw["field"]))]
        truth = len(matching) == len(chosen) if which == "all" else bool(matching)
        custom = if_true if truth else if_false
        if custom is not None:
            return [f"grounded ({'true' if truth else 'false'}): {f}" for c in custom for f in c(view)]
        return _default_answer(view, truth, matching)
    return check


_GROUNDED_KEYS = {"product", "field", "is", "if_true", "if_false"}


def _default_answer(view: TurnView, truth: bool, matching: list[Product]) -> list[str]:
    if not truth:
        if re.search(NEGATIVE, view.reply, re.IGNORECASE):
            return []
        return ["grounded: the catalog says no, but the reply does not say so"]
    if re.match(r"\W*(no|nope|none|not)\b", view.reply, re.IGNORECASE):
        return ["grounded: the catalog says yes, but the reply begins with no"]
    if re.search(AFFIRMATIVE, view.reply, re.IGNORECASE) or any(named(p, view) for p in matching):
        return []
    fitting = {p.id for p in matching}
    if view.products and all(p.id in fitting for p in view.products):
        return []  # it shows just the ones that fit
    return ["grounded: the catalog says yes, but the reply neither says yes nor names or shows the ones that fit"]


def _states(raw: Any, where: str) -> Check:
    """The reply states an attribute of one product shown before (its price in dollars and cents or whole)."""
    if not isinstance(raw, dict) or set(raw) != {"product", "field"} or raw["field"] not in PRODUCT_FIELDS:
        raise ConfigError(f"{where}: expected {{product: <position or pick>, field: <one of "
                          f"{', '.join(PRODUCT_FIELDS)}>}}")
    [which] = _pick_names(raw["product"], f"{where}.product")

    def check(view: TurnView) -> list[str]:
        chosen = pick(view.previous, which)
        if not chosen:
            return [f"states: there is no {which!r} among the {len(view.previous)} products shown before"]
        return [f"states: the reply does not give the {raw['field']} of {label(p)}" for p in chosen
                if not _stated(attribute(p, raw["field"]), view.reply)]
    return check


def _stated(value: Any, reply: str) -> bool:
    """A price in dollars and cents (or whole dollars when it is whole), every item of a list, or the text."""
    if isinstance(value, (list, tuple)):
        return all(re.search(rf"(?<![\w.]){re.escape(str(v))}(?!\w|\.\d)", reply, re.IGNORECASE) for v in value)
    if isinstance(value, float):
        forms = [f"{value:.2f}"] + ([f"${value:.0f}", f"{value:.0f} dollars"] if value == int(value) else [])
        return any(form in reply for form in forms)
    return str(value).lower() in reply.lower()


def _kept_or_named(raw: Any, where: str) -> Check:
    """Each constraint is kept by every product shown, or the reply says it could not be (a negation and its name)."""
    if not isinstance(raw, dict) or not raw:
        raise ConfigError(f"{where}: expected a mapping of product attributes to {{is: <condition>, named: <regex>}}")
    rules = {}
    for name, rule in raw.items():
        spot = f"{where}.{name}"
        if name not in PRODUCT_FIELDS:
            raise ConfigError(f"{spot}: unknown product attribute '{name}'; valid: {', '.join(PRODUCT_FIELDS)}")
        if not isinstance(rule, dict) or set(rule) != {"is", "named"}:
            raise ConfigError(f"{spot}: expected {{is: <condition>, named: <regex naming the constraint>}}")
        rules[name] = (parse_condition(rule["is"], f"{spot}.is"), regex(rule["named"], f"{spot}.named"))

    def check(view: TurnView) -> list[str]:
        failures = []
        negated = re.search(NEGATIVE, view.reply, re.IGNORECASE) is not None
        for name, (condition, named) in rules.items():
            broken = [p for p in view.products if not condition.holds(attribute(p, name))]
            if view.products and not broken:
                continue
            if negated and re.search(named, view.reply, re.IGNORECASE):
                continue
            why = f"{label(broken[0])} has {name} {attribute(broken[0], name)!r}" if broken else "no products shown"
            failures.append(f"kept_or_named: {name} {condition.describe()} is neither kept ({why}) "
                            f"nor named in the reply (/{named}/)")
        return failures
    return check


def _either(raw: Any, where: str) -> Check:
    if not isinstance(raw, list) or len(raw) < 2:
        raise ConfigError(f"{where}: expected a list of at least two alternatives, each a mapping of checks")
    branches = [parse_checks(branch, f"{where}[{n}]") for n, branch in enumerate(raw, 1)]

    def check(view: TurnView) -> list[str]:
        outcomes = [[f for c in branch for f in c(view)] for branch in branches]
        if any(not failures for failures in outcomes):
            return []
        return ["either: no alternative held: " + " | ".join(f"[{n}] " + "; ".join(failures)
                                                           for n, failures in enumerate(outcomes, 1))]
    return check


PARSERS: dict[str, Callable[[Any, str], Check]] = {
    "every_product": _every_product, "any_product": _any_product, "products": _products, "sorted_by": _sorted_by,
    "reply": _reply, "names_product": _names_product, "grounded": _grounded, "either": _either,
    "price_vs_before": _price_vs_before, "states": _states, "kept_or_named": _kept_or_named,
}


def parse_checks(raw: Any, where: str) -> tuple[Check, ...]:
    """The checks in one mapping (a turn, or one alternative of `either`); a bad key names itself."""
    if not isinstance(raw, dict) or not raw:
        raise ConfigError(f"{where}: expected a mapping of checks ({', '.join(PARSERS)})")
    unknown = sorted(set(raw) - set(PARSERS))
    if unknown:
        raise ConfigError(f"{where}: unknown check '{unknown[0]}'; valid: {', '.join(PARSERS)}")
    return tuple(PARSERS[key](value, f"{where}: {key}") for key, value in raw.items())


def run_checks(checks: Sequence[Check], view: TurnView) -> list[str]:
    return [failure for check in checks for failure in check(view)]
