"""The configuration reference is generated, so it cannot drift: every setting of the config dataclasses
has its one description in the shipped aisle.yml, the file states every default as it is, and
docs/reference.md is what the generator writes today."""
from pathlib import Path

from agent.config import AisleConfig, load_config
from agent.config_reference import described_keys, fields, reference
from agent.defaults import shipped

REPO = Path(__file__).resolve().parents[2]
SHIPPED = Path(str(shipped("aisle.yml")))


def _value(config, key: str):
    for part in key.split("."):
        config = getattr(config, part)
    return config


def test_every_setting_has_its_description_in_the_shipped_file():
    described = described_keys(SHIPPED.read_text(encoding="utf-8"))
    assert [key for key, _, _ in fields(AisleConfig) if not described.get(key)] == []


def test_the_shipped_file_states_every_default_as_it_is():
    stated, default = load_config(SHIPPED, environ={}), AisleConfig()

    def as_written(config, key: str, spec) -> object:  # a relative path setting is read from the file's own folder
        value = _value(config, key)
        if spec.metadata.get("path") and isinstance(value, str) and value.startswith(str(SHIPPED.parent) + "/"):
            return str(Path(value).relative_to(SHIPPED.parent))
        return value

    assert [key for key, spec, _ in fields(AisleConfig)
            if as_written(stated, key, spec) != as_written(default, key, spec)] == []


def test_the_reference_page_is_the_generated_one():
    generated = reference(described_keys(SHIPPED.read_text(encoding="utf-8")))
    assert (REPO / "docs" / "reference.md").read_text(encoding="utf-8") == generated, \
        "regenerate it: python -m agent.config_reference > docs/reference.md"
