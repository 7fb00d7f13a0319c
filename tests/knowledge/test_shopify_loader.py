"""Shopify product exports, column mappings and update files."""
import json
from pathlib import Path

import pytest

from knowledge.catalog_io import catalog_format, load_catalog, load_updates
from knowledge.errors import CatalogError
from knowledge.shopify_csv import strip_html

HEADER = ("Handle,Title,Body (HTML),Vendor,Product Category,Type,Tags,Published,Option1 Name,Option1 Value,"
          "Option2 Name,Option2 Value,Variant SKU,Variant Inventory Qty,Variant Price,Image Src,Fabric\n")
SHOPIFY = HEADER + (
    'trail-runner,Trail Runner,"<p>Light <b>trail</b> shoe &amp; grippy.</p>\n<script>alert(1)</script><ul><li>Mesh</li></ul>",'
    'Stride,Apparel & Accessories > Shoes,Sneakers,"running, trail",TRUE,Size,8,Color,Red,TR-8,3,79.00,'
    'https://cdn.example/tr.jpg,mesh\n'
    "trail-runner,,,,,,,,,9,,Red,TR-9,2,75.00,,\n"
    "trail-runner,,,,,,,,,10,,Blue,TR-10,0,lots,,\n"
    "trail-runner,,,,,,,,,,,,,,,https://cdn.example/tr-2.jpg,\n"
    ",Orphan,,,,,,,,,,,,,,,\n"
    "wool-beanie,Wool Beanie,Warm,Northloom,Hats,Beanie,,TRUE,Title,Default Title,,,WB-1,,25,,wool\n"
    "no-price,No Price,,Brand,,Thing,,TRUE,Title,Default Title,,,NP-1,4,,,\n"
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_variant_rows_become_one_product_with_its_sizes(tmp_path):
    loaded = load_catalog(write(tmp_path / "products_export.csv", SHOPIFY))
    runner, beanie = loaded.products
    assert runner.id == "trail-runner" and runner.title == "Trail Runner" and runner.brand == "Stride"
    assert runner.sizes == ("8", "9") and runner.price == 75.0 and runner.stock == 5
    assert runner.colour == "Red" and runner.category == "Shoes" and runner.product_type == "Sneakers"
    assert runner.image == "https://cdn.example/tr.jpg"
    assert runner.attributes["tags"] == "running, trail" and runner.attributes["skus"] == "TR-8|TR-9"
    assert runner.description == "Light trail shoe & grippy.\nMesh"
    assert beanie.sizes == () and beanie.price == 25.0 and beanie.stock == 0


def test_bad_shopify_rows_are_reported_by_line_and_loading_goes_on(tmp_path):
    loaded = load_catalog(write(tmp_path / "products_export.csv", SHOPIFY))
    problems = {error.line: error.message for error in loaded.errors}
    assert "Variant Price 'lots' is not a number" in problems[5]
    assert problems[7] == "missing Handle"
    assert "'no-price' has no variant with a usable Variant Price" in problems[9]
    assert len(loaded.products) == 2


def test_shopify_is_recognised_by_its_header_or_forced(tmp_path):
    path = write(tmp_path / "export.csv", SHOPIFY)
    assert catalog_format(path) == "shopify"
    assert catalog_format(write(tmp_path / "ours.csv", "id,title,price\n")) == "aisle"
    as_aisle = load_catalog(path, format="aisle")
    assert as_aisle.products == () and all("missing id" in error.message for error in as_aisle.errors)
    with pytest.raises(CatalogError, match="'excel' is not one of auto, aisle, shopify"):
        load_catalog(path, format="excel")


def test_a_column_mapping_fills_fields_shopify_has_no_column_for(tmp_path):
    loaded = load_catalog(write(tmp_path / "export.csv", SHOPIFY), columns={"material": "Fabric", "url": "Image Src"})
    runner, beanie = loaded.products
    assert runner.material == "mesh" and beanie.material == "wool"
    assert runner.url == "https://cdn.example/tr.jpg"


def test_a_column_mapping_reads_a_shop_s_own_names(tmp_path):
    text = "SKU,Product Name,Cost,Colour Name,Fabric\nA1,Red Runner,59.5,red,mesh\nA2,Blue Tee,abc,blue,\n"
    columns = {"id": "SKU", "title": "Product Name", "price": "Cost", "colour": "Colour Name"}
    loaded = load_catalog(write(tmp_path / "shop.csv", text), columns=columns)
    [runner] = loaded.products
    assert (runner.id, runner.title, runner.price, runner.colour) == ("A1", "Red Runner", 59.5, "red")
    assert runner.attributes == {"Fabric": "mesh"}
    assert [(error.line, "price 'abc'" in error.message) for error in loaded.errors] == [(3, True)]
    lines = [json.dumps({"Product Name": "Lamp", "SKU": "L1", "Cost": 12})]
    [lamp] = load_catalog(write(tmp_path / "shop.jsonl", "\n".join(lines)), columns=columns).products
    assert (lamp.id, lamp.title, lamp.price) == ("L1", "Lamp", 12.0)


def test_a_mapping_to_an_unknown_field_is_refused_by_name(tmp_path):
    with pytest.raises(CatalogError, match="unknown field 'name'.*title"):
        load_catalog(write(tmp_path / "shop.csv", "id,title,price\n"), columns={"name": "Title"})


def test_update_files_carry_deletes(tmp_path):
    lines = [json.dumps({"id": "x1", "title": "New", "price": 3}), json.dumps({"id": "x2", "deleted": True}),
             json.dumps({"deleted": True}), json.dumps({"id": "x3", "title": "Kept", "price": 4, "deleted": False})]
    loaded = load_updates(write(tmp_path / "changes.jsonl", "\n".join(lines) + "\n"))
    assert [p.id for p in loaded.upserts] == ["x1", "x3"] and loaded.deletes == ("x2",)
    assert [(error.line, error.message) for error in loaded.errors] == [(3, "missing id")]
    assert "deleted" not in loaded.upserts[1].attributes
    csv_text = "id,title,price,deleted\ny1,Mug,5,\ny2,,,true\n"
    from_csv = load_updates(write(tmp_path / "changes.csv", csv_text))
    assert [p.id for p in from_csv.upserts] == ["y1"] and from_csv.deletes == ("y2",)


@pytest.mark.parametrize(("html", "text"), [
    ("<p>One</p><p>Two &lt;3</p>", "One\nTwo <3"),
    ("<style>p {color: red}</style>Plain", "Plain"),
    ("<div>Unclosed <b>bold", "Unclosed bold"),
    ("<img src=x onerror=alert(1)>Safe", "Safe"),
    ("No markup at all", "No markup at all"),
])
def test_html_bodies_become_plain_text(html, text):
    assert strip_html(html) == text
