import pytest

from agent.errors import ConfigError
from agent.nlu.nlu_data import parse_example, read_nlu_data, read_nlu_yaml


def test_inline_entities_are_stripped_with_positions():
    example = parse_example("show me [red](colour) [sneakers](product_type) under [80](max_price) dollars", "search")
    assert example.text == "show me red sneakers under 80 dollars"
    assert [(e.entity, e.value, example.text[e.start:e.end]) for e in example.entities] == [
        ("colour", "red", "red"), ("product_type", "sneakers", "sneakers"), ("max_price", "80", "80")]


def test_json_entity_with_value():
    example = parse_example('a [crimson]{"entity": "colour", "value": "red"} dress', "search")
    assert example.text == "a crimson dress"
    assert example.entities[0].value == "red"


def test_project_nlu_file_parses():
    data = read_nlu_data("agent/defaults/nlu.yml")
    assert {"greet", "help", "search_products", "out_of_scope"} <= set(data.intents)
    assert data.synonyms["trainers"] == "sneakers"
    assert "red" in data.lookups["colour"]
    assert data.regexes["order_number"]
    assert len(data.checksum) == 64


def test_bad_file_is_named(tmp_path):
    path = tmp_path / "nlu.yml"
    path.write_text("nlu:\n- intent: greet\n  examples: |\n    hi\n")
    with pytest.raises(ConfigError, match="must start with '- '"):
        read_nlu_yaml(path)
    with pytest.raises(ConfigError, match="not found"):
        read_nlu_yaml(tmp_path / "missing.yml")


def test_intents_named_like_yaml_booleans_stay_apart_as_rasa_reads_them(tmp_path):
    path = tmp_path / "nlu.yml"
    blocks = {"yes": ["yes please", "sure"], "no": ["no thanks", "nope"], "on": ["switch it on", "turn on"],
              "off": ["switch it off", "turn off"], "true": ["that's true", "correct"], "y": ["y", "yep"]}
    path.write_text('version: "3.1"\nnlu:\n' + "".join(
        f"- intent: {name}\n  examples: |\n" + "".join(f"    - {text}\n" for text in texts)
        for name, texts in blocks.items()) + "- synonym: on\n  examples: |\n    - enabled\n", encoding="utf-8")
    data = read_nlu_yaml(path)
    assert data.intents == sorted(blocks)  # six intents, each a string, none merged into True or False
    assert {e.intent for e in data.examples if e.text == "switch it on"} == {"on"}
    assert data.synonyms == {"enabled": "on"}
