import numpy as np
import pytest

from knowledge.embedders import Embedder, EmbedderError, HashingEmbedder, SentenceTransformerEmbedder
from knowledge.errors import CatalogError


def test_hashing_embedder_is_deterministic_normalised_and_similarity_aware(hashing):
    texts = ["red leather sneakers", "red leather sneakers", "Red Sneaker", "stainless steel kettle", ""]
    vectors = hashing.embed(texts)
    assert vectors.shape == (5, 128) and vectors.dtype == np.float32
    assert np.array_equal(vectors[0], vectors[1]) and np.array_equal(vectors, hashing.embed(texts))
    assert np.allclose(np.linalg.norm(vectors[:4], axis=1), 1.0) and not vectors[4].any()
    assert vectors[0] @ vectors[2] > vectors[0] @ vectors[3]
    assert isinstance(hashing, Embedder) and hashing.name == "hashing-128"


def test_missing_model_directory_is_a_clear_error(tmp_path):
    embedder = SentenceTransformerEmbedder(tmp_path / "no-such-model")
    with pytest.raises(EmbedderError, match="embedding model directory not found: .*no-such-model"):
        embedder.embed(["hello"])
    assert issubclass(EmbedderError, CatalogError)


@pytest.mark.slow
def test_minilm_embeds_unit_vectors_that_rank_related_text_first(minilm):
    assert minilm.name == "all-MiniLM-L6-v2" and minilm.dim == 384
    vectors = minilm.embed(["red running shoes", "crimson sneakers for jogging", "ceramic coffee mug"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert minilm.embed([]).shape == (0, 384)
