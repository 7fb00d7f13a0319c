"""Aisle as a user gets it: a wheel installed into a fresh environment, started from folders of its own.

From an empty folder the installed `aisle serve` serves the demo (the shipped NLU data and policies
come from the package); `aisle init myshop && cd myshop && aisle serve` serves the copied project.
"""
from __future__ import annotations

import csv
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.packaging.installed import PACKAGES, REPO, Served, build_wheel, clean_env, install, shown_products

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="module")
def bin_dir(wheel, tmp_path_factory) -> Path:
    return install(wheel, tmp_path_factory.mktemp("venv") / "env")


@pytest.fixture(scope="module")
def caches(tmp_path_factory) -> Path:
    """The intent model trained by the first server start, reused by the second (same NLU data)."""
    return tmp_path_factory.mktemp("intent-cache")


def test_the_wheel_carries_every_file_the_packages_read(wheel):
    listed = subprocess.run(["git", "ls-files", *PACKAGES], cwd=REPO, check=True, capture_output=True, text=True)
    data_files = {name for name in listed.stdout.split() if not name.endswith(".py")}
    in_wheel = set(zipfile.ZipFile(wheel).namelist())
    assert {"agent/defaults/nlu.yml", "agent/defaults/aisle.yml", "agent/defaults/policies/returns.md"} <= data_files
    assert data_files - in_wheel == set()


def test_installed_aisle_serves_the_demo_from_an_empty_folder(bin_dir, tmp_path, caches):
    empty = tmp_path / "empty"
    empty.mkdir()
    env = clean_env(AISLE_CATALOG__DEMO_SIZE="200")
    where = subprocess.run([str(bin_dir / "python"), "-c", "import agent, channels.cli; print(agent.__file__)"],
                           cwd=empty, env=env, check=True, capture_output=True, text=True).stdout
    assert Path(where).is_relative_to(bin_dir.parent), where  # the installed copy, not the checkout
    server = Served(bin_dir / "aisle", empty, env).wait()
    try:
        replies = server.ask("show me shoes under $100")
        policy = " ".join(item.get("text", "") for item in server.ask("how many days do I have to return something?"))
    finally:
        server.stop()
    products = shown_products(replies)
    assert products, replies
    assert all(p["category"] == "shoes" and p["price"] <= 100 for p in products), products
    assert "30 days" in policy  # quoted from the policies shipped in the package
    assert [p.name for p in empty.iterdir()] == ["var"]  # everything it made is under data_dir
    _keep_cache(empty / "var" / "cache", caches)


def test_aisle_init_writes_a_project_that_serves_from_its_own_folder(bin_dir, tmp_path, caches):
    env = clean_env()
    made = subprocess.run([str(bin_dir / "aisle"), "init", "myshop", "--products", "120"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    assert "Next: cd myshop && aisle serve" in made.stdout
    project = tmp_path / "myshop"
    catalog = project / "catalog" / "catalog.csv"
    _add_row(catalog, {"id": "zz-moon", "title": "Zephyr Moonboot", "price": "140", "category": "shoes",
                       "product_type": "boots", "colour": "silver", "stock": "5", "brand": "Zephyr"})
    again = subprocess.run([str(bin_dir / "aisle"), "init", "myshop"], cwd=tmp_path, env=env,
                           capture_output=True, text=True)
    assert again.returncode == 2 and "already has" in again.stderr and "--force" in again.stderr
    assert "Zephyr Moonboot" in catalog.read_text()  # the shop's edit survived
    _reuse_cache(caches, project / "var" / "cache")
    server = Served(bin_dir / "aisle", project, env).wait()
    try:
        moonboot = shown_products(server.ask("show me boots by Zephyr"))
        shoes = shown_products(server.ask("shoes under $100", sender="second"))
    finally:
        server.stop()
    assert any(p["title"] == "Zephyr Moonboot" for p in moonboot), moonboot
    rows = {row["id"]: row for row in csv.DictReader(catalog.open())}
    assert shoes and all(p["id"] in rows and float(rows[p["id"]]["price"]) == p["price"] <= 100 for p in shoes)
    assert (project / "var" / "index").is_dir()  # data_dir: var, read from aisle.yml's folder


def _add_row(catalog: Path, values: dict[str, str]) -> None:
    with catalog.open() as handle:
        header = next(csv.reader(handle))
    with catalog.open("a", newline="") as handle:
        csv.DictWriter(handle, header).writerow(values)


def _keep_cache(cache: Path, store: Path) -> None:
    for item in cache.iterdir() if cache.is_dir() else ():
        shutil.move(item, store / item.name)


def _reuse_cache(store: Path, cache: Path) -> None:
    cache.parent.mkdir(parents=True)
    cache.symlink_to(store, target_is_directory=True)
