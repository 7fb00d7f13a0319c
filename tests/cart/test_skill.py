"""The cart skill on its own: references to what was shown, size questions, and every bad input refused whole."""
from __future__ import annotations

import pytest

from skills.base import SkillContext
from skills.cart import CartInput, conversation_owner

CID = "rest:shopper"


def ctx(shown, **slots) -> SkillContext:
    return SkillContext(CID, "", slots={"last_results": [p.id for p in shown], **slots})


def pick(products, n=2, sized=True, stock=(10, 10_000)):
    """Products to show, chosen by attributes: in stock (as much as asked), with or without sizes."""
    found = [p for p in products.values() if bool(p.sizes) == sized and stock[0] <= p.stock <= stock[1]]
    assert len(found) >= n
    return found[:n]


async def cart_of(skill):
    return await skill.store.get(conversation_owner(CID))


async def test_adding_a_sized_product_asks_for_the_size_then_adds_it(cart_skill, products):
    shown = pick(products, 2)
    asked = await cart_skill.run(CartInput(action="add", position=2), ctx(shown))
    product = shown[1]
    assert asked.slots["awaiting_answer"]["argument"] == "size" and product.title in asked.text
    assert [q.removeprefix("Size ") for q in asked.quick_replies][0] in product.sizes
    assert (await cart_of(cart_skill)).lines == ()
    size = product.sizes[-1]
    answer = CartInput(**{**asked.slots["awaiting_answer"]["args"], "size": f"size {size} please"})
    added = await cart_skill.run(answer, ctx(shown))
    assert f"size {size}" in added.text and added.data["cart"]["count"] == 1
    line = (await cart_of(cart_skill)).lines[0]
    assert (line.product_id, line.size, line.quantity) == (product.id, size, 1)


async def test_the_red_one_both_and_it_name_products_shown(cart_skill, products):
    unsized = pick(products, 2, sized=False)
    await cart_skill.run(CartInput(action="add", group="both"), ctx(unsized))
    assert {line.product_id for line in (await cart_of(cart_skill)).lines} == {p.id for p in unsized}
    coloured = [p for p in products.values() if not p.sizes and p.stock >= 5 and p.colour][2:6]
    target = coloured[-1]
    await cart_skill.run(CartInput(action="add", colour=target.colour), ctx([p for p in coloured
                                                                              if p.colour != target.colour] + [target]))
    assert target.id in {line.product_id for line in (await cart_of(cart_skill)).lines}
    await cart_skill.run(CartInput(action="update", quantity=3), ctx([], cart_focus=[target.id, ""]))
    assert (await cart_of(cart_skill)).line_for(target.id).quantity == 3


async def test_remove_by_kind_and_empty(cart_skill, products):
    shown = pick(products, 2, sized=False)
    await cart_skill.run(CartInput(action="add", positions="1,2"), ctx(shown))
    gone = shown[0]
    removed = await cart_skill.run(CartInput(action="remove", product_type=gone.product_type), ctx(shown[1:]))
    assert f"Removed the {gone.title}" in removed.text
    assert [line.product_id for line in (await cart_of(cart_skill)).lines] == [shown[1].id]
    emptied = await cart_skill.run(CartInput(action="clear"), ctx([]))
    assert emptied.data["cart"]["count"] == 0 and (await cart_of(cart_skill)).lines == ()


async def test_showing_the_cart_makes_its_lines_the_products_positions_count_in(cart_skill, products):
    shown = pick(products, 2, sized=False)
    await cart_skill.run(CartInput(action="add", positions="2,1"), ctx(shown))
    listed = await cart_skill.run(CartInput(action="show"), ctx(shown))
    assert listed.slots["last_results"] == [shown[1].id, shown[0].id]
    assert "Total:" in listed.text and "Checkout" in listed.quick_replies
    await cart_skill.run(CartInput(action="remove", position=1), ctx([], last_results=listed.slots["last_results"]))
    assert [line.product_id for line in (await cart_of(cart_skill)).lines] == [shown[0].id]


async def test_checkout_gives_the_shops_link_with_the_cart(cart_skill, products):
    empty = await cart_skill.run(CartInput(action="checkout"), ctx([]))
    assert "empty" in empty.text and empty.data["failed"]
    shown = pick(products, 1, sized=False)
    await cart_skill.run(CartInput(action="add", position=1), ctx(shown))
    done = await cart_skill.run(CartInput(action="checkout"), ctx(shown))
    cart = await cart_of(cart_skill)
    assert done.data["checkout_url"] == cart.checkout_url and cart.id in cart.checkout_url
    assert cart.checkout_url in done.text


# -- bad input: a clear answer, and nothing half-done -------------------------------------------


async def test_an_unknown_product_is_named_and_nothing_is_added(cart_skill, products):
    shown = pick(products, 2, sized=False)
    for args in (CartInput(action="add", product_id="no-such-product"), CartInput(action="add", position=7),
                 CartInput(action="add", positions="1,9")):
        result = await cart_skill.run(args, ctx(shown))
        assert result.data["failed"] and ("no-such-product" in result.text or "I showed 2 products" in result.text)
    assert (await cart_of(cart_skill)).lines == ()


