"""Search settings fitted per catalog at index time, from the catalog alone, and recorded in the manifest."""
import json
import random

import pytest

from bench import search as search_bench
from knowledge.catalog_index import CatalogIndex
from knowledge.catalog_io import write_jsonl
from knowledge.embedders import HashingEmbedder
from knowledge.embedding_cache import content_hashes, sync_vectors
from knowledge.hybrid import HybridConfig
from knowledge.index_files import MANIFEST_NAME
from knowledge.lexical import LexicalConfig
from knowledge.product import Product
from knowledge.retriever import Retriever
from knowledge.search_tuning import TUNING_KEY, TuningPlan, choose_fusion, settings_from_manifest, tune_search
from knowledge.vector_index import IndexSpec

SYLLABLES = ("ka", "lo", "mir", "tes", "vun", "dra", "pel", "sor", "qui", "zan", "bro", "fen")


def coined(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(4))


def shop(count: int = 120, seed: int = 0) -> list[Product]:
    """Products named by shared kind words and two long coined words, each coined word shared with a
    neighbour: only the pair tells a product apart, so a typo in one of them misleads keyword search."""
    rng = random.Random(seed)
    kinds = ["table lamp", "desk chair", "floor rug", "wall shelf"]
    words = [coined(rng) for _ in range(count)]
    return [Product(id=f"p-{i}", title=f"{kinds[i % 4]} {words[i]} {words[(i + 1) % count]}") for i in range(count)]


def tuned(products, embedder, plan=TuningPlan(queries=150)) -> dict:
    vectors, _ = sync_vectors(products, content_hashes(products, embedder), embedder, IndexSpec(), None, ())
    return tune_search(products, vectors, embedder, plan)


def test_the_index_records_the_settings_it_chose_and_the_retriever_uses_them(tmp_path, hashing):
    catalog = write_jsonl(shop(), tmp_path / "catalog.jsonl")
    index = CatalogIndex.open(catalog, tmp_path / "index", hashing, progress=False)
    record = index.manifest[TUNING_KEY]
    stored = json.loads((tmp_path / "index" / MANIFEST_NAME).read_text())[TUNING_KEY]
    assert record == stored and record["tuned"] is True
    assert record["queries"] >= 100 and record["pool_products"] == 120
    assert 0 <= record["hybrid"]["dense_weight"] <= 1 and record["hybrid"]["fusion"] in {"linear", "rrf"}
    assert set(record["ndcg10"]) == {"bm25", "dense", "rrf", "chosen"}
    retriever = Retriever(index)
    assert retriever.config.dense_weight == record["hybrid"]["dense_weight"]
    assert (retriever.lexical_config.k1, retriever.lexical_config.b) == (record["lexical"]["k1"],
                                                                          record["lexical"]["b"])
    again = CatalogIndex.open(catalog, tmp_path / "index", hashing, progress=False)
    assert again.manifest[TUNING_KEY] == record, "a reopened index keeps its settings rather than tuning again"


def test_an_index_built_before_tuning_existed_is_tuned_when_opened(tmp_path, hashing):
    catalog = write_jsonl(shop(), tmp_path / "catalog.jsonl")
    CatalogIndex.open(catalog, tmp_path / "index", hashing, progress=False)
    path = tmp_path / "index" / MANIFEST_NAME
    manifest = json.loads(path.read_text())
    del manifest[TUNING_KEY]
    path.write_text(json.dumps(manifest))
    reopened = CatalogIndex.open(catalog, tmp_path / "index", hashing, progress=False)
    assert reopened.manifest[TUNING_KEY]["tuned"] is True
    assert reopened.manifest["embedded"] == manifest["embedded"], "no product was embedded again"
    assert TUNING_KEY in json.loads(path.read_text())


