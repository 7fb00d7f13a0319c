import dataclasses
import re

import pytest

from agent.config import AisleConfig, load_config
from agent.defaults import CONFIG, shipped
from agent.errors import ConfigError


def write(tmp_path, text):
    path = tmp_path / "aisle.yml"
    path.write_text(text)
    return path


def test_missing_file_means_defaults(tmp_path):
    config = load_config(tmp_path / "absent.yml", environ={})
    assert config == AisleConfig()
    assert config.server.port == 8080


def test_file_values_then_environment_overrides(tmp_path):
    path = write(tmp_path, "server:\n  port: 9000\n  host: 0.0.0.0\nsearch:\n  results: 4\n")
    config = load_config(path, environ={"AISLE_SERVER__PORT": "9100", "AISLE_DATA_DIR": "/tmp/x"})
    assert config.server.port == 9100
    assert config.server.host == "0.0.0.0"
    assert config.search.results == 4
    assert config.data_dir == "/tmp/x"


def test_unknown_key_names_the_key_and_the_valid_ones(tmp_path):
    path = write(tmp_path, "server:\n  prot: 9000\n")
    with pytest.raises(ConfigError) as err:
        load_config(path, environ={})
    assert "server.prot" in str(err.value)
    assert "port" in str(err.value) and "host" in str(err.value)


def test_unknown_section(tmp_path):
    with pytest.raises(ConfigError, match="unknown key 'sever'"):
        load_config(write(tmp_path, "sever: {}\n"), environ={})


@pytest.mark.parametrize("text, key, allowed", [
    ("server:\n  port: abc\n", "server.port", "an integer"),
    ("server:\n  port: 70000\n", "server.port", "from 0 to 65535"),
    ("embedder:\n  device: tpu\n", "embedder.device", "cpu, cuda, auto"),
    ("nlu:\n  threshold: high\n", "nlu.threshold", "a number"),
])
def test_bad_value_names_key_value_and_what_is_allowed(tmp_path, text, key, allowed):
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, text), environ={})
    message = str(err.value)
    assert key in message and allowed in message


def test_bad_environment_value_is_reported_too(tmp_path):
    with pytest.raises(ConfigError, match="server.port"):
        load_config(tmp_path / "absent.yml", environ={"AISLE_SERVER__PORT": "eighty"})


def test_secrets_in_environment_are_not_config_keys(tmp_path):
    config = load_config(tmp_path / "absent.yml", environ={"AISLE_ADMIN_TOKEN": "s3cret"})
    assert "s3cret" not in repr(config)


def test_invalid_yaml(tmp_path):
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(write(tmp_path, "server: [\n"), environ={})


def test_shipped_config_is_the_documented_defaults():
    config = load_config(shipped(CONFIG), environ={})
    assert config == dataclasses.replace(AisleConfig(), data_dir=str(shipped(CONFIG).parent / "var"))


def test_catalog_columns_map_our_fields_to_the_shop_s_columns(tmp_path):
    path = write(tmp_path, "catalog:\n  columns:\n    title: Product Name\n    price: Cost\n")
    assert load_config(path, environ={}).catalog.columns == {"title": "Product Name", "price": "Cost"}
    from_env = load_config(tmp_path / "absent.yml", environ={"AISLE_CATALOG__COLUMNS": "id=SKU, colour=Colour Name"})
    assert from_env.catalog.columns == {"id": "SKU", "colour": "Colour Name"}


@pytest.mark.parametrize("text, allowed", [
    ("catalog:\n  columns:\n    name: Product Name\n", "'name' is not one"),
    ("catalog:\n  columns: [title]\n", "a mapping of names to strings"),
    ("catalog:\n  columns:\n    title: ''\n", "a non-empty string for 'title'"),
    ("catalog:\n  format: excel\n", "auto, aisle, shopify"),
    ("index:\n  kind: ivf\n", "auto, flat, hnsw"),
])
def test_bad_catalog_and_index_settings_name_what_is_allowed(tmp_path, text, allowed):
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, text), environ={})
    assert allowed in str(err.value)


def test_index_settings_become_the_vector_index_spec(tmp_path):
    config = load_config(write(tmp_path, "index:\n  kind: hnsw\n  hnsw_m: 16\n"), environ={})
    spec = config.index.spec()
    assert (spec.kind, spec.hnsw_m, spec.flat_max, spec.kind_for(10)) == ("hnsw", 16, 100_000, "hnsw")


@pytest.mark.parametrize("origin", ["https://shop.example/", "shop.example", "https://shop.example/page", "ftp://x"])
def test_a_cors_origin_that_a_browser_would_never_send_is_refused_with_its_value(origin):
    with pytest.raises(ConfigError, match=re.escape(repr(origin))):
        load_config(None, environ={"AISLE_SERVER__CORS_ORIGINS": origin})


def test_origins_with_ports_and_the_wildcard_are_accepted():
    config = load_config(None, environ={"AISLE_SERVER__CORS_ORIGINS": "https://shop.example,http://127.0.0.1:5173,*"})
    assert config.server.cors_origins == ("https://shop.example", "http://127.0.0.1:5173", "*")
