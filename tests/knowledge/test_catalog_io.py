import json
from pathlib import Path

import pytest

from knowledge.catalog_io import catalog_checksum, load_catalog, write_jsonl
from knowledge.errors import CatalogError
from knowledge.product import Product

CSV_TEXT = """id,title,price,colour,sizes,stock,fabric_weight
sku-1,Red Runner,79.99,red,8|9|10,5,light
sku-2,,20,blue,,1,
sku-3,Blue Tee,twenty,blue,S|M,3,
sku-4,Cheap Mug,-1,white,,3,

sku-5,"Quoted, Multi
Line Bag",45,black,,2,heavy
sku-1,Duplicate Runner,50,red,,1,
sku-6,Green Hoodie,35.5,green,S|M|L,0,
"""

JSONL_LINES = [
    json.dumps({"id": "a-1", "title": "Navy Boots", "price": 120, "sizes": ["9", "10"], "attributes": {"lining": "wool"}}),
    "{not json",
    json.dumps({"id": "a-2", "price": 10}),
    "",
    json.dumps({"id": "a-3", "title": "Lamp", "price": "12.5", "stock": "2.5"}),
    json.dumps(["a list", "not an object"]),
    json.dumps({"id": "a-4", "title": "Vase", "price": 18, "glaze": "matte"}),
    json.dumps({"id": "a-1", "title": "Again", "price": 1}),
]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_reports_each_broken_row_by_line_and_keeps_the_rest(tmp_path):
    loaded = load_catalog(write(tmp_path / "shop.csv", CSV_TEXT))
    assert [p.id for p in loaded.products] == ["sku-1", "sku-5", "sku-6"]
    problems = {e.line: e.message for e in loaded.errors}
    assert problems[3] == "missing title"
    assert "price 'twenty' is not a number" in problems[4]
    assert "'-1'" in problems[5] and "non-negative" in problems[5]
    assert "duplicate id 'sku-1'" in problems[9] and "line 2" in problems[9]
    assert len(loaded.errors) == 4


def test_csv_values_become_typed_product_fields(tmp_path):
    loaded = load_catalog(write(tmp_path / "shop.csv", CSV_TEXT))
    runner, bag, hoodie = loaded.products
    assert runner.sizes == ("8", "9", "10") and runner.price == 79.99 and runner.stock == 5
    assert runner.attributes == {"fabric_weight": "light"}
    assert bag.title == "Quoted, Multi\nLine Bag"
    assert not hoodie.in_stock and hoodie.price == 35.5


def test_jsonl_reports_broken_rows_and_keeps_unknown_keys_as_attributes(tmp_path):
    loaded = load_catalog(write(tmp_path / "shop.jsonl", "\n".join(JSONL_LINES) + "\n"))
    assert [p.id for p in loaded.products] == ["a-1", "a-4"]
    problems = {e.line: e.message for e in loaded.errors}
    assert set(problems) == {2, 3, 5, 6, 8}
    assert problems[2].startswith("invalid JSON")
    assert problems[3] == "missing title"
    assert "stock '2.5'" in problems[5]
    assert "expected a JSON object" in problems[6]
    assert "duplicate id 'a-1'" in problems[8]
    boots, vase = loaded.products
    assert boots.sizes == ("9", "10") and boots.attributes == {"lining": "wool"}
    assert vase.attributes == {"glaze": "matte"}


def test_written_jsonl_loads_back_unchanged(tmp_path):
    products = [
        Product(id="x-1", title="Red Sneakers", price=59.99, colour="red", sizes=("8", "9"), stock=3,
                attributes={"style": "retro"}),
        Product(id="x-2", title="Café Mug", price=12.0, category="kitchen"),
    ]
    path = write_jsonl(products, tmp_path / "out" / "catalog.jsonl")
    loaded = load_catalog(path)
    assert loaded.errors == () and list(loaded.products) == products


def test_checksum_changes_with_the_bytes(tmp_path):
    path = write(tmp_path / "c.jsonl", JSONL_LINES[0] + "\n")
    first = catalog_checksum(path)
    assert len(first) == 64 and first == catalog_checksum(path)
    write(path, JSONL_LINES[0] + "\n\n")
    assert catalog_checksum(path) != first


def test_missing_file_and_unknown_format_name_the_path(tmp_path):
    with pytest.raises(CatalogError, match="not found: .*nope.jsonl"):
        load_catalog(tmp_path / "nope.jsonl")
    with pytest.raises(CatalogError, match="unsupported catalog format '.xlsx'.*shop.xlsx"):
        load_catalog(write(tmp_path / "shop.xlsx", "id,title\n"))
