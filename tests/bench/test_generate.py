"""bench.generate on a small catalog of a shop's own columns, mapped with --columns."""
import csv
import json

from bench.generate import main

SPECS = ('{{"product_specification"=>[{{"key"=>"Fabric", "value"=>"{fabric}"}}, {{"key"=>"Color", "value"=>"{colour}"}}, '
         '{{"key"=>"Fit", "value"=>"{fit}"}}]}}')
ROWS = [
    ("a1", "Northloom Printed Kurta", "Northloom", "1299", "Clothing >> Kurtas", "Cotton", "Teal", "Regular Fit",
     "Printed kurta with a mandarin collar, three-quarter sleeves and two side pockets. Machine wash."),
    ("a2", "Stride Trail Sneakers", "Stride", "2999", "Footwear >> Sneakers", "Mesh", "Red", "Regular Fit",
     "Lace-up sneakers with a cushioned footbed and a textured outsole."),
    ("a3", "The Tea House Ceramic Mug", "The Tea House", "349", "Kitchen & Dining >> Mugs", "Ceramic", "White",
     "Standard Fit", "A ceramic mug of 350 ml with a sturdy handle. Dishwasher safe."),
    ("a4", "Aurum Analog Watch - For Men", "Aurum", "15999", "Watches >> Wrist Watches", "Stainless Steel", "Black",
     "Adjustable Fit", "Analog watch with a round dial and a steel strap."),
]


def write_catalog(path):
    with path.open("w", newline="", encoding="utf-8") as sink:
        rows = csv.writer(sink)
        rows.writerow(["Code", "Name", "Maker", "Cost", "Path", "Specs", "Details", "crawl_timestamp"])
        for code, name, maker, cost, tree, fabric, colour, fit, details in ROWS:
            rows.writerow([code, name, maker, cost, tree, SPECS.format(fabric=fabric, colour=colour, fit=fit), details,
                           "2016-03-25 22:59:23"])


def test_the_bench_runs_on_any_catalog_with_a_column_mapping(tmp_path, capsys):
    catalog, out = tmp_path / "shop.csv", tmp_path / "generate.json"
    write_catalog(catalog)
    columns = "id=Code,title=Name,brand=Maker,price=Cost,category=Path,description=Details"
    assert main(["--catalog", str(catalog), "--columns", columns, "--currency", "EUR", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    template = result["template"]
    assert template["products"] == len(ROWS) and result["quick"] is False and "cpu_count" in result["machine"]
    assert template["unsupported_rate"] == 0.0 and template["repeated_word_rate"] == 0.0
    assert template["coverage"] >= 0.8 and template["words"] >= 40
    assert template["products_per_s"] > 0 and 0 < template["rouge_l"] < 1
    assert template["seo"]["seo_title_max"] <= 60 and template["seo"]["meta_description_max"] <= 155
    assert result["template_fields_only"]["coverage"] < template["coverage"]  # the description's facts count
    assert result["facts"]["by_source"]["Specs"] >= 3 * len(ROWS)
    assert "crawl" not in json.dumps(result["facts"])  # a bookkeeping column is no fact
    assert "template" in capsys.readouterr().out


def test_a_missing_catalog_is_skipped_with_a_message(tmp_path, capsys):
    assert main(["--catalog", str(tmp_path / "none.csv"), "--out", str(tmp_path / "g.json")]) == 0
    assert "missing" in capsys.readouterr().out and not (tmp_path / "g.json").exists()
