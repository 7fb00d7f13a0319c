"""Fitting the blend's weights on held-out next items: chosen by how they rank, stored, and served."""
import time

import numpy as np
import pytest
import torch

from skills.recommend.attribute_items import items_from_attributes
from skills.recommend.blend import Weights
from skills.recommend.blend_fit import BlendFit, events_before_held_out, fit_weights
from skills.recommend.events import EventStore
from skills.recommend.sasrec import SASRec, SASRecConfig, save_checkpoint
from skills.recommend.service import Recommender, RecommendSettings


def walk(users=150, n=120, seed=0):
    """Shoppers who walk the catalog one item at a time: the next item always follows the last."""
    rng = np.random.default_rng(seed)
    histories, held_out = [], []
    for _ in range(users):
        start, length = int(rng.integers(n)), int(rng.integers(4, 9))
        seq = [(start + step) % n + 1 for step in range(length)]
        histories.append(seq[:-1])
        held_out.append(seq[-1])
    return [str(i) for i in range(1, n + 1)], histories, held_out


def recommender_for(tmp_path, item_ids, histories, blend=None, weights=None, attributes=None):
    """A served recommender whose sequential model is untrained: a signal that knows nothing."""
    torch.manual_seed(0)
    tmp_path.mkdir(parents=True, exist_ok=True)
    items = items_from_attributes(item_ids, attributes)
    path = tmp_path / "model.pt"
    save_checkpoint(path, SASRec(SASRecConfig(n_items=len(item_ids), dim=16)), item_ids, {}, {}, blend)
    store = EventStore.open(tmp_path / "events.db")
    store.add(events_before_held_out([f"u{i}" for i in range(len(histories))], histories, item_ids, time.time()))
    settings = RecommendSettings(model_path=path, refresh_seconds=1e9, **({"weights": weights} if weights else {}))
    return Recommender(lambda: items, store, settings), items


def test_the_fit_leans_on_the_signal_that_ranks_the_held_out_items(tmp_path):
    item_ids, histories, held_out = walk()
    recommender, items = recommender_for(tmp_path, item_ids, histories)
    cases = [(f"u{i}", items.row(item_ids[target - 1])) for i, target in enumerate(held_out)]
    fit = fit_weights(recommender, cases)
    assert fit.cases == len(cases)
    assert fit.weights.sequential == 1.0 and fit.weights.co_occurrence > Weights().co_occurrence
    assert fit.valid["hr10"] >= fit.default["hr10"] and fit.valid["ndcg10"] > fit.default["ndcg10"]
    recommender.close()


def test_signals_that_said_nothing_keep_their_default_weights(tmp_path):
    item_ids, histories, held_out = walk(users=60)
    recommender, items = recommender_for(tmp_path, item_ids, histories)  # no attributes: no content, no taste
    fit = fit_weights(recommender, [(f"u{i}", items.row(item_ids[t - 1])) for i, t in enumerate(held_out)])
    assert (fit.weights.content, fit.weights.affinity) == (Weights().content, Weights().affinity)
    recommender.close()


def test_the_served_recommender_uses_the_fitted_weights_unless_the_shop_set_its_own(tmp_path):
    item_ids, histories, _ = walk(users=20)
    fitted = BlendFit(Weights(co_occurrence=3.0, popularity=0.0), {}, {}, 20).to_dict()
    served, _ = recommender_for(tmp_path / "a", item_ids, histories, blend=fitted)
    assert served.settings.weights == Weights(co_occurrence=3.0, popularity=0.0)
    by_hand = Weights(content=0.9)
    kept, _ = recommender_for(tmp_path / "b", item_ids, histories, blend=fitted, weights=by_hand)
    assert kept.settings.weights == by_hand
    defaults_by_hand, _ = recommender_for(tmp_path / "c", item_ids, histories, blend=fitted, weights=Weights())
    assert defaults_by_hand.settings.weights == Weights()  # said by hand, even if they are the defaults
    for recommender in (served, kept, defaults_by_hand):
        recommender.close()


def test_the_shop_sets_the_weights_in_its_config_and_a_wrong_one_is_named(tmp_path):
    from agent.config import BLEND_SIGNALS, load_config
    from agent.errors import ConfigError
    from agent.recommend_setup import recommend_settings
    from skills.recommend.blend import SIGNALS

    assert BLEND_SIGNALS == SIGNALS
    config = load_config(None, {"AISLE_RECOMMEND__WEIGHTS": "co_occurrence=0.5,popularity=0"})
    assert recommend_settings(config).weights == Weights(co_occurrence=0.5, popularity=0.0)
    assert recommend_settings(load_config(None, {})).weights is None  # the model's fitted weights, else defaults
    with pytest.raises(ConfigError, match="recommend.weights.content"):
        load_config(None, {"AISLE_RECOMMEND__WEIGHTS": "content=lots"})
    with pytest.raises(ConfigError, match="'taste' is not one"):
        load_config(None, {"AISLE_RECOMMEND__WEIGHTS": "taste=1"})


@pytest.mark.parametrize("record", [None, {}, {"weights": "heavy"}, {"weights": {"co_occurrence": "lots"}}])
def test_a_missing_or_broken_fit_record_leaves_the_defaults(record):
    assert BlendFit.weights_from(record) is None


def test_fitting_without_a_sequential_model_says_what_is_missing(tmp_path):
    item_ids, histories, _ = walk(users=10)
    items = items_from_attributes(item_ids, None)
    store = EventStore.open(tmp_path / "events.db")
    store.add(events_before_held_out([f"u{i}" for i in range(10)], histories, item_ids, time.time()))
    recommender = Recommender(lambda: items, store, RecommendSettings(refresh_seconds=1e9))
    with pytest.raises(ValueError, match="sequential model"):
        fit_weights(recommender, [("u0", 0)])
    recommender.close()
