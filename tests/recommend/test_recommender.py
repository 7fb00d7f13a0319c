"""Recommendations as a shopper meets them: cold starts, history, purchases, reasons, erasure, looks."""
import shutil

from knowledge.product import Product
from skills.recommend.complements import complements_of
from tests.recommend.conftest import NOW, view

PERSONAL_KINDS = {"viewed", "similar", "viewed_together"}


def ids(picks):
    return [r.product.id for r in picks.items]


def of_category(index, category, n):
    return [p.id for p in index.products if p.category == category and p.in_stock][:n]


def test_a_new_shopper_gets_popular_picks_in_stock_with_true_reasons(recommender, recs_index):
    picks = recommender.recommend("webchat:newcomer-0001")
    models = recommender.models()
    assert len(picks.items) == 6 and picks.profile.is_new
    for rec in picks.items:
        row = models.items.row(rec.product.id)
        assert rec.product.in_stock
        assert rec.reason.kind == "popular" and rec.product.category in rec.reason.text
        assert models.popularity[row] > 0
        if "most popular" in rec.reason.text:
            assert models.category_rank[row] < 3
    assert len({r.product.product_type for r in picks.items}) >= 3  # varied, not six of one kind


def test_history_changes_the_list(recommender, recs_index):
    kitchen, shoes = of_category(recs_index, "kitchen", 4), of_category(recs_index, "shoes", 4)
    recommender.record(view("webchat:cook-00001", *kitchen))
    recommender.record(view("webchat:runner-0001", *shoes))
    cook = recommender.recommend("webchat:cook-00001")
    runner = recommender.recommend("webchat:runner-0001")
    assert ids(cook) != ids(runner)
    assert sum(r.product.category == "kitchen" for r in cook.items) >= 3
    assert sum(r.product.category == "shoes" for r in runner.items) >= 3
    assert not set(ids(cook)) & set(kitchen)  # what they just looked at is not shown back

    recommender.record(view("webchat:cook-00001", *shoes, start=NOW))
    assert ids(recommender.recommend("webchat:cook-00001")) != ids(cook)


def test_purchased_items_are_never_recommended_to_the_buyer(recommender):
    best_seller = recommender.recommend("webchat:newcomer-0002", mode="popular").items[0].product
    buyer = "webchat:buyer-00001"
    recommender.record(view(buyer, best_seller.id) + view(buyer, best_seller.id, kind="purchase", start=NOW))
    for mode in ("for_you", "popular"):
        assert best_seller.id not in ids(recommender.recommend(buyer, mode=mode))
    assert best_seller.id in ids(recommender.recommend("webchat:newcomer-0002", mode="popular"))


def test_explanations_name_real_reasons(recommender, recs_index):
    user = "webchat:explain-001"
    viewed = of_category(recs_index, "apparel", 3) + of_category(recs_index, "bags", 2)
    recommender.record(view(user, *viewed))
    picks = recommender.recommend(user)
    models = recommender.models()
    assert {r.reason.kind for r in picks.items} & PERSONAL_KINDS
    for rec in picks.items:
        reason = rec.reason
        if reason.kind in PERSONAL_KINDS:
            assert reason.product_id in viewed
            assert recs_index.by_id(reason.product_id).title in reason.text
        elif reason.kind == "popular":
            assert models.popularity[models.items.row(rec.product.id)] > 0
            assert rec.product.category in reason.text
        else:
            assert reason.kind == "taste"
            prefs = {**picks.profile.brands, **picks.profile.colours, **picks.profile.categories}
            assert any(value in reason.text for value in list(prefs))


def test_erasure_forgets_the_events_and_the_profile(recommender, recs_index):
    user = "webchat:forget-0001"
    shoes = of_category(recs_index, "shoes", 3)
    recommender.record(view(user, *shoes) + view(user, shoes[0], kind="purchase", start=NOW))
    assert recommender.profile(user).categories == {"shoes": 1.0}

    assert recommender.erase(user) == 4
    assert recommender.store.count(user) == 0
    profile = recommender.profile(user)
    assert profile.is_new and not profile.purchased and not profile.categories
    assert ids(recommender.recommend(user)) == ids(recommender.recommend("webchat:stranger-01"))


def test_one_view_is_enough_for_a_new_shopper(recommender, recs_index):
    first = next(p for p in recs_index.products if p.product_type == "sneakers")
    user = "webchat:one-view-01"
    recommender.record(view(user, first.id))
    picks = recommender.recommend(user)
    assert any(r.reason.product_id == first.id for r in picks.items)
    assert any(r.product.category == "shoes" for r in picks.items)


def test_a_new_product_is_recommended_on_content_alone(recs_index, make_recommender, tmp_path, minilm):
    from knowledge.catalog_index import CatalogIndex

    shutil.copytree(recs_index._source.index_dir, tmp_path / "index")  # the stored vectors: nothing to re-embed
    index = CatalogIndex.open(recs_index.catalog_path, tmp_path / "index", minilm, progress=False)
    recommender = make_recommender(index)
    watch = next(p for p in index.products if p.product_type == "watch" and p.in_stock)
    user = "webchat:watcher-001"
    recommender.record(view(user, watch.id))
    before = recommender.recommend(user)
    twin = Product(id="sku-new-1", title=watch.title.replace(watch.brand, "Brimwell") + " II", brand=watch.brand,
                   category=watch.category, product_type=watch.product_type, colour=watch.colour,
                   material=watch.material, gender=watch.gender, price=watch.price, stock=5)
    index.apply_update([twin])
    picks = recommender.recommend(user)
    assert "sku-new-1" not in ids(before) and "sku-new-1" in ids(picks)
    reason = next(r.reason for r in picks.items if r.product.id == "sku-new-1")
    assert reason.kind == "similar" and reason.product_id == watch.id


def test_complete_the_look_of_mens_jeans(recommender, recs_index):
    jeans = next(p for p in recs_index.products if p.product_type == "jeans" and p.gender == "men")
    picks = recommender.recommend("webchat:look-00001", anchor=jeans.id)
    assert picks.mode == "goes_with" and len(picks.items) >= 3
    for rec in picks.items:
        assert rec.product.product_type in complements_of("jeans")  # t-shirts, sneakers, belts, ...
        assert rec.product.gender in ("men", "unisex", "")  # nothing cut for women or kids
        assert rec.reason.kind == "complements" and jeans.title in rec.reason.text
    assert len({r.product.product_type for r in picks.items}) >= 2
