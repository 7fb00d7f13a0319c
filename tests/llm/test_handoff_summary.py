"""The handoff summary: the LLM's, where one is configured and answers; the extractive one otherwise."""
from __future__ import annotations

from agent.handoff_context import HandoffContextBuilder
from agent.llm.summary import LLMSummariser
from agent.llm.testkit import ScriptedBackend
from agent.llm.types import LLMTimeout
from agent.store import SQLiteStore


async def _store(tmp_path):
    store = SQLiteStore.open(tmp_path / "aisle.db")
    for role, text in [("user", "I want to return the blue sneakers"), ("bot", "Which item? They are in ORD-123456."),
                       ("user", "yes"), ("user", "get me a person")]:
        await store.append("rest:ann", role, text)
    return store


async def test_the_llm_writes_the_summary_from_the_transcript(tmp_path):
    store = await _store(tmp_path)
    llm = ScriptedBackend(["- Wants to return the blue sneakers (ORD-123456).\n- Asked for a person.\n\n"])
    builder = HandoffContextBuilder(store, lambda pid: None)
    builder.summariser = LLMSummariser(llm, timeout_s=5)
    context = await builder.build("rest:ann", {}, "asked")
    assert context.summary == ["Wants to return the blue sneakers (ORD-123456).", "Asked for a person."]
    assert context.summary_by == "llm"
    prompt = llm.requests[0].messages[-1]["content"]
    assert "Shopper: I want to return the blue sneakers" in prompt and "Assistant: Which item?" in prompt
    await store.close()


async def test_a_failing_or_silent_llm_leaves_the_extractive_summary(tmp_path):
    store = await _store(tmp_path)
    for script in ([LLMTimeout("slow")], ["   "]):
        builder = HandoffContextBuilder(store, lambda pid: None)
        builder.summariser = LLMSummariser(ScriptedBackend(script), timeout_s=5)
        context = await builder.build("rest:ann", {}, "asked")
        assert context.summary_by == "extract"
        assert context.summary[:2] == ["Shopper: I want to return the blue sneakers",
                                       "Assistant: Which item?"]
    await store.close()
