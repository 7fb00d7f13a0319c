"""`python -m bench.conversations`: the report's keys and table, its exits, and runs through the real agent."""
import json
from pathlib import Path

import pytest

from bench.conversation_report import backend_report, table
from bench.conversations import conversation_files, main, select
from training.conversations import ConversationResult, ConversationSpec, TurnResult, TurnSpec

SUITE = Path(__file__).resolve().parents[1] / "conversations"
TINY = """
category: tiny
conversations:
  - name: kept
    turns:
      - user: show me red sneakers under 80 dollars
        every_product: {product_type: sneakers, colour: red, price: {max: 80}}
      - user: hello
        products: false
  - name: impossible
    turns:
      - user: show me red sneakers
        every_product: {colour: green}
        reply: {contains: "a phrase the assistant never says"}
"""


def result(category: str, outcomes: list[bool]) -> ConversationResult:
    spec = ConversationSpec(f"{category} talk", "x.yml", tuple(TurnSpec("hi") for _ in outcomes), category)
    turns = [TurnResult(turn, "greet", "smalltalk", ["Hi!"], 0, [] if ok else ["reply: expected 'x'"], [], 0.01)
             for turn, ok in zip(spec.turns, outcomes)]
    return ConversationResult(spec, turns)


def test_the_report_gives_turn_and_conversation_rates_per_category_and_overall():
    results = [result("sizes", [True, True]), result("sizes", [True, False]), result("stock", [False])]
    report = backend_report("embedded default", results, 1.0, 2.0)
    assert report["overall"] == {"conversations": 3, "conversations_passed": 1, "conversation_pass_rate": 0.3333,
                                 "turns": 5, "turns_passed": 3, "turn_pass_rate": 0.6}
    assert report["categories"]["sizes"]["turn_pass_rate"] == 0.75
    assert report["categories"]["stock"]["conversation_pass_rate"] == 0.0
    assert set(report) >= {"label", "seconds", "open_seconds", "turn_latency_ms", "conversations", "failures"}
    assert [f["turn"] for f in report["failures"]] == [2, 1] and report["failures"][0]["user"] == "hi"
    text = table({"backends": {"embedded": report}})
    assert "sizes" in text and "stock" in text and "overall" in text and "60.0%" in text


def test_quick_takes_a_few_conversations_of_every_category():
    specs = [result(c, [True]).spec for c in ("a", "a", "a", "b")]
    assert [s.category for s in select(specs, quick=True)] == ["a", "a", "b"]
    assert select(specs, quick=False) == specs


def test_files_come_from_folders_or_paths(tmp_path):
    (tmp_path / "one.yml").write_text(TINY, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a conversation", encoding="utf-8")
    assert conversation_files([str(tmp_path)]) == [tmp_path / "one.yml"]
    assert len(conversation_files([str(SUITE)])) >= 16


def test_no_data_exits_zero_with_one_line(tmp_path, capsys):
    assert main(["--data", str(tmp_path / "absent"), "--out", str(tmp_path / "out.json")]) == 0
    out = capsys.readouterr().out.strip()
    assert len(out.splitlines()) == 1 and "nothing to run" in out
    assert not (tmp_path / "out.json").exists()


def test_a_malformed_file_stops_before_any_work(tmp_path, capsys):
    bad = tmp_path / "bad.yml"
    bad.write_text("conversations:\n  - name: typo\n    turns:\n      - user: hi\n        prodcts: true\n")
    assert main(["--data", str(bad), "--out", str(tmp_path / "out.json")]) == 2
    assert "conversation 1 (typo), turn 1: unknown key 'prodcts'" in capsys.readouterr().err


@pytest.mark.slow
def test_a_tiny_conversation_runs_through_the_real_agent(tmp_path, demo_catalog_path, capsys):
    data = tmp_path / "tiny.yml"
    data.write_text(TINY, encoding="utf-8")
    out = tmp_path / "report.json"
    assert main(["--data", str(data), "--catalog", str(demo_catalog_path), "--backend", "embedded",
                 "--work-dir", str(tmp_path / "work"), "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    assert report["quick"] is False and set(report["machine"]) >= {"cpu_count", "gpu"}
    embedded = report["backends"]["embedded"]
    assert embedded["overall"]["conversations"] == 2 and embedded["overall"]["turns"] == 3
    assert [c["passed"] for c in embedded["conversations"]] == [True, False]
    [failure] = embedded["failures"]
    assert failure["conversation"] == "impossible" and failure["shown"]
    assert any(f.startswith("every_product:") for f in failure["failures"])
    assert any("never says" in f for f in failure["failures"])
    assert "tiny" in capsys.readouterr().out


@pytest.mark.slow
def test_the_whole_suite_completes_and_reports_every_category(tmp_path, demo_catalog_path):
    """The pass-rate target is asserted once the branches that teach the agent have merged; here: it runs."""
    out = tmp_path / "report.json"
    assert main(["--backend", "embedded", "--catalog", str(demo_catalog_path), "--work-dir", str(tmp_path / "work"),
                 "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    from training.conversations import read_conversations

    categories = {spec.category for path in SUITE.glob("*.yml") for spec in read_conversations(path)}
    assert set(report["backends"]["embedded"]["categories"]) == categories
    assert report["backends"]["embedded"]["overall"]["conversations"] == report["conversations"] >= 60
