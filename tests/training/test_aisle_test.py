"""`aisle test`: reports for the NLU data, conversation tests through the real agent, the exit status."""
import json

import pytest
import yaml
from PIL import Image

from channels.cli.main import main as aisle

pytestmark = pytest.mark.slow

PASSING = """
conversations:
  - name: says hello
    turns:
      - user: hello there
        intent: greet
        products: false
"""
FAILING = """
conversations:
  - name: expects the impossible
    turns:
      - user: hello there
        intent: order_status
        reply: ["a phrase the assistant never says"]
"""


@pytest.fixture
def setup(tmp_path, demo_catalog_path, training_var):
    config = tmp_path / "aisle.yml"
    config.write_text(yaml.safe_dump({"data_dir": str(training_var),
                                      "catalog": {"path": str(demo_catalog_path)}}), encoding="utf-8")
    (tmp_path / "pass.yml").write_text(PASSING, encoding="utf-8")
    (tmp_path / "fail.yml").write_text(FAILING, encoding="utf-8")
    return tmp_path, ["--config", str(config), "test"]


def test_passing_conversations_exit_zero_and_every_report_is_written(setup, tiny_nlu):
    folder, command = setup
    out = folder / "reports"
    status = aisle(command + ["--nlu", str(tiny_nlu), "--folds", "2", "--conversations", str(folder / "pass.yml"),
                              "--out", str(out)])
    assert status == 0
    report = json.loads((out / "intent_report.json").read_text())
    assert set(report["intents"]) >= {"greet", "goodbye", "order_status"} and 0 <= report["accuracy"] <= 1
    assert "macro avg" in (out / "intent_report.txt").read_text()
    assert isinstance(json.loads((out / "intent_errors.json").read_text()), list)
    with Image.open(out / "intent_confusion_matrix.png") as image:
        image.verify()
        assert image.format == "PNG" and image.size[0] > 300
    assert json.loads((out / "conversation_report.json").read_text())["passed"] == 1
    assert yaml.safe_load((out / "failed_conversations.yml").read_text()) == {"failed_conversations": []}


def test_a_failing_conversation_exits_non_zero_and_is_written_out(setup, capsys):
    folder, command = setup
    out = folder / "reports"
    status = aisle(command + ["--skip-nlu", "--conversations", str(folder / "pass.yml"), str(folder / "fail.yml"),
                              "--out", str(out)])
    assert status == 1
    assert "1/2 conversations passed" in capsys.readouterr().out
    [failed] = yaml.safe_load((out / "failed_conversations.yml").read_text())["failed_conversations"]
    assert failed["name"] == "expects the impossible"
    [turn] = failed["turns"]
    assert turn["intent"] == "greet" and turn["bot"]
    assert "intent: expected order_status, got greet" in turn["failures"]
    assert any("never says" in failure for failure in turn["failures"])


def test_a_malformed_conversation_file_names_the_turn(setup, capsys):
    folder, command = setup
    (folder / "bad.yml").write_text("conversations:\n  - name: typo\n    turns:\n      - usr: hi\n", encoding="utf-8")
    assert aisle(command + ["--skip-nlu", "--conversations", str(folder / "bad.yml")]) == 2
    assert "conversation 1 (typo), turn 1: each turn needs 'user:" in capsys.readouterr().err
