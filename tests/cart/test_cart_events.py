"""Cart events reach recommendations (an add-to-cart weighs more than a view) and the admin dashboard."""
from __future__ import annotations

import time

from agent.cart_setup import EventRecorder
from channels.admin.figures import Sources, compute_figures
from skills.base import SkillContext
from skills.cart import CartInput
from skills.recommend.events import Event, EventStore, interest, parse_event
from tests.cart.test_skill import pick


class Recorder:
    """The part of a `Recommender` the cart's listener uses, over a real event store."""

    def __init__(self, store: EventStore) -> None:
        self.store = store

    def record(self, events):
        return self.store.add(events)


async def test_adding_and_checking_out_become_shopper_events(cart_skill, products, tmp_path):
    events = EventStore.open(tmp_path / "events.db")
    cart_skill.listeners.append(EventRecorder(Recorder(events)))
    shown = pick(products, 2, sized=False)
    ctx = SkillContext("webchat:s1", "", slots={"last_results": [p.id for p in shown]})
    await cart_skill.run(CartInput(action="add", group="both", quantity=2), ctx)
    await cart_skill.run(CartInput(action="checkout"), ctx)
    kinds = [(e.type, e.item) for e in events.for_user("webchat:s1")]
    assert sorted(kinds) == sorted([("add_to_cart", p.id) for p in shown] + [("checkout", "")])
    added = next(e for e in events.for_user("webchat:s1") if e.type == "add_to_cart")
    assert interest(added) > interest(Event("v", "webchat:s1", "view", item=shown[0].id))
    events.close()


class _Store:
    async def idle_since(self, ts):
        return []


async def test_the_dashboard_counts_carts_started_and_checkouts(tmp_path):
    events = EventStore.open(tmp_path / "events.db")
    now = time.time()
    planted = [("a", "add_to_cart", "p1"), ("a", "add_to_cart", "p2"), ("b", "add_to_cart", "p1"), ("a", "checkout", "")]
    events.add(Event(f"e{n}", f"webchat:{user}", kind, item=item, ts=now - 60 + n)
               for n, (user, kind, item) in enumerate(planted))
    events.add([parse_event({"id": "w1", "user": "webchat:b", "type": "checkout"}, source="widget")])  # the button
    figures = await compute_figures(Sources(_Store(), events=events), days=1, now=now)
    assert (figures.totals.carts_started, figures.totals.checkouts) == (2, 2)
    assert figures.to_dict()["totals"]["checkout_rate"] == 1.0
    events.close()
