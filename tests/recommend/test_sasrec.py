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
