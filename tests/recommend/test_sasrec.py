"""The sequential model: serving in NumPy gives torch's scores; a checkpoint carries what it needs."""
import numpy as np
import torch

from skills.recommend.sasrec import SASRec, SASRecConfig, load_checkpoint, save_checkpoint
from skills.recommend.sasrec_numpy import NumpySASRec
from training.recs_data import pad_left


def test_numpy_serving_matches_torch_for_every_sequence_length():
    torch.manual_seed(0)
    model = SASRec(SASRecConfig(n_items=300, max_len=8, dim=32, layers=2, heads=2)).eval()
    fast = NumpySASRec.from_torch(model)
    sequences = [[5], [7, 8, 9], list(range(1, 13))]  # the longest is cut to its last 8 items
    expected = model.score_next(pad_left(sequences, 12)).numpy()
    for row, seq in enumerate(sequences):
        got = fast.score_next(seq)
        assert np.isneginf(got[0])
        np.testing.assert_allclose(got[1:], expected[row, 1:], rtol=1e-4, atol=1e-4)
        assert np.argsort(-got)[:10].tolist() == np.argsort(-expected[row])[:10].tolist()


def test_a_checkpoint_round_trips_with_its_vocabulary_and_metrics(tmp_path):
    model = SASRec(SASRecConfig(n_items=3, dim=8))
    save_checkpoint(tmp_path / "m.pt", model, ["a", "b", "c"], {"test": {"hr10": 0.5}}, {"lr": 0.001})
    loaded, items, checkpoint = load_checkpoint(tmp_path / "m.pt")
    assert items == ["a", "b", "c"] and checkpoint["metrics"]["test"]["hr10"] == 0.5
    assert not loaded.training and loaded.config == model.config


def attributed_model():
    torch.manual_seed(1)
    attributes = torch.tensor([[0, 0], [1, 2], [1, 0], [3, 2]] + [[1 + n % 3, 0] for n in range(57)])
    config = SASRecConfig(n_items=60, max_len=6, dim=16, heads=2, n_attributes=3, attributes_per_item=2)
    return SASRec(config, attributes).eval()


def test_items_with_attributes_share_what_their_attributes_learned():
    model = attributed_model()
    with torch.no_grad():
        model.attrs.weight[1] += 5.0  # attribute 1 moves: every item that has it moves with it
    table = model.item_table().detach()
    assert torch.allclose(table[1], model.items.weight[1] + (model.attrs.weight[1] + model.attrs.weight[2]) / 2)
    assert torch.allclose(table[3], model.items.weight[3] + (model.attrs.weight[3] + model.attrs.weight[2]) / 2)
    assert torch.equal(table[0], torch.zeros(16))


def test_numpy_serving_matches_torch_with_attributes_and_the_checkpoint_keeps_them(tmp_path):
    model = attributed_model()
    save_checkpoint(tmp_path / "m.pt", model, [str(n) for n in range(1, 61)], {}, {})
    loaded, _, _ = load_checkpoint(tmp_path / "m.pt")
    fast = NumpySASRec.from_torch(loaded)
    expected = model.score_next(pad_left([[4, 1, 3]], 3)).numpy()[0]
    np.testing.assert_allclose(fast.score_next([4, 1, 3])[1:], expected[1:], rtol=1e-4, atol=1e-4)


def test_a_checkpoint_from_before_attributes_still_loads(tmp_path):
    model = SASRec(SASRecConfig(n_items=5, dim=8))
    state = {k: v for k, v in model.state_dict().items() if k != "item_attributes"}
    config = {k: v for k, v in model.config.to_dict().items() if k not in ("n_attributes", "attributes_per_item")}
    torch.save({"model": state, "config": config, "item_ids": list("abcde"), "metrics": {}, "train_config": {}},
               tmp_path / "old.pt")
    loaded, items, _ = load_checkpoint(tmp_path / "old.pt")
    assert items == list("abcde") and loaded.attrs is None
