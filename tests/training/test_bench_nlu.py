"""`python -m bench.nlu`: the JSON keys of the benchmark contract, on a tiny copy of the data layout."""
import csv
import json

import pytest

from bench.nlu import main as bench
from bench.nlu_data import BITEXT_FILE
from tests.training.conftest import INTENTS


def _write(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def tiny_data(tmp_path):
    rows = [(text, intent) for intent, texts in INTENTS.items() for text in texts]
    _write(tmp_path / "banking77" / "train.csv", ["text", "category"], [r for i, r in enumerate(rows) if i % 4])
    _write(tmp_path / "banking77" / "test.csv", ["text", "category"], [r for i, r in enumerate(rows) if not i % 4])
    _write(tmp_path / "bitext_customer_service" / BITEXT_FILE, ["flags", "utterance", "category", "intent"],
           [("B", text, "SHOP", intent) for text, intent in rows])
    return tmp_path


@pytest.mark.slow
def test_quick_run_writes_the_contract_keys(tiny_data, tmp_path, capsys):
    out = tmp_path / "nlu.json"
    assert bench(["--quick", "--data", str(tiny_data), "--out", str(out), "--steps", "2",
                  "--parts", "banking77,bitext,oos,banking77_8shot"]) == 0
    report = json.loads(out.read_text())
    for name in ("banking77", "bitext"):
        assert {"accuracy", "macro_f1", "train_seconds"} <= set(report[name])
        assert {"accuracy", "macro_f1", "train_seconds"} <= set(report[name]["baseline"])
        assert 0 <= report[name]["accuracy"] <= 1
    assert {"protocol", "held_out_intents", "frozen", "contrastive"} <= set(report["oos"])
    assert 0 <= report["oos"]["contrastive"]["oos_recall"] <= 1
    for method in ("frozen", "contrastive"):  # at the threshold tuned on a split of the training data
        row = report["oos"][method]
        assert 0 <= row["in_scope_accuracy"] <= row["in_scope_accuracy_without_threshold"] <= 1
        assert 0 < row["threshold"] < 1 and row["target_met"] in (True, False)
    assert report["quick"] is True and report["machine"]["cpu_count"] >= 1
    assert "banking77" in capsys.readouterr().out


def test_absent_data_exits_zero_with_one_line(tmp_path, capsys):
    assert bench(["--data", str(tmp_path), "--out", str(tmp_path / "nlu.json")]) == 0
    assert "nothing to measure" in capsys.readouterr().out
    assert not (tmp_path / "nlu.json").exists()


@pytest.mark.slow
def test_the_shop_part_measures_the_shipped_model_on_the_held_out_shopping_set(tmp_path, capsys):
    out = tmp_path / "nlu.json"
    assert bench(["--quick", "--parts", "shop", "--data", str(tmp_path), "--out", str(out), "--steps", "1"]) == 0
    shop = json.loads(out.read_text())["shop"]
    assert shop["in_scope_test"] >= 150 and shop["oos_test"] >= 50 and shop["left_out_as_seen_in_training"] == 0
    for model in ("frozen", "contrastive", "embedded_default"):
        row = shop[model]
        assert row["in_scope_accuracy"] >= 0.8 and row["oos_recall"] >= 0.6, (model, row)  # far above chance
    assert shop["frozen"]["tuning"]["target"] is not None
    assert "OOS recall" in capsys.readouterr().out
