import numpy as np
import pytest

from knowledge.errors import CatalogError
from knowledge.vector_index import VectorIndex


@pytest.fixture
def vectors() -> np.ndarray:
    rows = np.random.default_rng(0).normal(size=(300, 16)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_search_finds_the_row_itself_first(vectors):
    index = VectorIndex.build(vectors)
    hits = index.search(vectors[42], k=5)
    assert len(index) == 300 and index.dim == 16
    assert hits[0][0] == 42 and hits[0][1] == pytest.approx(1.0, abs=1e-5)
    assert [score for _, score in hits] == sorted((score for _, score in hits), reverse=True)


def test_allowed_rows_restrict_the_ranking_inside_faiss(vectors):
    index = VectorIndex.build(vectors)
    far_rows = np.argsort(vectors @ vectors[0])[:3]
    hits = index.search(vectors[0], k=10, allowed=far_rows)
    assert sorted(row for row, _ in hits) == sorted(far_rows.tolist())
    assert index.search(vectors[0], k=10, allowed=np.array([], dtype=np.int64)) == []
    with pytest.raises(ValueError, match="allowed rows must lie in 0..299"):
        index.search(vectors[0], k=3, allowed=np.array([5, 300]))


def test_saved_index_loads_back_and_damage_is_reported(vectors, tmp_path):
    path = VectorIndex.build(vectors).save(tmp_path / "vectors.faiss")
    loaded = VectorIndex.load(path)
    assert loaded.search(vectors[7], k=1)[0][0] == 7
    path.write_bytes(path.read_bytes()[:500])
    with pytest.raises(CatalogError, match="unreadable"):
        VectorIndex.load(path)
    with pytest.raises(CatalogError, match="not found"):
        VectorIndex.load(tmp_path / "missing.faiss")


def test_bad_shapes_are_refused_with_the_shape(vectors):
    with pytest.raises(ValueError, match=r"got shape \(16,\)"):
        VectorIndex.build(vectors[0])
    with pytest.raises(ValueError, match="dimension 8, the index has 16"):
        VectorIndex.build(vectors).search(vectors[0, :8], k=1)


def exact_top(vectors, query, rows, k):
    scores = vectors[rows] @ query
    return [int(rows[i]) for i in np.argsort(-scores)[:k]]


@pytest.mark.parametrize("allowed_count", [12, 200])
def test_hnsw_filtered_search_matches_exact_ranking(vectors, allowed_count):
    from knowledge.vector_index import IndexSpec

    index = VectorIndex.build(vectors, IndexSpec(kind="hnsw", flat_max=50, hnsw_m=16, hnsw_ef_search=200))
    assert index.kind == "hnsw"
    rows = np.random.default_rng(1).choice(300, allowed_count, replace=False)
    hits = index.search(vectors[5], k=10, allowed=rows)
    assert set(row for row, _ in hits) <= set(rows.tolist()) and len(hits) == 10
    overlap = len({row for row, _ in hits} & set(exact_top(vectors, vectors[5], rows, 10)))
    assert overlap == 10 if allowed_count <= 50 else overlap >= 8


def test_changed_keeps_the_old_index_and_moves_rows(vectors):
    index = VectorIndex.build(vectors[:10])
    row_ids = index.row_ids[[2, 3, 4]]
    changed = index.changed(np.append(row_ids, 10), np.array([10]), vectors[10:11])
    assert len(index) == 10 and len(changed) == 4 and changed.stored == 4
    assert changed.search(vectors[10], k=1)[0][0] == 3 and changed.search(vectors[2], k=1)[0][0] == 0
    with pytest.raises(ValueError, match="1 rows name vector ids the index does not hold"):
        index.with_rows(np.array([0, 99]))
