"""Reading the cart's arguments from a message: quantities said many ways, several positions, groups."""
from __future__ import annotations

import pytest

from skills.cart.arguments import cart_arguments, quantity_of
from agent.nlu.entities import Entities
from agent.nlu.understanding import Understanding
from agent.state import DialogState


@pytest.mark.parametrize("text, quantity, more", [
    ("make it two", 2, None), ("make that 3 please", 3, None), ("change the quantity to 4", 4, None),
    ("I want three of them", 3, None), ("set the sneakers to 5", 5, None), ("reduce it to 1", 1, None),
    ("x2", 2, None), ("2 pairs", 2, None), ("add 2 of the second one", 2, None), ("put two in my cart", 2, None),
    ("one more", None, 1), ("add another", None, 1), ("two more of those", None, 2), ("3", 3, None),
    ("add the second one to my cart", None, None), ("add the first one in size 9", None, None),
    ("remove the mug", None, None), ("what's in my cart?", None, None),
])
def test_quantities_are_read_whichever_way_they_are_said(text, quantity, more):
    assert quantity_of(text) == (quantity, more)


def _understood(text: str, intent: str, **values) -> Understanding:
    return Understanding(text, intent, 0.9, entities=Entities(values))


def test_arguments_name_the_action_positions_groups_and_attributes():
    args = cart_arguments(_understood("add the first and the third to my cart", "add_to_cart", position=1), DialogState())
    assert (args["action"], args["positions"]) == ("add", "1,3") and "position" not in args
    args = cart_arguments(_understood("add both", "add_to_cart"), DialogState())
    assert args["group"] == "both"
    args = cart_arguments(_understood("remove the red one", "remove_from_cart", colour="red", reference="current"),
                          DialogState())
    assert (args["action"], args["colour"]) == ("remove", "red")
    args = cart_arguments(_understood("2", "update_cart", position=2), DialogState())
    assert args["quantity"] == 2 and "position" not in args  # a bare number is how many, not which
    args = cart_arguments(_understood("add the second one in size 9", "add_to_cart", position=2, size="9"),
                          DialogState())
    assert (args["position"], args["size"], args["quantity"]) == (2, "9", None)


def test_double_and_triple_multiply():
    assert cart_arguments(_understood("double it", "update_cart"), DialogState())["factor"] == 2
    assert cart_arguments(_understood("make it 3", "update_cart"), DialogState()).get("factor") is None
