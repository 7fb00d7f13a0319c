"""`aisle train recs` and `python -m bench.recs` on tiny data: checkpoints, metrics and the JSON contract."""
import json

import pytest
import torch

from bench.recs import main as bench_main
from channels.cli.main import main as aisle
from knowledge.demo.catalog import generate_demo_catalog
from tests.recommend.conftest import view, write_sequences


def test_train_recs_on_a_sequence_file_writes_a_checkpoint_with_its_config_and_metrics(tmp_path, capsys):
    data = write_sequences(tmp_path / "Beauty.txt")
    out = tmp_path / "model.pt"
    assert aisle(["--config", str(tmp_path / "none.yml"), "train", "recs", "--data", str(data), "--out", str(out),
                  "--max-minutes", "0.05"]) == 0
    printed = capsys.readouterr().out
    assert "trained on 120 shoppers, 60 products" in printed and "test HR@10" in printed
    checkpoint = torch.load(out, weights_only=True)
    assert checkpoint["config"]["n_items"] == 60 and checkpoint["train_config"]["loss"] == "ce"
    assert checkpoint["item_ids"][:3] == ["1", "2", "3"]
    assert set(checkpoint["metrics"]) >= {"valid", "test", "train_seconds", "epochs"}


def test_training_fits_the_served_blend_and_refits_with_the_validation_items(tmp_path):
    from training.recs import TrainRecsConfig, train
    from training.recs_data import read_sequence_file

    data = read_sequence_file(write_sequences(tmp_path / "Beauty.txt"))
    config = TrainRecsConfig(dim=16, threads=1, max_epochs=3, blend_cases=40, refit_epochs=1)
    result = train(config, data, tmp_path / "model.pt", progress=False, log=lambda _: None)
    assert result.blend is not None and result.blend.cases == 40 and result.early_stopped is not None
    assert result.metrics["refit_epochs"] == 1 and set(result.metrics["test_early_stopped"]) == {"hr10", "ndcg10"}
    checkpoint = torch.load(tmp_path / "model.pt", weights_only=True)
    assert checkpoint["blend"]["weights"]["sequential"] == 1.0 and checkpoint["blend"]["cases"] == 40
    plain = train(TrainRecsConfig(dim=16, threads=1, max_epochs=1, blend_cases=0, refit_epochs=0), data,
                  progress=False, log=lambda _: None)
    assert plain.blend is None and plain.early_stopped is None and "test_early_stopped" not in plain.metrics


def test_a_blend_that_cannot_be_fitted_leaves_the_defaults_and_says_why(tmp_path):
    from knowledge.product import Product
    from skills.recommend.items import ItemTable
    from training.recs import TrainRecsConfig, train
    from training.recs_data import read_sequence_file

    data = read_sequence_file(write_sequences(tmp_path / "Beauty.txt"))
    elsewhere = ItemTable((Product(id="not-in-the-data", title="a mug"),))  # no held-out item is in this catalog
    said = []
    result = train(TrainRecsConfig(dim=16, threads=1, max_epochs=1, blend_cases=20, refit_epochs=0), data,
                   progress=False, log=said.append, items=elsewhere)
    assert result.blend is None and any("keeps its default weights" in line for line in said)


@pytest.mark.parametrize("name", ["blend_cases", "refit_epochs"])
def test_a_negative_blend_or_refit_setting_is_refused_by_name(name):
    from training.recs import TrainRecsConfig

    with pytest.raises(ValueError, match=name):
        TrainRecsConfig(**{name: -1})


@pytest.mark.parametrize("loss", ["ce", "ss", "bce"])
def test_the_sequential_model_learns_what_comes_next(tmp_path, loss):
    from training.recs import TrainRecsConfig, train
    from training.recs_data import read_sequence_file

    data = read_sequence_file(write_sequences(tmp_path / "Beauty.txt"))
    config = TrainRecsConfig(loss=loss, dim=32, threads=1, max_epochs=40, patience=40, max_seconds=300,
                             shared_negatives=16)  # ss: 16 of the 60 items per step, really sampled
    result = train(config, data, progress=False, log=lambda _: None)
    assert result.metrics["test"]["hr10"] > 0.5  # the next item follows the last one: chance is about 0.2


@pytest.mark.slow
def test_train_recs_on_the_shops_events_feeds_the_recommender(tmp_path, monkeypatch, capsys):
    generate_demo_catalog(tmp_path / "demo", n=200, seed=7, images=False)
    monkeypatch.setenv("AISLE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AISLE_RECOMMEND__DEMO_SHOPPERS", "60")
    assert aisle(["--config", str(tmp_path / "none.yml"), "train", "recs", "--max-minutes", "0.2"]) == 0
    model = tmp_path / "models" / "recs" / "sasrec.pt"
    assert "trained on 60 shoppers" in capsys.readouterr().out and model.is_file()
    assert torch.load(model, weights_only=True)["item_ids"][0].startswith("sku-")


def test_train_recs_without_history_says_what_is_missing(tmp_path, monkeypatch, capsys):
    generate_demo_catalog(tmp_path / "demo", n=60, seed=7, images=False)
    monkeypatch.setenv("AISLE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AISLE_RECOMMEND__DEMO_SHOPPERS", "0")
    assert aisle(["--config", str(tmp_path / "none.yml"), "train", "recs"]) == 2
    assert "too little history" in capsys.readouterr().err


@pytest.mark.slow
def test_a_trained_model_joins_the_blend_and_names_what_was_viewed(tmp_path, recs_index, make_recommender, capsys):
    from training.recs import TrainRecsConfig, shop_sequences, train

    store_path = tmp_path / "shop-events.db"
    data = shop_sequences(store_path, recs_index.products, demo_shoppers=80)
    train(TrainRecsConfig(max_seconds=5, dim=32), data, tmp_path / "sasrec.pt", progress=False, log=lambda _: None)
    recommender = make_recommender(recs_index, model_path=tmp_path / "sasrec.pt")
    viewed = [p.id for p in recs_index.products if p.category == "apparel"][:3]
    recommender.record(view("webchat:seq-user-01", *viewed))
    picks = recommender.recommend("webchat:seq-user-01")
    assert "sequential" in picks.sources
    assert recommender.models().sequential.coverage > 0.5
    for rec in picks.items:
        if rec.reason.kind == "viewed":
            assert rec.reason.product_id in viewed


@pytest.mark.slow
def test_bench_recs_quick_writes_the_contract_keys(tmp_path, capsys):
    write_sequences(tmp_path / "data" / "Beauty.txt")
    out = tmp_path / "recs.json"
    assert bench_main(["--quick", "--train-seconds", "2", "--data", str(tmp_path / "data"), "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    for model in ("popularity", "item_item", "sequential", "served"):
        assert set(result["amazon_beauty"][model]) >= {"hr10", "ndcg10"}
    assert result["train_seconds"] > 0 and set(result["latency_ms"]) >= {"p50", "p99"}
    assert result["quick"] is True and result["machine"]["cpu_count"] >= 1
    assert "sequential" in capsys.readouterr().out


def test_bench_recs_without_data_exits_cleanly(tmp_path, capsys):
    assert bench_main(["--data", str(tmp_path / "absent"), "--out", str(tmp_path / "x.json")]) == 0
    assert "not found" in capsys.readouterr().out and not (tmp_path / "x.json").exists()