def test_the_tuner_weights_dense_higher_where_dense_retrieval_is_clearly_better():
    products = shop(160)
    plan = TuningPlan(queries=150, typo_share=0.3)
    sharp = tuned(products, HashingEmbedder(dim=2048), plan)
    blurred = tuned(products, HashingEmbedder(dim=8), plan)
    assert sharp["ndcg10"]["dense"] > sharp["ndcg10"]["bm25"] + 0.05 > blurred["ndcg10"]["dense"] + 0.1, \
        "the test's premise: one embedder clearly beats keywords here, the other clearly loses"
    assert sharp["hybrid"]["dense_weight"] >= 0.5 and sharp["hybrid"]["dense_weight"] > blurred["hybrid"]["dense_weight"]
    assert sharp["ndcg10"]["chosen"] >= max(sharp["ndcg10"]["bm25"], sharp["ndcg10"]["dense"])
    assert blurred["ndcg10"]["chosen"] >= blurred["ndcg10"]["bm25"]
    # leaning towards the embedding costs at most about 1 % on the pseudo-queries, never a real loss
    assert blurred["ndcg10"]["chosen"] >= 0.98 * max(blurred["dense_weight_grid"].values())


def test_of_near_equal_weights_the_tuner_takes_the_one_that_counts_the_embedding_most():
    """Pseudo-queries copy a product's words, so they flatter keywords; the hedge is towards the embedding."""
    grid = {0.0: 0.484, 0.1: 0.505, 0.2: 0.507, 0.3: 0.5015, 0.4: 0.4916, 0.5: 0.4862, 0.6: 0.479}
    assert choose_fusion(grid, rrf=0.46, base=HybridConfig()).dense_weight == 0.3
    assert choose_fusion(grid, rrf=0.6, base=HybridConfig()).fusion == "rrf"


def test_a_small_or_wordless_catalog_keeps_the_defaults_and_says_why(hashing):
    few = tuned(shop(20), hashing)
    assert few["tuned"] is False and "20 products" in few["reason"]
    codes = tuned([Product(id=f"c{i}", title=f"X{i}") for i in range(80)], hashing)
    assert codes["tuned"] is False and "two or more words" in codes["reason"]
    hybrid, lexical = settings_from_manifest({TUNING_KEY: few})
    assert (hybrid, lexical) == (HybridConfig(), LexicalConfig())


def test_a_damaged_tuning_record_falls_back_to_the_defaults():
    hybrid, lexical = settings_from_manifest({TUNING_KEY: {"tuned": True, "hybrid": {"fusion": "nope"}}})
    assert (hybrid.fusion, hybrid.dense_weight, lexical.k1) == ("linear", 0.3, 0.9)


def beir_folder(folder, products):
    """A BEIR folder whose corpus rows carry only an id and a text: no title, colour or brand fields."""
    folder.mkdir(parents=True)
    rng = random.Random(1)
    with open(folder / "corpus.jsonl", "w") as handle:
        for product in products:
            handle.write(json.dumps({"_id": product.id, "text": product.title}) + "\n")
    asked = rng.sample(products, 30)
    with open(folder / "queries.jsonl", "w") as handle:
        for i, product in enumerate(asked):
            handle.write(json.dumps({"_id": f"q{i}", "text": " ".join(product.title.split()[1:3])}) + "\n")
    with open(folder / "qrels.tsv", "w") as handle:
        handle.write("query-id\tcorpus-id\tscore\n")
        handle.writelines(f"q{i}\t{product.id}\t2\n" for i, product in enumerate(asked))
    return folder


@pytest.mark.parametrize("name, referenced", [("some_other_shop", False), ("homedepot_search", True)])
def test_the_benchmark_takes_any_beir_folder_and_labels_it_by_what_it_measured(tmp_path, capsys, name,
                                                                              referenced):
    data = beir_folder(tmp_path / name, shop(90))
    out = tmp_path / "search.json"
    assert search_bench.main(["--quick", "--data", str(data), "--out", str(out), "--embedder", "hashing",
                              "--cache-dir", str(tmp_path / "cache")]) == 0
    result = json.loads(out.read_text())
    printed = capsys.readouterr().out
    assert result["data"]["name"] == name and result["data"]["products"] == 90
    assert result["data"]["sample"].startswith("30 of its queries") and "90 products" in result["data"]["sample"]
    assert result["index_tuning"]["tuned"] is True
    assert result["hybrid_config"]["dense_weight"] == result["index_tuning"]["hybrid"]["dense_weight"]
    assert bool(result["reference"]) is referenced
    assert ("0.328" in printed) is referenced, "Home Depot's published figures appear beside Home Depot only"
    assert all(0 <= value <= 1 for value in result["ndcg10"].values())
