"""Incremental catalog updates: what gets embedded, what survives a restart, what searches see."""
import json
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from knowledge.catalog_index import MANIFEST_NAME, CatalogIndex
from knowledge.catalog_io import write_jsonl
from knowledge.catalog_updates import UPDATES_NAME
from knowledge.embedders import HashingEmbedder
from knowledge.errors import CatalogError
from knowledge.filters import ProductFilter
from knowledge.product import Product
from knowledge.retriever import Retriever
from knowledge.vector_index import IndexSpec

COLOURS = ["red", "blue", "green", "black", "white", "navy"]
KINDS = ["sneakers", "boots", "sandals", "hoodie", "jacket"]


class CountingEmbedder(HashingEmbedder):
    """Counts the texts it embeds, to tell a reused vector from a new one."""

    def __init__(self, dim: int = 64) -> None:
        super().__init__(dim)
        self.embedded = 0

    def embed(self, texts, progress=False):
        self.embedded += len(texts)
        return super().embed(texts, progress)


def shoe(i: int, **changes) -> Product:
    product = Product(id=f"p-{i}", title=f"{COLOURS[i % 6]} {KINDS[i % 5]} model {i}", price=10.0 + i,
                      colour=COLOURS[i % 6], product_type=KINDS[i % 5], brand=f"brand{i % 7}", stock=3)
    return replace(product, **changes)


def open_index(tmp_path: Path, count: int = 30, embedder=None, spec: IndexSpec = IndexSpec()) -> CatalogIndex:
    path = tmp_path / "catalog.jsonl"
    if not path.exists():
        write_jsonl([shoe(i) for i in range(count)], path)
    return CatalogIndex.open(path, tmp_path / "idx", embedder or CountingEmbedder(), progress=False, spec=spec)


def test_an_update_is_visible_to_the_next_query(tmp_path):
    index = open_index(tmp_path)
    retriever = Retriever(index)
    assert retriever.search("violet moonboot", k=1)[0].product.id != "new-1"
    report = index.apply_update([Product(id="new-1", title="violet moonboot", price=99, colour="violet")],
                                deletes=["p-3"])
    assert report.added == ("new-1",) and report.deleted == ("p-3",) and report.version == index.version == 1
    assert retriever.search("violet moonboot", k=1)[0].product.id == "new-1"
    assert retriever.count(ProductFilter(colours={"violet"})) == 1
    assert all(hit.product.id != "p-3" for hit in retriever.search(shoe(3).title, k=30))


def test_only_new_and_changed_texts_are_embedded(tmp_path):
    embedder = CountingEmbedder()
    index = open_index(tmp_path, embedder=embedder)
    assert embedder.embedded == 30
    report = index.apply_update([shoe(1), shoe(2, price=5.0, stock=0), shoe(4, title="renamed boots"), shoe(99)])
    assert report.unchanged == ("p-1",) and report.updated == ("p-2", "p-4") and report.added == ("p-99",)
    assert report.embedded == 2 and embedder.embedded == 32
    assert index.by_id("p-2").price == 5.0 and index.by_id("p-4").title == "renamed boots"
    quiet = index.apply_update([shoe(1)])
    assert quiet.unchanged == ("p-1",) and not quiet.changed and index.version == 1


def test_updates_survive_a_restart_without_re_embedding(tmp_path):
    index = open_index(tmp_path)
    index.apply_update([shoe(4, title="renamed boots"), shoe(50)], deletes=["p-0"])
    before = [p.id for p in index.products]
    embedder = CountingEmbedder()
    again = open_index(tmp_path, embedder=embedder)
    assert embedder.embedded == 0, "the manifest must not call the index stale after an update"
    assert [p.id for p in again.products] == before and again.by_id("p-0") is None
    assert again.by_id("p-4").title == "renamed boots" and again.by_id("p-50") is not None
    row = again.row_of("p-50")
    assert again.vectors.search(embedder.embed([shoe(50).text_for_embedding()])[0], k=1)[0][0] == row
    lines = [json.loads(line) for line in (tmp_path / "idx" / UPDATES_NAME).read_text().splitlines()]
    assert {"id": "p-0", "deleted": True} in lines and len(lines) == 3


def test_a_new_catalog_file_keeps_the_updates_on_top(tmp_path):
    index = open_index(tmp_path)
    index.apply_update([shoe(2, price=1.0)], deletes=["p-5"])
    write_jsonl([shoe(i) for i in range(32)], tmp_path / "catalog.jsonl")
    embedder = CountingEmbedder()
    again = open_index(tmp_path, embedder=embedder)
    assert embedder.embedded == 2 and len(again.products) == 31
    assert again.by_id("p-2").price == 1.0 and again.by_id("p-5") is None


