"""Cards merely shown (impressions) are kept apart from what the shopper really looked at or bought."""
import numpy as np

from skills.recommend.events import parse_event
from tests.recommend.conftest import NOW, view

CITING = {"viewed", "similar", "viewed_together"}  # reasons that name a product the shopper acted on


def test_an_impression_is_a_valid_event_that_needs_a_product():
    event = parse_event({"id": "e1", "user": "webchat:a", "type": "impression", "item": "sku-1"})
    assert event.type == "impression" and event.item == "sku-1"


def test_shown_cards_never_become_views_in_the_profile_or_the_reasons(recommender, recs_index):
    user = "webchat:scroller-01"
    apparel = [p.id for p in recs_index.products if p.category == "apparel" and p.in_stock][:2]
    shown = [p.id for p in recs_index.products if p.category in ("kitchen", "shoes") and p.in_stock][:8]
    recommender.record(view(user, *shown, kind="impression", start=NOW - 900) + view(user, *apparel))

    profile = recommender.profile(user)
    items = recommender.models().items
    as_shown = profile.to_dict(items)
    assert set(as_shown["recently_viewed"]) == set(apparel)
    assert set(as_shown["recently_shown"]) == set(shown)
    assert profile.counts == {"impression": len(shown), "view": len(apparel)}
    assert set(profile.categories) == {"apparel"}  # shown cards say nothing about taste

    picks = recommender.recommend(user)
    assert picks.items
    for rec in picks.items:
        if rec.reason.kind in CITING:
            assert rec.reason.product_id in apparel, rec.reason.text
        for product_id in shown:
            assert items.products[items.row(product_id)].title not in rec.reason.text


def test_a_shopper_with_only_impressions_is_still_new(recommender, recs_index):
    user = "webchat:glancer-01"
    shown = [p.id for p in recs_index.products if p.in_stock][:8]
    recommender.record(view(user, *shown, kind="impression"))
    picks = recommender.recommend(user)
    assert picks.profile.is_new and "viewed" not in recommender.profile(user).describe()
    assert all(rec.reason.kind not in CITING for rec in picks.items)


def test_impressions_do_not_feed_popularity(recommender, recs_index):
    before = recommender.refresh().popularity.copy()
    shown = [p.id for p in recs_index.products if p.in_stock][:5]
    recommender.record(view("webchat:glancer-02", *shown, kind="impression"))
    after = recommender.refresh().popularity  # refitted a moment later: only the decay may differ
    assert np.allclose(after / after.max(), before / before.max(), rtol=1e-6, atol=0)


def test_a_long_scroll_does_not_push_what_the_shopper_did_out_of_the_profile(recommender, recs_index):
    user = "webchat:scroller-02"
    viewed = [p.id for p in recs_index.products if p.category == "bags" and p.in_stock][:2]
    others = [p.id for p in recs_index.products if p.category != "bags" and p.in_stock][:300]
    recommender.record(view(user, *viewed, start=NOW - 5000) + view(user, *others, kind="impression", start=NOW - 3000))
    profile = recommender.profile(user)
    assert {recs_index.products[row].id for row in profile.recent} == set(viewed)
    assert set(profile.categories) == {"bags"}
