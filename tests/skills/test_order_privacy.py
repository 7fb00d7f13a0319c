"""Orders are shown only to who proves they are theirs (issue 17, defect 1): a shopper signed in by the
shop (a verified identity), or the order number together with the e-mail on the order; failed tries are
limited per conversation and per address, and no failure says whether an order exists."""
from datetime import date

import pytest

from knowledge.demo.catalog import generate_products
from skills.base import SkillContext
from skills.orders import (CancelOrderInput, CancelOrderSkill, OrderStatusInput, OrderStatusSkill, ReturnInput,
                           ReturnSkill, SQLiteOrderStore)
from skills.orders.demo import DEMO_CUSTOMERS, ensure_demo_orders
from skills.orders.guard import LookupGuard

TODAY = date(2026, 3, 10)
PRODUCTS = generate_products(80, seed=5, images=False)
ALEX, SAM = DEMO_CUSTOMERS[0][1], DEMO_CUSTOMERS[1][1]


@pytest.fixture
async def store(tmp_path):
    store = SQLiteOrderStore.open(tmp_path / "orders.db", today=TODAY)
    ensure_demo_orders(store, PRODUCTS)
    yield store
    await store.close()


def anonymous(conversation: str = "rest:stranger", client: str = "203.0.113.9", **slots) -> SkillContext:
    return SkillContext(conversation, "", dict(slots), client=client)


@pytest.mark.parametrize("make, args", [
    (lambda store, guard: OrderStatusSkill(store, guard=guard, today=lambda: TODAY), OrderStatusInput),
    (lambda store, guard: CancelOrderSkill(store, guard=guard), CancelOrderInput),
    (lambda store, guard: ReturnSkill(store, guard=guard, today=lambda: TODAY), ReturnInput),
])
async def test_an_order_number_alone_shows_nothing_and_asks_for_the_email_on_the_order(store, make, args):
    skill = make(store, LookupGuard())
    sams = (await store.orders_for(SAM))[0]
    asked = await skill.run(args(order_number=sams.number), anonymous())
    assert "e-mail" in asked.text and sams.summary() not in asked.text and "being prepared" not in asked.text
    assert asked.slots["awaiting_answer"]["argument"] == "email"
    assert asked.slots["awaiting_answer"]["args"]["order_number"] == sams.number
    shown = await skill.run(args(order_number=sams.number, email=SAM.upper()), anonymous())
    assert sams.number in shown.text and "e-mail" not in shown.text.split(".")[0]


async def test_a_wrong_email_and_a_missing_order_get_the_same_answer(store):
    skill = OrderStatusSkill(store, guard=LookupGuard(), today=lambda: TODAY)
    sams = (await store.orders_for(SAM))[0]
    wrong_email = await skill.run(OrderStatusInput(order_number=sams.number, email=ALEX), anonymous("rest:a"))
    missing = await skill.run(OrderStatusInput(order_number="ORD-000001", email=ALEX), anonymous("rest:b"))
    assert wrong_email.text.replace(sams.number, "N") == missing.text.replace("ORD-000001", "N")
    assert sams.summary() not in wrong_email.text


async def test_failed_tries_are_limited_per_conversation_and_per_address(store):
    guard = LookupGuard(per_conversation=3, per_address=5)
    skill = OrderStatusSkill(store, guard=guard, today=lambda: TODAY)
    sams = (await store.orders_for(SAM))[0]
    for n in range(3):
        await skill.run(OrderStatusInput(order_number=f"ORD-10000{n}", email=SAM), anonymous("rest:guesser"))
    blocked = await skill.run(OrderStatusInput(order_number=sams.number, email=SAM), anonymous("rest:guesser"))
    assert sams.summary() not in blocked.text and "too many" in blocked.text.lower()
    for n in range(2):  # a new conversation from the same address: two more tries, then the address is spent
        await skill.run(OrderStatusInput(order_number=f"ORD-20000{n}", email=SAM), anonymous(f"rest:fresh-{n}"))
    spent = await skill.run(OrderStatusInput(order_number=sams.number, email=SAM), anonymous("rest:fresh-9"))
    assert "too many" in spent.text.lower()
    elsewhere = await skill.run(OrderStatusInput(order_number=sams.number, email=SAM),
                                anonymous("rest:sam", client="198.51.100.7"))
    assert sams.number in elsewhere.text and "being prepared" in elsewhere.text


async def test_a_signed_in_shopper_sees_their_orders_and_no_one_elses(store):
    skill = OrderStatusSkill(store, guard=LookupGuard(), today=lambda: TODAY)
    signed_in = SkillContext("webchat:s1", "", {"customer": ALEX}, client="203.0.113.9")
    latest = await skill.run(OrderStatusInput(), signed_in)
    assert "tracking number" in latest.text
    sams = (await store.orders_for(SAM))[0]
    other = await skill.run(OrderStatusInput(order_number=sams.number), signed_in)
    assert sams.summary() not in other.text and "can't find" in other.text


async def test_a_signed_in_customer_is_not_locked_out_by_strangers_failing_from_the_same_address(store):
    guard = LookupGuard(per_conversation=2, per_address=2)
    skill = OrderStatusSkill(store, guard=guard, today=lambda: TODAY)
    for n in range(3):
        await skill.run(OrderStatusInput(order_number=f"ORD-30000{n}", email=SAM), anonymous(f"rest:s{n}"))
    alex = (await store.orders_for(ALEX))[0]
    mine = await skill.run(OrderStatusInput(order_number=alex.number),
                           SkillContext("webchat:alex", "", {"customer": ALEX}, client="203.0.113.9"))
    assert f"Order {alex.number}" in mine.text


async def test_long_random_order_numbers_are_read_alongside_the_six_digit_ones(store):
    from dataclasses import replace

    from training.pii import Redactor

    old = (await store.orders_for(SAM))[0]
    store.add([replace(old, number="ORD-4829135570")])  # a shop that issues unguessable numbers
    skill = OrderStatusSkill(store, guard=LookupGuard(), today=lambda: TODAY)
    for number in ("ORD-4829135570", "#4829135570", old.number):
        shown = await skill.run(OrderStatusInput(order_number=number, email=SAM), anonymous())
        assert "being prepared" in shown.text or "shipped" in shown.text or "delivered" in shown.text, number
    assert "4829135570" not in Redactor().redact("where is order ORD-4829135570?")
