"""`aisle init`, config paths read from the config file's folder, and the early report of missing files.

None of these loads a model: a missing file is reported before the catalog, the index or the
intent model is touched.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from agent.config import AisleConfig, load_config
from agent.config_check import missing_paths
from agent.defaults import CONFIG, shipped
from channels.cli.main import main
from channels.cli.training import default_conversations
from knowledge.catalog_io import load_catalog


def test_defaults_are_the_files_shipped_in_the_package():
    config = AisleConfig()
    assert Path(config.nlu.data) == shipped("nlu.yml") and Path(config.nlu.data).is_file()
    assert Path(config.policies.dir) == shipped("policies") and any(Path(config.policies.dir).glob("*.md"))
    assert missing_paths(config) == []


def test_relative_paths_in_a_config_file_are_read_from_its_folder(tmp_path, monkeypatch):
    shop = tmp_path / "shop"
    (shop / "models" / "enc").mkdir(parents=True)
    (shop / "aisle.yml").write_text("data_dir: var\nnlu:\n  data: data/nlu.yml\ncatalog:\n  path: products.csv\n"
                                    "embedder:\n  model: models/enc\nllm:\n  model: org/tiny-model\n"
                                    "  adapters: [shop=adapters/shop]\n")
    monkeypatch.chdir(tmp_path)  # anywhere but the config's folder
    config = load_config("shop/aisle.yml", environ={"AISLE_POLICIES__DIR": "mine/policies"})
    assert config.data_path == shop.resolve() / "var"
    assert Path(config.nlu.data) == shop.resolve() / "data" / "nlu.yml"
    assert config.catalog_path == shop.resolve() / "products.csv"
    assert Path(config.embedder.model) == shop.resolve() / "models" / "enc"  # a folder that is there
    assert config.llm.model == "org/tiny-model"  # no such folder: a hub id, left alone
    assert config.llm.adapter_paths == {"shop": str(shop.resolve() / "adapters" / "shop")}
    assert config.policies.dir == "mine/policies"  # from the environment: the current folder's


def test_serve_names_every_missing_file_with_its_key_before_any_slow_work(tmp_path, capsys):
    (tmp_path / "aisle.yml").write_text("data_dir: var\ncatalog:\n  path: products.csv\nnlu:\n  data: nlu.yml\n"
                                        "  model: models/nlu\npolicies:\n  dir: policies\n")
    started = time.monotonic()
    assert main(["--config", str(tmp_path / "aisle.yml"), "serve", "--port", "0"]) == 2
    assert time.monotonic() - started < 5
    err = capsys.readouterr().err
    for key, name in [("catalog.path", "products.csv"), ("nlu.data", "nlu.yml"), ("nlu.model", "models/nlu"),
                      ("policies.dir", "policies")]:
        assert f"{key} = {tmp_path.resolve() / name}: no such" in err, err
    assert "4 configured paths not found" in err
    assert not (tmp_path / "var").exists()  # no demo catalog, index or database was started


def test_chat_checks_the_same_paths(tmp_path, capsys):
    (tmp_path / "aisle.yml").write_text("policies:\n  dir: no-such-folder\n")
    assert main(["--config", str(tmp_path / "aisle.yml"), "chat"]) == 2
    assert f"policies.dir = {tmp_path.resolve() / 'no-such-folder'}: no such folder" in capsys.readouterr().err


def test_init_writes_an_editable_project_whose_config_names_its_own_files(tmp_path, capsys):
    project = tmp_path / "myshop"
    assert main(["init", str(project), "--products", "30"]) == 0
    out = capsys.readouterr().out
    assert f"Next: cd {project} && aisle serve" in out and "catalog/catalog.csv" in out
    config = load_config(project / CONFIG, environ={})
    assert Path(config.nlu.data) == project.resolve() / "data" / "nlu.yml"
    assert Path(config.policies.dir) == project.resolve() / "data" / "policies"
    assert config.catalog_path == project.resolve() / "catalog" / "catalog.csv"
    assert config.data_path == project.resolve() / "var"
    assert missing_paths(config) == []
    assert (project / "data" / "nlu.yml").read_text() == shipped("nlu.yml").read_text()
    policies = {p.name for p in (project / "data" / "policies").iterdir()}
    assert policies == {p.name for p in shipped("policies").iterdir()}
    loaded = load_catalog(config.catalog_path)
    assert loaded.errors == () and len(loaded.products) == 30
    for product in loaded.products:  # every row is a whole product with its picture beside the catalog
        assert product.title and product.price > 0 and product.category and product.attributes.get("style")
        assert (config.catalog_path.parent / product.image).is_file()


def test_init_refuses_to_overwrite_unless_forced(tmp_path, capsys):
    project = tmp_path / "myshop"
    assert main(["init", str(project), "--products", "10"]) == 0
    (project / "data" / "nlu.yml").write_text("version: '3.1'\nnlu: []\n")
    assert main(["init", str(project), "--products", "10"]) == 2
    err = capsys.readouterr().err
    assert "already has aisle.yml, data/nlu.yml" in err and "--force" in err
    assert (project / "data" / "nlu.yml").read_text() == "version: '3.1'\nnlu: []\n"
    assert main(["init", str(project), "--products", "10", "--force"]) == 0
    assert (project / "data" / "nlu.yml").read_text() == shipped("nlu.yml").read_text()


def test_init_into_the_current_folder_says_serve_next(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["init", "--products", "5"]) == 0
    assert "Next: aisle serve" in capsys.readouterr().out


@pytest.mark.parametrize("products", ["0", "-3"])
def test_init_refuses_an_empty_catalog(tmp_path, products, capsys):
    assert main(["init", str(tmp_path / "shop"), "--products", products]) == 2
    assert f"--products {products} is not valid" in capsys.readouterr().err


def test_aisle_test_runs_the_project_s_conversation_tests_else_the_shipped_ones(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    [shipped_pattern] = default_conversations()
    assert Path(shipped_pattern).parent == shipped("conversations")
    (tmp_path / "tests" / "conversations").mkdir(parents=True)
    (tmp_path / "tests" / "conversations" / "mine.yml").write_text("conversations: []\n")
    assert default_conversations() == ["tests/conversations/*.yml"]
