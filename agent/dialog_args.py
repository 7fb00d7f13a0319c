"""The arguments each intent's skill gets, from the message's entities and the conversation's state.

    arguments_for("select", understanding_of("the second one, size 9"), state)
    # -> {'position': 2, 'size': '9'}
    arguments_for("refine", understanding_of("something cheaper in blue"), state)
    # -> {'change': 'cheaper', 'colour': 'blue'}

The result may name arguments a skill does not take; `fit` keeps those its input type declares, so
skills other teams write (recommend, describe, tryon, ads) get what they understand and no more.
"""
from __future__ import annotations

import dataclasses
import re
import typing
from typing import TYPE_CHECKING, Any

from agent.cart_args import CART_ACTIONS, cart_arguments
from agent.handoff import explicit_request, handoff_reason
from agent.nlu.entities import positions
from agent.state import DialogState
from skills.request import REQUEST_FIELDS

if TYPE_CHECKING:
    from agent.nlu.understanding import Understanding

_CHANGES = (
    ("cheaper", r"\bcheaper\b|\bless (?:expensive|pricey)\b|\blower price|\bmore affordable\b|\btoo expensive\b|"
                r"\bover my budget\b|\bbudget\b"),
    ("pricier", r"\bmore expensive\b|\bpricier\b|\bpremium\b|\bhigher[- ]end\b|\bbetter quality\b|\bfancier\b"),
    ("bigger", r"\bbigger\b|\blarger\b|\bsize up\b"),
    ("smaller", r"\bsmaller\b|\bsize down\b"),
    ("other_colour", r"\b(?:other|another|different) colou?rs?\b|\bnot in (?:that|this) colou?r\b"),
    ("other_brand", r"\b(?:other|another|different) brands?\b|\bnot (?:this|that) brand\b"),
    ("similar", r"\bmore like (?:this|that|it)\b|\bsimilar\b|\blike (?:this|that) one\b"),
    ("more", r"\bshow me more\b|\bmore (?:options|results)\b|\bnext (?:page|ones)\b"),
)
_ATTRIBUTES = ("colour", "brand", "gender", "material", "size", "min_price", "max_price")
_SEARCH_FIELDS = REQUEST_FIELDS  # the whole shopping request (skills.request.SearchInput)
_REFINE_EXTRA = tuple(name for name in REQUEST_FIELDS if name not in ("product_type", "category", "query"))
_PICKS = (("cheapest", r"\bcheapest\b|\bleast expensive\b"), ("priciest", r"\bmost expensive\b|\bpriciest\b"))


def refine_change(text: str) -> str | None:
    """The relative change a message asks for ("cheaper", "other_brand", ...), or None."""
    lowered = text.lower()
    return next((change for change, pattern in _CHANGES if re.search(pattern, lowered)), None)


def refine_arguments(u: Understanding) -> dict[str, Any]:
    values = u.entities.values
    args: dict[str, Any] = {name: values[name] for name in _ATTRIBUTES + _REFINE_EXTRA if name in values}
    change = refine_change(u.reading)
    brand = values.get("brand")
    if brand and re.search(rf"\bnot\s+{re.escape(brand.lower())}\b", u.text.lower()):
        args.pop("brand")  # "not Nimbus, something else"
        change = change or "other_brand"
    if change:
        args["change"] = change
    return args


def search_arguments(u: Understanding) -> dict[str, Any]:
    values = u.entities.values
    args: dict[str, Any] = {"query": u.entities.search_text or u.reading}
    args.update({name: values[name] for name in _SEARCH_FIELDS if name in values})
    if "size" in values and "sizes" not in args:
        args["sizes"] = [values["size"]]
    return args


def _select(u: Understanding, state: DialogState) -> dict[str, Any]:
    values = u.entities.values
    args = {name: values[name] for name in ("position", "size", "colour") if name in values}
    pick = next((name for name, pattern in _PICKS if re.search(pattern, u.text.lower())), None)
    return {**args, "pick": pick} if pick else args


def _about_a_product(u: Understanding, state: DialogState) -> dict[str, Any]:
    """For skills about one product: the position named, else nothing (they fall back on the one in focus)."""
    position = u.entities.get("position")
    return {"position": position, "question": u.reading, "query": u.reading} if position is not None else \
        {"question": u.reading, "query": u.reading}


def _compare(u: Understanding, state: DialogState) -> dict[str, Any]:
    named = positions(u.text)
    return dict(zip(("first", "second", "third"), named[:3]))


def _order(u: Understanding, state: DialogState) -> dict[str, Any]:
    values = u.entities.values
    return {"order_number": values.get("order_number") or values.get("order_reference"), "email": values.get("email")}


def _returns(u: Understanding, state: DialogState) -> dict[str, Any]:
    values = u.entities.values
    item = str(values["position"]) if "position" in values else values.get("product_type")
    return {**_order(u, state), "item": item}


def _handoff(u: Understanding, state: DialogState) -> dict[str, Any]:
    """An explicit request for a person is taken at once; a mention of one, or a complaint, is offered one."""
    if state.handoff_offer and u.intent != "complaint":
        return {"action": "accept", "reason": state.handoff_offer}
    reason = handoff_reason(u.intent, u.sentiment, state)
    return {"action": "accept" if explicit_request(u.text) else "offer", "reason": reason}


_BUILDERS = {
    "search_products": lambda u, state: search_arguments(u),
    "refine": lambda u, state: refine_arguments(u),
    "select": _select,
    "product_question": _about_a_product,
    "describe_product": _about_a_product,
    "recommend": _about_a_product,
    "try_on": _about_a_product,
    "write_ad": _about_a_product,
    "write_description": _about_a_product,
    "compare": _compare,
    "order_status": _order,
    "cancel_order": _order,
    "return_or_refund": _returns,
    "shipping_info": lambda u, state: {"question": u.text, "topic": "shipping"},
    "store_policy": lambda u, state: {"question": u.text},
    "human_handoff": _handoff,
    "complaint": _handoff,
    "out_of_scope": lambda u, state: {},
    **{intent: cart_arguments for intent in CART_ACTIONS},
}


def arguments_for(intent: str, u: Understanding, state: DialogState) -> dict[str, Any]:
    """Every argument the intent's skill might take; `fit` trims them to the skill's input type."""
    builder = _BUILDERS.get(intent)
    args = builder(u, state) if builder else {"intent": intent}
    return {name: value for name, value in args.items() if value is not None}


def fit(arguments: dict[str, Any], input_type: type) -> dict[str, Any]:
    """Only the arguments ``input_type`` (a skill's frozen dataclass) declares."""
    known = {f.name for f in dataclasses.fields(input_type)}
    return {name: value for name, value in arguments.items() if name in known}


def field_type(input_type: type, name: str) -> Any:
    """The declared type of one argument (``bool | None`` for a yes/no question), or None if there is none."""
    hints = typing.get_type_hints(input_type)
    return hints.get(name)
