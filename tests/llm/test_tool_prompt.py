"""A model fine-tuned on compact tool lists is served compact tool lists: the prompt leaves out the
parameters' descriptions for that model or adapter only, and the full schemas still judge the call."""
import json

import pytest

from agent.errors import ConfigError
from agent.llm.local import LocalBackend
from agent.llm.tool_prompt import read_tool_prompt, shown_tools, write_tool_prompt
from agent.llm.toolcalls import validate_call
from agent.llm.types import ToolCall
from tests.llm.conftest import GREET_TOOL, SEARCH_TOOL, user
from tests.llm.test_adapters import make_adapter

DESCRIBED = {"type": "function", "function": {
    "name": "note", "description": "Leave a note for the team.",
    "parameters": {"type": "object", "required": ["description"], "properties": {
        "description": {"type": "string", "description": "What the note says."},
        "tags": {"type": "array", "items": {"type": "string", "description": "One tag."}, "maxItems": 3,
                 "description": "Tags: 'urgent' -> ['urgent']."},
        "level": {"type": "string", "enum": ["low", "high"], "description": "How urgent it is."}}}}}


def test_compact_tools_keep_names_types_and_choices_and_leave_out_descriptions_and_bounds():
    [compact] = shown_tools([DESCRIBED], "compact")
    function = compact["function"]
    assert function["name"] == "note" and function["description"] == "Leave a note for the team."
    assert function["parameters"] == {"type": "object", "required": ["description"], "properties": {
        "description": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}},
        "level": {"type": "string", "enum": ["low", "high"]}}}
    assert "What the note says" in json.dumps(DESCRIBED)  # the registry's schema is left as it was
    assert shown_tools([DESCRIBED], "full") == [DESCRIBED]
    for call in (ToolCall("note", {"description": "hi", "level": "high"}), ToolCall("note", {"level": "urgent"})):
        assert validate_call(call, [compact]) == validate_call(call, [DESCRIBED])
    too_many = ToolCall("note", {"description": "hi", "tags": ["a", "b", "c", "d"]})
    assert validate_call(too_many, [DESCRIBED]) and not validate_call(too_many, [compact])  # why the full one judges
    with pytest.raises(ConfigError, match="'short'.*full, compact"):
        shown_tools([DESCRIBED], "short")


def test_the_folder_says_how_it_was_trained_and_anything_else_is_full(tmp_path):
    assert read_tool_prompt(tmp_path) == "full" and read_tool_prompt("Qwen/Qwen2.5-0.5B-Instruct") == "full"
    write_tool_prompt(tmp_path, "compact")
    assert read_tool_prompt(tmp_path) == "compact"
    (tmp_path / "aisle-llm.json").write_text('{"tool_prompt": "tiny"}')
    with pytest.raises(ConfigError, match="aisle-llm.json.*'tiny'"):
        read_tool_prompt(tmp_path)


def test_the_local_backend_shows_each_adapter_the_tools_as_it_was_trained(tiny_model_path, tmp_path):
    compact_adapter = make_adapter(tiny_model_path, tmp_path / "compact", seed=1)
    write_tool_prompt(compact_adapter, "compact")
    backend = LocalBackend(str(tiny_model_path), adapters={"compact": compact_adapter,
                                                           "full": make_adapter(tiny_model_path, tmp_path / "full", 2)})
    backend.load()
    tools = [DESCRIBED, SEARCH_TOOL, GREET_TOOL]

    def prompt(adapter):
        return backend.tokenizer.decode(backend.prompt_ids(user("red sneakers"), tools, adapter))

    assert "What the note says" in prompt(None) and "What the note says" in prompt("full")
    shown = prompt("compact")
    assert "What the note says" not in shown and "note(description, tags, level): Leave a note for the team." in shown
    assert len(shown) < len(prompt(None))
