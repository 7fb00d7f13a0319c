import json
from pathlib import Path

import numpy as np
import pytest

from knowledge.catalog_index import MANIFEST_NAME, CatalogIndex
from knowledge.catalog_io import write_jsonl
from knowledge.embedders import HashingEmbedder
from knowledge.errors import CatalogError
from knowledge.product import Product


class CountingEmbedder(HashingEmbedder):
    """Counts how many texts it was asked to embed, to tell a load from a rebuild."""

    def __init__(self, dim: int = 64) -> None:
        super().__init__(dim)
        self.embedded = 0

    def embed(self, texts, progress=False):
        self.embedded += len(texts)
        return super().embed(texts, progress)


def catalog(path: Path, count: int = 5) -> Path:
    colours = ["red", "blue", "green", "black", "white", "navy"]
    products = [Product(id=f"p-{i}", title=f"{colours[i % 6]} sneaker {i}", price=10.0 + i, colour=colours[i % 6])
                for i in range(count)]
    return write_jsonl(products, path)


def test_first_open_builds_and_writes_the_manifest(tmp_path):
    embedder = CountingEmbedder()
    index = CatalogIndex.open(catalog(tmp_path / "c.jsonl"), tmp_path / "idx", embedder, progress=False)
    manifest = json.loads((tmp_path / "idx" / MANIFEST_NAME).read_text())
    assert manifest == index.manifest and embedder.embedded == 5
    assert manifest["embedder"] == "hashing-64" and manifest["dim"] == 64 and manifest["product_count"] == 5
    assert manifest["index_type"] == "flat" and len(manifest["catalog_sha256"]) == 64
    assert manifest["stored_vectors"] == 5 and manifest["embedded"] == 5
    assert manifest["build_seconds"] >= 0 and manifest["built_at"].endswith("+00:00")
    assert index.by_id("p-3").colour == "black" and index.by_id("nope") is None
    assert index.load_errors == () and len(index.vectors) == 5


def test_second_open_loads_without_embedding(tmp_path):
    path = catalog(tmp_path / "c.jsonl")
    first = CatalogIndex.open(path, tmp_path / "idx", CountingEmbedder(), progress=False)
    embedder = CountingEmbedder()
    second = CatalogIndex.open(path, tmp_path / "idx", embedder, progress=False)
    assert embedder.embedded == 0 and second.manifest == first.manifest


def vectors_file(index_dir: Path) -> Path:
    return index_dir / json.loads((index_dir / MANIFEST_NAME).read_text())["vectors_file"]


def test_a_changed_catalog_embeds_only_its_new_products(tmp_path):
    path = catalog(tmp_path / "c.jsonl")
    CatalogIndex.open(path, tmp_path / "idx", CountingEmbedder(), progress=False)
    catalog(path, count=6)
    embedder = CountingEmbedder()
    index = CatalogIndex.open(path, tmp_path / "idx", embedder, progress=False)
    assert embedder.embedded == 1 and len(index.products) == 6
    assert index.manifest["catalog_sha256"] == json.loads((tmp_path / "idx" / MANIFEST_NAME).read_text())["catalog_sha256"]
    again = CountingEmbedder()
    CatalogIndex.open(path, tmp_path / "idx", again, progress=False)
    assert again.embedded == 0


def test_another_embedder_re_embeds_everything(tmp_path):
    path = catalog(tmp_path / "c.jsonl")
    CatalogIndex.open(path, tmp_path / "idx", CountingEmbedder(), progress=False)
    embedder = CountingEmbedder(dim=32)
    index = CatalogIndex.open(path, tmp_path / "idx", embedder, progress=False)
    assert embedder.embedded == len(index.products) == 5
    assert json.loads((tmp_path / "idx" / MANIFEST_NAME).read_text())["dim"] == 32


def test_corrupted_vectors_file_is_refused_with_the_fix(tmp_path):
    path = catalog(tmp_path / "c.jsonl")
    CatalogIndex.open(path, tmp_path / "idx", CountingEmbedder(), progress=False)
    vectors_file(tmp_path / "idx").write_bytes(b"\x00garbage" * 20)
    with pytest.raises(CatalogError, match="unreadable.*aisle index"):
        CatalogIndex.open(path, tmp_path / "idx", CountingEmbedder(), progress=False)
    rebuilt = CatalogIndex.open(path, tmp_path / "idx", CountingEmbedder(), progress=False, rebuild=True)
    assert len(rebuilt.vectors) == 5


def test_vector_count_that_disagrees_with_the_manifest_is_refused(tmp_path):
    from knowledge.vector_index import VectorIndex

    path = catalog(tmp_path / "c.jsonl")
    CatalogIndex.open(path, tmp_path / "idx", CountingEmbedder(), progress=False)
    VectorIndex.build(np.eye(4, 64, dtype=np.float32)).save(vectors_file(tmp_path / "idx"))
    with pytest.raises(CatalogError, match="holds 4 vectors but its manifest says 5.*aisle index"):
        CatalogIndex.open(path, tmp_path / "idx", CountingEmbedder(), progress=False)


def test_broken_manifest_is_refused(tmp_path):
    path = catalog(tmp_path / "c.jsonl")
    CatalogIndex.open(path, tmp_path / "idx", CountingEmbedder(), progress=False)
    (tmp_path / "idx" / MANIFEST_NAME).write_text("{oops")
    with pytest.raises(CatalogError, match="manifest .* unreadable"):
        CatalogIndex.open(path, tmp_path / "idx", CountingEmbedder(), progress=False)
