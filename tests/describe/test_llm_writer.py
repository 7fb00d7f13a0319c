"""The configured LLM drafts descriptions (describe.writer: llm); the grounding check still decides."""
import asyncio
import json

import pytest

from agent.config import load_config
from agent.copywriting import llm_writer, use_llm_writer
from agent.llm.testkit import ScriptedBackend, build_chat_model
from agent.llm.types import BackendUnavailable
from channels.cli.main import main
from knowledge.catalog_io import write_jsonl
from skills.base import SkillContext
from skills.describe.generator import DescriptionGenerator
from skills.describe.skill import DescribeInput, DescribeSkill
from skills.registry import SkillRegistry

HONEST = "The red Trail Runner 2 from Stride, with a grippy rubber outsole, for $79."


async def test_an_llm_draft_with_a_false_fact_is_redrafted_with_the_violation_named(checker, runner):
    llm = ScriptedBackend(["A blue waterproof Trail Runner 2, a dozen colours, for $69.", HONEST])
    writer = llm_writer(llm, asyncio.get_running_loop(), timeout_s=5)
    description = await asyncio.to_thread(DescriptionGenerator(checker, writer).describe, runner)
    assert (description.source, description.text) == ("llm", HONEST)
    retry = llm.requests[1].messages[-1]["content"]
    assert "colour 'blue'" in retry and "claim 'waterproof'" in retry and "number 'dozen'" in retry
    assert "- colour: red" in llm.requests[0].messages[-1]["content"]


async def test_an_llm_that_is_down_leaves_the_template_to_write(checker, runner):
    llm = ScriptedBackend([BackendUnavailable("connection refused")])
    writer = llm_writer(llm, asyncio.get_running_loop(), timeout_s=5)
    description = await asyncio.to_thread(DescriptionGenerator(checker, writer).describe, runner)
    assert description.source == "template" and checker.check(description.text, runner) == []
    assert description.rejected[0].violations == ("writer failed: connection refused",)


async def test_tell_me_more_uses_the_configured_llm_only_when_asked_to(checker, runner, tmp_path):
    llm = ScriptedBackend([HONEST])
    for writer, expected in (("template", "template"), ("llm", "llm")):
        skills = SkillRegistry()
        skills.register(DescribeSkill(DescriptionGenerator(checker), {runner.id: runner}.get))
        config = load_config(None, environ={"AISLE_DESCRIBE__WRITER": writer, "AISLE_DATA_DIR": str(tmp_path)})
        assert use_llm_writer(skills, llm, config) == (writer == "llm")
        result = await skills["describe"].run(DescribeInput(product_id=runner.id),
                                              SkillContext(conversation_id="ann", text="tell me more"))
        assert result.data["description"]["source"] == expected


@pytest.mark.slow
def test_bulk_descriptions_with_a_local_llm_are_checked_like_any_draft(checker, demo_products, tmp_path):
    model = build_chat_model(tmp_path / "tiny-llm")
    config = tmp_path / "aisle.yml"
    config.write_text(f"data_dir: {tmp_path}\nllm:\n  backend: local\n  model: {model}\n  max_new_tokens: 24\n"
                      "  timeout_s: 60\ndescribe:\n  max_attempts: 2\n")
    products = demo_products[:3]
    catalog = write_jsonl(products, tmp_path / "catalog.jsonl")
    out, report = tmp_path / "d.jsonl", tmp_path / "rejected.json"
    assert main(["--config", str(config), "generate", "descriptions", str(catalog), "--out", str(out),
                 "--report", str(report), "--writer", "llm"]) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in records] == [p.id for p in products]
    for record, product in zip(records, products):
        assert record["source"] == "template"  # random weights write noise: asked twice, replaced
        assert checker.check(record["description"], product) == []
        assert [r["attempt"] for r in record["rejected"]] == [1, 2]
        assert "does not name the product" in record["rejected"][0]["violations"][0]
    assert len(json.loads(report.read_text())) == 6


async def test_the_llm_writer_gets_the_extracted_facts_as_its_only_source(checker):
    from knowledge.product import Product

    specs = '{"product_specification"=>[{"key"=>"Fabric", "value"=>"Cotton Lycra"}, {"key"=>"Color", "value"=>"Navy"}]}'
    product = Product(id="fk-7", title="Alisha Cycling Shorts", brand="Alisha", price=379.0, currency="INR",
                      description="Shorts with two side pockets. Loved by 5000 riders across the country.",
                      attributes={"product_specifications": specs})
    honest = "Navy cycling shorts from Alisha in cotton lycra, with two side pockets, for ₹379."
    llm = ScriptedBackend(["Alisha cycling shorts, loved by 5000 riders.", honest])
    writer = llm_writer(llm, asyncio.get_running_loop(), timeout_s=5)
    description = await asyncio.to_thread(DescriptionGenerator(checker, writer).describe, product)
    prompt = llm.requests[0].messages[-1]["content"]
    assert "- material: Cotton Lycra" in prompt and "- colour: Navy" in prompt and "- feature: two side pockets" in prompt
    assert "5000" not in prompt and "=>" not in prompt  # prose and raw spec strings are not facts
    assert (description.source, description.text) == ("llm", honest)
    assert "number '5000'" in description.rejected[0].violations[0]
    assert description.seo_title and len(description.meta_description) <= 155