def test_refused_parts_of_an_update_are_reported(tmp_path):
    index = open_index(tmp_path)
    report = index.apply_update([shoe(40), shoe(40, price=1.0), shoe(41)], deletes=["nope", "p-41"])
    assert report.added == ("p-40",)
    assert any("p-40: upserted twice" in error for error in report.errors)
    assert any("p-41: both upserted and deleted" in error for error in report.errors)
    assert any("nope: no such product" in error for error in report.errors)
    assert index.by_id("p-41") is None and index.by_id("p-40").price == shoe(40).price


def test_searches_during_updates_see_one_whole_catalog(tmp_path):
    index = open_index(tmp_path, count=60)
    query = CountingEmbedder().embed(["red sneakers"])[0]
    failures: list[str] = []
    stop = threading.Event()

    def search_loop() -> None:
        while not stop.is_set():
            snapshot = index.snapshot()
            for row, _ in snapshot.vectors.search(query, k=10, allowed=np.arange(0, len(snapshot.products), 2)):
                if row >= len(snapshot.products) or row % 2:
                    failures.append(f"row {row} outside the snapshot's {len(snapshot.products)}")

    readers = [threading.Thread(target=search_loop) for _ in range(2)]
    for reader in readers:
        reader.start()
    for n in range(8):
        index.apply_update([shoe(100 + n)], deletes=[f"p-{n}"])
    stop.set()
    for reader in readers:
        reader.join()
    assert failures == [] and index.version == 8 and len(index.products) == 60


def test_hnsw_filters_restrict_inside_the_search(tmp_path):
    spec = IndexSpec(kind="auto", flat_max=40, hnsw_m=8, hnsw_ef_search=32)
    index = open_index(tmp_path, count=200, spec=spec)
    assert index.vectors.kind == "hnsw" and index.manifest["index_type"] == "hnsw"
    retriever = Retriever(index)
    broad = ProductFilter(max_price=150)
    assert retriever.count(broad) > spec.flat_max
    hits = retriever.search("red sneakers", broad, k=12)
    assert len(hits) == 12 and all(hit.product.price <= 150 for hit in hits)
    narrow = ProductFilter(colours={"navy"}, product_types={"boots"})
    expected = {p.id for p in index.products if narrow.matches(p)}
    assert {hit.product.id for hit in retriever.search("navy boots", narrow, k=50)} == expected


def test_hnsw_deletes_are_never_served_and_get_compacted(tmp_path):
    index = open_index(tmp_path, count=120, spec=IndexSpec(kind="hnsw", hnsw_m=8))
    query = CountingEmbedder().embed([shoe(7).text_for_embedding()])[0]
    index.apply_update([], deletes=["p-7"])
    assert index.vectors.stored == 120 and len(index.vectors) == 119
    assert all(index.products[row].id != "p-7" for row, _ in index.vectors.search(query, k=119))
    index.apply_update([], deletes=[f"p-{i}" for i in range(40, 80)])
    assert index.vectors.stored == len(index.vectors) == 79


def test_the_index_kind_follows_the_catalog_size(tmp_path):
    spec = IndexSpec(flat_max=32)
    index = open_index(tmp_path, count=30, spec=spec)
    assert index.vectors.kind == "flat"
    embedder = index.embedder
    before = embedder.embedded
    index.apply_update([shoe(200 + n) for n in range(5)])
    assert index.vectors.kind == "hnsw" and index.manifest["index_type"] == "hnsw"
    assert embedder.embedded - before == 5
    assert open_index(tmp_path, spec=IndexSpec()).vectors.kind == "flat"


def test_another_process_changing_the_index_is_noticed(tmp_path):
    first = open_index(tmp_path)
    second = open_index(tmp_path)
    second.apply_update([shoe(70)])
    with pytest.raises(CatalogError, match="changed by another process"):
        first.apply_update([shoe(71)])


def test_a_damaged_updates_file_is_refused_with_its_line(tmp_path):
    open_index(tmp_path).apply_update([shoe(70), shoe(71)])
    path = tmp_path / "idx" / UPDATES_NAME
    path.write_text(path.read_text() + '{"id": "p-72", "price": "lots"}\n')
    with pytest.raises(CatalogError, match=r"updates\.jsonl is damaged at line 3"):
        open_index(tmp_path)


def test_a_damaged_row_map_is_refused(tmp_path):
    open_index(tmp_path)
    manifest = json.loads((tmp_path / "idx" / MANIFEST_NAME).read_text())
    (tmp_path / "idx" / manifest["rows_file"]).write_text('{"ids": [1, 2')
    with pytest.raises(CatalogError, match="row map .* unreadable.*aisle index --rebuild"):
        open_index(tmp_path)


def test_an_index_from_an_older_version_is_rebuilt(tmp_path):
    open_index(tmp_path)
    path = tmp_path / "idx" / MANIFEST_NAME
    manifest = json.loads(path.read_text())
    path.write_text(json.dumps({key: value for key, value in manifest.items() if key != "format"}))
    embedder = CountingEmbedder()
    assert len(open_index(tmp_path, embedder=embedder).products) == 30 and embedder.embedded == 30
