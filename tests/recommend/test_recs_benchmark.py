"""The recommendation benchmark's ranking, data and precision choices behave as its numbers claim."""
import json
import math

import pytest
import torch

from bench.recs import main as bench_main
from tests.recommend.conftest import write_sequences
from training.recs import TrainRecsConfig, choose_precision, train
from training.recs_data import read_sequence_file
from training.recs_eval import rank_all, rank_lists

AVX2_ONLY = frozenset({"fpu", "sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw"})


def constant(value):
    return lambda chunk: torch.full((len(chunk), 21), value)


def test_an_all_nan_scorer_hits_nothing():
    histories, targets = [[1, 2], [3]], [4, 5]
    assert rank_all(constant(float("nan")), histories, targets, n_items=20) == {"hr10": 0.0, "ndcg10": 0.0}


def test_a_nan_score_never_counts_as_a_hit_and_never_beats_a_real_one():
    def scorer(chunk):
        scores = torch.full((len(chunk), 21), float("nan"))
        scores[0, 4] = 1.0  # the first user's target is the only real score: a hit at rank 1
        scores[1, 6] = 2.0  # the second user's target (5) stays NaN: a miss
        return scores

    metrics = rank_all(scorer, [[1, 2], [3]], [4, 5], n_items=20)
    assert metrics == {"hr10": 0.5, "ndcg10": 0.5}


def test_ranked_lists_score_by_position():
    metrics = rank_lists([[7, 4, 9], [1, 2]], [4, 5], k=10)  # the first target second, the other absent
    assert metrics == {"hr10": 0.5, "ndcg10": pytest.approx(0.5 / math.log2(3))}


def test_auto_precision_is_float32_on_a_cpu_without_native_bfloat16():
    assert choose_precision("auto", AVX2_ONLY) == "fp32"
    assert choose_precision("auto", AVX2_ONLY | {"avx512_bf16"}) == "bf16"
    assert choose_precision("auto", AVX2_ONLY | {"amx_bf16"}) == "bf16"
    assert choose_precision("bf16", AVX2_ONLY) == "bf16"  # asked for explicitly: obeyed


def test_training_on_a_cpu_without_bfloat16_runs_in_float32(tmp_path, monkeypatch):
    monkeypatch.setattr("training.recs.cpu_flags", lambda: AVX2_ONLY)
    data = read_sequence_file(write_sequences(tmp_path / "seqs.txt", users=40, items=20))
    result = train(TrainRecsConfig(dim=16, threads=1, max_epochs=1), data, progress=False, log=lambda _: None)
    assert result.metrics["precision"] == "fp32"


def test_a_precision_that_does_not_exist_is_refused_by_name():
    try:
        TrainRecsConfig(precision="fp8")
    except ValueError as exc:
        assert "fp8" in str(exc) and "bf16" in str(exc)
    else:
        raise AssertionError("fp8 was accepted")


def test_bench_recs_runs_any_sequence_file_through_the_served_path(tmp_path, capsys):
    data = write_sequences(tmp_path / "shop_sessions.txt", users=80, items=30)
    (tmp_path / "shop_sessions_item2attributes.json").write_text(
        json.dumps({str(i): [i % 4, 10 + i % 3] for i in range(1, 31)}), encoding="utf-8")
    out = tmp_path / "recs.json"
    assert bench_main(["--quick", "--train-seconds", "1", "--data", str(data), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    result = json.loads(out.read_text())
    assert result["dataset"] == "shop_sessions" and result["data"]["users"] == 80 and result["data"]["attributes"]
    for model in ("popularity", "item_item", "sequential", "served"):
        assert 0.0 <= result["shop_sessions"][model]["hr10"] <= 1.0
    assert result["shop_sessions"]["served"]["users"] == 80
    assert result["shop_sessions"]["sequential"]["attributes"] == 7
    assert result["published"] == {} and "no published figures" in printed
    assert "nothing to do" not in printed and set(result["latency_ms"]) >= {"p50", "p99"}


def test_a_catalog_without_product_kinds_still_fills_the_list():
    import numpy as np

    from knowledge.product import Product
    from skills.recommend.blend import diversify
    from skills.recommend.items import ItemTable

    items = ItemTable(tuple(Product(id=str(n), title=f"item {n}", stock=1) for n in range(30)))
    picked = diversify(np.arange(30), np.linspace(1, 0, 30), items, k=10, per_type=2)
    assert len(picked) == 10 and picked[0] == 0  # no kind is not one kind: the per-kind cap does not apply
