"""`aisle index --update`: apply an update file to a catalog's index and print what happened."""
import json

import pytest

from channels.cli.main import main
from channels.testing import demo_products
from knowledge.catalog_io import write_jsonl


@pytest.mark.slow
def test_index_update_applies_upserts_and_deletes_and_reports_bad_lines(tmp_path, capsys):
    catalog = write_jsonl(demo_products(), tmp_path / "catalog.jsonl")
    config = tmp_path / "aisle.yml"
    config.write_text(f"data_dir: {tmp_path / 'var'}\ncatalog:\n  path: {catalog}\n")
    changes = tmp_path / "changes.jsonl"
    changes.write_text("\n".join([
        json.dumps({"id": "zz-1", "title": "Zephyr Moonboot", "price": 140}),
        json.dumps({"id": "sku-002", "deleted": True}),
        json.dumps({"id": "zz-2", "title": "Broken", "price": "n/a"}),
    ]) + "\n")
    assert main(["--config", str(config), "index", "--update", str(changes), "--delete", "sku-003,nope"]) == 0
    out = capsys.readouterr().out
    assert "skipped line 3" in out and "price 'n/a'" in out
    assert "1 added, 0 updated, 2 deleted, 0 unchanged; 1 embedded; 1 refused" in out
    assert "refused nope: no such product to delete" in out and "7 products now" in out
    assert main(["--config", str(config), "index"]) == 0
    assert "7 products indexed" in capsys.readouterr().out