async def test_a_size_the_product_does_not_come_in_is_refused_and_asked_again(cart_skill, products):
    product = pick(products, 1)[0]
    missing = next(s for s in ("13", "XXXL", "4", "XS", "15") if s not in product.sizes)
    result = await cart_skill.run(CartInput(action="add", position=1, size=missing), ctx([product]))
    assert f"doesn't come in size {missing}" in result.text and product.sizes[0] in result.text
    assert result.slots["awaiting_answer"]["argument"] == "size"
    assert (await cart_of(cart_skill)).lines == ()


async def test_an_out_of_stock_product_is_not_added(cart_skill, products):
    gone = next(p for p in products.values() if p.stock == 0)
    result = await cart_skill.run(CartInput(action="add", position=1, size=(gone.sizes or ("",))[0] or None),
                                  ctx([gone]))
    assert "out of stock" in result.text and result.data["failed"]
    assert (await cart_of(cart_skill)).lines == ()


async def test_one_bad_product_in_a_batch_adds_none_of_them(cart_skill, products):
    fine = pick(products, 1, sized=False)[0]
    gone = next(p for p in products.values() if p.stock == 0 and not p.sizes)
    result = await cart_skill.run(CartInput(action="add", group="both"), ctx([fine, gone]))
    assert "out of stock" in result.text and (await cart_of(cart_skill)).lines == ()


@pytest.mark.parametrize("limit", ["stock", "max_quantity"])
async def test_a_quantity_over_stock_or_the_limit_is_refused_and_the_cart_keeps_its_quantity(cart_skill, products,
                                                                                             limit):
    low = next(p for p in products.values() if not p.sizes and 1 < p.stock < 5) if limit == "stock" else \
        pick(products, 1, sized=False)[0]
    await cart_skill.run(CartInput(action="add", position=1), ctx([low]))
    too_many = low.stock + 1 if limit == "stock" else cart_skill.max_quantity + 1
    for args in (CartInput(action="update", quantity=too_many), CartInput(action="add", position=1, quantity=too_many)):
        result = await cart_skill.run(args, ctx([low]))
        expected = f"Only {low.stock} of the {low.title}" if limit == "stock" else \
            f"at most {cart_skill.max_quantity} of one item"
        assert expected in result.text and result.data["failed"], result.text
    assert (await cart_of(cart_skill)).line_for(low.id).quantity == 1


async def test_a_signed_in_shopper_takes_the_conversations_cart_along(cart_skill, products):
    shown = pick(products, 1, sized=False)
    await cart_skill.run(CartInput(action="add", position=1), ctx(shown))
    signed_in = await cart_skill.run(CartInput(action="show"), ctx(shown, customer="Ben@Example.com"))
    assert signed_in.data["cart"]["count"] == 1 and signed_in.slots["cart_owner"] == "customer:ben@example.com"
    assert (await cart_of(cart_skill)).lines == ()


async def test_a_size_for_a_product_without_sizes_is_named_not_dropped(cart_skill, products):
    mug = pick(products, 1, sized=False)[0]
    result = await cart_skill.run(CartInput(action="add", position=1, size="9"), ctx([mug]))
    assert f"The {mug.title} comes in one size." in result.text and result.data["cart"]["count"] == 1


async def test_removing_something_the_cart_does_not_hold_removes_nothing(cart_skill, products):
    shown = pick(products, 1, sized=False)
    await cart_skill.run(CartInput(action="add", position=1), ctx(shown))
    result = await cart_skill.run(CartInput(action="remove", mention="remove the gizmotron"), ctx(shown))
    assert "couldn't find “gizmotron”" in result.text and shown[0].title in result.text
    assert [line.product_id for line in (await cart_of(cart_skill)).lines] == [shown[0].id]


async def test_a_size_said_in_words_is_understood(cart_skill, products):
    lettered = next(p for p in products.values() if "M" in p.sizes and p.stock >= 2)
    result = await cart_skill.run(CartInput(action="add", position=1, mention="add it in a medium"), ctx([lettered]))
    assert "size M" in result.text and (await cart_of(cart_skill)).lines[0].size == "M"


async def test_doubling_a_line_checks_the_limit_like_any_other_change(cart_skill, products):
    mug = pick(products, 1, sized=False)[0]
    await cart_skill.run(CartInput(action="add", position=1, quantity=2), ctx([mug]))
    doubled = await cart_skill.run(CartInput(action="update", factor=2), ctx([], cart_focus=[mug.id, ""]))
    assert f"4 × {mug.title}" in doubled.text
    again = await cart_skill.run(CartInput(action="update", factor=2), ctx([], cart_focus=[mug.id, ""]))
    assert "at most 5" in again.text and (await cart_of(cart_skill)).line_for(mug.id).quantity == 4
