"""Tool calls in the formats real models emit, their validation, and streaming around them."""
import pytest

from agent.llm.toolcalls import StreamSplitter, parse_tool_calls, validate_call
from agent.llm.types import ToolCall
from skills.registry import SkillRegistry
from skills.search import SearchSkill
from skills.smalltalk import SmalltalkSkill

NAMES = ["search", "smalltalk"]


@pytest.mark.parametrize("text", [
    'Let me look.\n<tool_call>\n{"name": "search", "arguments": {"query": "boots", "max_price": 80}}\n</tool_call>',
    '<|python_tag|>{"name": "search", "parameters": {"query": "boots", "max_price": 80}}',
    '{"name": "search", "parameters": {"query": "boots", "max_price": 80}}',
    '```json\n{"name": "search", "arguments": {"query": "boots", "max_price": 80}}\n```',
    '[{"type": "function", "function": {"name": "search", "arguments": "{\\"query\\": \\"boots\\", \\"max_price\\": 80}"}}]',
])
def test_every_format_gives_the_same_call(text):
    parsed = parse_tool_calls(text, NAMES)
    assert [(c.name, c.arguments) for c in parsed.calls] == [("search", {"query": "boots", "max_price": 80})]
    assert parsed.errors == []
    assert parsed.content in ("", "Let me look.")


def test_several_calls_and_llama_semicolons():
    hermes = parse_tool_calls('<tool_call>{"name": "search", "arguments": {}}</tool_call>'
                              '<tool_call>{"name": "smalltalk", "arguments": {"intent": "thanks"}}</tool_call>')
    llama = parse_tool_calls('<|python_tag|>{"name": "search", "parameters": {}}; {"name": "smalltalk", "parameters": {}}')
    assert [c.name for c in hermes.calls] == [c.name for c in llama.calls] == ["search", "smalltalk"]


def test_plain_text_and_json_answers_are_not_calls():
    assert parse_tool_calls("Here are three red sneakers.", NAMES).calls == []
    answer = parse_tool_calls('{"title": "Trail Runner", "price": 79}', NAMES)
    assert answer.calls == [] and answer.content.startswith("{")


def test_broken_call_is_reported_not_guessed():
    parsed = parse_tool_calls('<tool_call>{"name": "search", "arguments": {"query": </tool_call>')
    assert parsed.calls == [] and "unreadable tool call" in parsed.errors[0]


def test_validation_against_the_schemas_generated_from_the_skills():
    registry = SkillRegistry()
    registry.register(SearchSkill(retriever=None))
    registry.register(SmalltalkSkill())
    tools = registry.tool_schemas()
    assert validate_call(ToolCall("search", {"query": "boots", "max_price": 80}), tools) == []
    assert "max_price" in validate_call(ToolCall("search", {"max_price": "cheap"}), tools)[0]
    assert "size" in validate_call(ToolCall("search", {"size": 9}), tools)[0]  # no such argument
    assert "intent" in validate_call(ToolCall("smalltalk", {"intent": "dance"}), tools)[0]
    assert "no tool named 'refund'" in validate_call(ToolCall("refund", {}), tools)[0]


def test_streaming_shows_text_at_once_and_holds_back_the_call():
    splitter = StreamSplitter(tools_offered=True, tool_names=NAMES)
    shown = [splitter.feed(piece) for piece in ["Sure", ", one moment. <to", "ol_call>\n{\"name\": ",
                                                 "\"search\", \"arguments\": {}}\n</tool_call>"]]
    rest, parsed = splitter.finish()
    assert ("".join(shown) + rest).rstrip() == "Sure, one moment."
    assert shown[1] == ", one moment. "  # '<to' might open a call, so it waits
    assert [c.name for c in parsed.calls] == ["search"]


def test_streaming_a_json_call_shows_nothing_of_it():
    splitter = StreamSplitter(tools_offered=True, tool_names=NAMES)
    shown = [splitter.feed(p) for p in ['{"name": "sea', 'rch", "arguments": {"query": "hat"}}']]
    rest, parsed = splitter.finish()
    assert shown == ["", ""] and rest == "" and parsed.calls[0].arguments == {"query": "hat"}
