"""An LLM writer's drafts are checked, regenerated with the violation named, or replaced; bulk runs resume."""
import csv
import json

from channels.cli.main import main
from knowledge.catalog_io import load_catalog
from skills.describe.generator import DescriptionGenerator
from skills.describe.style import Style


class PlantingWriter:
    """A deterministic stand-in for an LLM: plays back drafts in order and keeps every prompt it got."""

    def __init__(self, *drafts):
        self.drafts = list(drafts)
        self.prompts = []

    def __call__(self, product, prompt):
        self.prompts.append(prompt)
        return self.drafts[min(len(self.prompts), len(self.drafts)) - 1]


def test_a_draft_with_a_false_fact_is_rewritten_with_the_violation_named(checker, runner):
    writer = PlantingWriter("A blue waterproof Trail Runner 2 for $69.",
                            "The red Trail Runner 2 from Stride, with a grippy rubber outsole, for $79.")
    description = DescriptionGenerator(checker, writer=writer).describe(runner, Style("premium", "short"))
    assert description.source == "llm"
    assert description.text == "The red Trail Runner 2 from Stride, with a grippy rubber outsole, for $79."
    [rejected] = description.rejected
    assert rejected.text.startswith("A blue waterproof")
    assert {"colour 'blue' is not in the product's attributes", "number '69' is not in the product's attributes",
            "claim 'waterproof' is not backed by the product's attributes"} <= set(rejected.violations)
    assert "colour 'blue'" in writer.prompts[1] and "waterproof" in writer.prompts[1]
    assert "premium" in writer.prompts[0] and "- colour: red" in writer.prompts[0]


def test_a_writer_that_keeps_lying_is_replaced_by_the_template(checker, runner):
    writer = PlantingWriter("Handmade from organic cotton, the best shoe ever, now $19.")
    description = DescriptionGenerator(checker, writer=writer, max_attempts=3).describe(runner)
    assert description.source == "template"
    assert len(description.rejected) == 3 and len(writer.prompts) == 3
    assert "organic" not in description.text and "$19" not in description.text
    assert checker.check(description.text, runner) == []


def test_requested_keywords_that_are_not_true_are_dropped(checker, runner):
    style = Style("plain", "long", keywords=("red sneakers", "waterproof sneakers"))
    description = DescriptionGenerator(checker).describe(runner, style)
    assert description.dropped_keywords == ("waterproof sneakers",)
    assert "red sneakers" in description.keywords and "waterproof" not in description.text


def test_bulk_generation_resumes_and_reports(demo_catalog_path, tmp_path, capsys):
    out, report = tmp_path / "descriptions.jsonl", tmp_path / "rejected.csv"
    args = ["--config", str(tmp_path / "none.yml"), "generate", "descriptions", str(demo_catalog_path),
            "--out", str(out), "--report", str(report), "--tone", "playful"]
    assert main(args) == 0
    lines = out.read_text().splitlines()
    products = load_catalog(demo_catalog_path).products
    assert [json.loads(line)["id"] for line in lines] == [p.id for p in products]

    out.write_text("\n".join(lines[:50]) + "\n" + lines[50][:20])  # an interrupted run: a half-written line
    assert main(args) == 0
    assert "150 descriptions written, 50 already" in capsys.readouterr().out
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in records] == [p.id for p in products]
    assert all(r["source"] == "template" and r["description"] for r in records)
    with report.open() as rows:
        assert next(csv.reader(rows)) == ["product_id", "source", "attempt", "violations", "text"]


def test_the_rejection_report_names_each_rejected_draft_and_why(checker, demo_products, tmp_path):
    from skills.describe.bulk import describe_catalog

    writer = PlantingWriter("Waterproof and 100% organic.")
    generator = DescriptionGenerator(checker, writer=writer, max_attempts=2)
    report = tmp_path / "rejected.json"
    summary = describe_catalog(demo_products[:3], generator, tmp_path / "d.jsonl", report=report)
    assert summary.by_source == {"template": 3} and summary.rejected == 6
    rows = json.loads(report.read_text())
    assert {r["product_id"] for r in rows} == {p.id for p in demo_products[:3]}
    assert all("claim 'waterproof' is not backed by the product's attributes" in r["violations"] for r in rows)
