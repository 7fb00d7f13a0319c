"""The `llm` section: defaults mean no LLM, bad values name the key and what is allowed."""
import pytest

from agent.config import load_config
from agent.errors import ConfigError


def test_default_is_no_llm_and_env_overrides_pick_a_server(tmp_path):
    assert load_config(tmp_path / "absent.yml", environ={}).llm.backend == "none"
    config = load_config(tmp_path / "absent.yml", environ={
        "AISLE_LLM__BACKEND": "openai", "AISLE_LLM__BASE_URL": "http://gpu:8000/v1", "AISLE_LLM__MAX_BATCH": "32"})
    assert (config.llm.backend, config.llm.base_url, config.llm.max_batch) == ("openai", "http://gpu:8000/v1", 32)


def test_adapters_are_name_equals_folder(tmp_path):
    config = load_config(tmp_path / "absent.yml", environ={
        "AISLE_LLM__BACKEND": "local", "AISLE_LLM__MODEL": "m", "AISLE_LLM__ADAPTERS": "shop=a/shop,formal=a/formal"})
    assert config.llm.adapter_paths == {"shop": "a/shop", "formal": "a/formal"}


@pytest.mark.parametrize("environ, message", [
    ({"AISLE_LLM__BACKEND": "gpt"}, "llm.backend = 'gpt' is not valid: expected one of none, local, openai"),
    ({"AISLE_LLM__BACKEND": "local"}, "llm.model is empty"),
    ({"AISLE_LLM__BACKEND": "openai"}, "llm.base_url is empty"),
    ({"AISLE_LLM__DTYPE": "int4"}, "auto, float32, bfloat16, float16"),
    ({"AISLE_LLM__ADAPTERS": "shop"}, "expected name=folder"),
])
def test_bad_values_say_what_is_allowed(tmp_path, environ, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        load_config(tmp_path / "absent.yml", environ=environ)
