"""Order status, returns and cancellations over a real SQLite order store with the demo orders."""
from datetime import date, timedelta

import pytest

from knowledge.demo.catalog import generate_products
from skills.base import SkillContext
from skills.orders import (
    CancelOrderInput, CancelOrderSkill, OrderError, OrderStatusInput, OrderStatusSkill, ReturnInput, ReturnSkill,
    SQLiteOrderStore, normalise_order_number,
)
from skills.orders.demo import DEMO_CUSTOMERS, demo_orders, ensure_demo_orders

TODAY = date(2026, 3, 10)
PRODUCTS = generate_products(80, seed=5, images=False)
ALEX = DEMO_CUSTOMERS[0][1]  # even index: the newest order has shipped
SAM = DEMO_CUSTOMERS[1][1]  # odd index: the newest order is still being prepared


@pytest.fixture
async def store(tmp_path):
    store = SQLiteOrderStore.open(tmp_path / "orders.db", today=TODAY)
    ensure_demo_orders(store, PRODUCTS)
    yield store
    await store.close()


def signed_in(customer: str | None, **slots) -> SkillContext:
    return SkillContext("test:1", "", {"customer": customer, **slots} if customer else dict(slots))


def test_demo_orders_are_deterministic_and_cover_every_case():
    first, again = demo_orders(PRODUCTS, TODAY), demo_orders(PRODUCTS, TODAY)
    assert first == again and len({o.number for o in first}) == len(first)
    assert {o.status for o in first} == {"processing", "shipped", "delivered"}
    assert all(normalise_order_number(o.number) == o.number for o in first)
    assert all(o.items and all(i.product_id in {p.id for p in PRODUCTS} for i in o.items) for o in first)


async def test_demo_orders_are_made_again_each_day_and_kept_within_one(tmp_path):
    first = SQLiteOrderStore.open(tmp_path / "orders.db", today=TODAY)
    assert ensure_demo_orders(first, PRODUCTS) > 0 and ensure_demo_orders(first, PRODUCTS) == 0
    number = (await first.orders_for(SAM))[0].number
    await first.cancel(number)
    assert ensure_demo_orders(first, PRODUCTS) == 0 and (await first.get(number)).status == "cancelled"
    await first.close()
    tomorrow = SQLiteOrderStore.open(tmp_path / "orders.db", today=TODAY + timedelta(days=1))
    assert ensure_demo_orders(tomorrow, PRODUCTS) > 0
    assert all(o.placed <= TODAY + timedelta(days=1) for o in await tomorrow.orders_for(SAM))
    await tomorrow.close()


@pytest.mark.parametrize("text, number", [
    ("ORD-123456", "ORD-123456"), ("ord 123456", "ORD-123456"), ("#123456", "ORD-123456"), ("123456", "ORD-123456"),
    ("ORD-12345", None), ("12-34", None), ("ORD-1234567", "ORD-1234567"), ("ord 4829135570", "ORD-4829135570"),
    ("ORD-1234567890123", None), ("hello", None),
])
def test_order_numbers_are_normalised_or_refused(text, number):
    assert normalise_order_number(text) == number


async def test_status_of_the_latest_order_and_a_malformed_number(store):
    skill = OrderStatusSkill(store, today=lambda: TODAY)
    latest = await skill.run(OrderStatusInput(), signed_in(ALEX))
    assert "shipped on" in latest.text and "tracking number" in latest.text
    assert len(latest.quick_replies) == 2  # the two earlier orders, to check with one tap
    bad = await skill.run(OrderStatusInput(order_number="12345"), signed_in(ALEX))
    assert "ORD-123456" in bad.text and bad.data["failed"]
    assert bad.slots["awaiting_answer"] == {"skill": "order_status", "intent": "order_status",
                                            "argument": "order_number", "args": {}}


async def test_an_order_is_only_shown_to_its_customer(store):
    skill = OrderStatusSkill(store, today=lambda: TODAY)
    sams = (await store.orders_for(SAM))[0]
    assert "can't find" in (await skill.run(OrderStatusInput(order_number=sams.number), signed_in(ALEX))).text
    anonymous = await skill.run(OrderStatusInput(email=SAM), signed_in(None))
    assert "order number" in anonymous.text and sams.number not in anonymous.text, "a typed email lists nothing"
    confirmed = await skill.run(OrderStatusInput(order_number=sams.number, email=SAM), signed_in(None))
    assert sams.number in confirmed.text and "being prepared" in confirmed.text


async def test_a_return_asks_for_the_item_and_the_reason_then_opens_it(store):
    skill = ReturnSkill(store, today=lambda: TODAY)
    order = next(o for o in await store.orders_for(ALEX) if o.status == "delivered"
                 and o.delivered >= TODAY - timedelta(days=30))
    args = ReturnInput(order_number=order.number)
    if len(order.items) > 1:
        which = await skill.run(args, signed_in(ALEX))
        assert which.quick_replies == tuple(i.title for i in order.items)
        assert which.slots["awaiting_answer"]["argument"] == "item"
    why = await skill.run(ReturnInput(order_number=order.number, item=order.items[0].title), signed_in(ALEX))
    assert why.slots["awaiting_answer"]["argument"] == "reason"
    opened = await skill.run(ReturnInput(order.number, str(order.items[0].line), "too small"), signed_in(ALEX))
    assert opened.data["return"].startswith("RET-") and (await store.get(order.number)).items[0].returned
    with pytest.raises(OrderError):
        await store.request_return(order.number, order.items[0].line, "again")


async def test_returns_respect_the_window_and_the_order_status(store):
    skill = ReturnSkill(store, today=lambda: TODAY)
    orders = await store.orders_for(SAM)
    old = next(o for o in orders if o.status == "delivered" and o.delivered < TODAY - timedelta(days=30))
    assert "30-day return window" in (await skill.run(ReturnInput(order_number=old.number), signed_in(SAM))).text
    open_order = next(o for o in orders if o.status == "processing")
    reply = await skill.run(ReturnInput(order_number=open_order.number), signed_in(SAM))
    assert "hasn't shipped" in reply.text and reply.quick_replies == ("Cancel my order",)


async def test_cancelling_asks_first_and_only_before_shipping(store):
    skill = CancelOrderSkill(store)
    asked = await skill.run(CancelOrderInput(), signed_in(SAM))
    number = asked.slots["awaiting_answer"]["args"]["order_number"]
    assert asked.quick_replies == ("Yes, cancel it", "No, keep it")
    done = await skill.run(CancelOrderInput(order_number=number, confirm=True), signed_in(SAM))
    assert "is cancelled" in done.text and (await store.get(number)).status == "cancelled"
    shipped = await skill.run(CancelOrderInput(), signed_in(ALEX))
    assert "already shipped" in shipped.text
