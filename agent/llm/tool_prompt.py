"""How the tool list is shown to a model in its prompt: in full, or compact for a model fine-tuned that way.

    shown_tools(tools, "compact")      # the same tools, their parameters without descriptions or bounds
    write_tool_prompt(out, "compact")  # training records it beside the model or adapter it writes
    read_tool_prompt(out)              # serving reads it back: "compact" (absent: "full")

The parameters' descriptions are written for a general LLM, which reads them to fill the arguments;
they are most of a tool list (the search tool's shopping request alone is about 60% of the prompt). A
model fine-tuned on the shop's own calls learns what each argument takes from those calls, so
`aisle train llm` shows it the compact list by default: prompts are about 40% shorter, and a small
model finds the shopper's words among far fewer tokens. What a model was trained with is what it must
be served with, so the choice travels in the model's (or the adapter's) folder, and the local backend
shows each request's tools the way its model or adapter was trained.

Only the descriptions and the bounds go (maxItems, minimum, additionalProperties...): names, types,
enums and required arguments stay, and the full schemas still constrain the answer as it is decoded and
validate it, bounds included.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agent.errors import ConfigError

TOOL_PROMPTS = ("full", "compact")
MARKER = "aisle-llm.json"  # in a fine-tuned model's or adapter's folder: {"tool_prompt": "compact"}
_LEFT_OUT = frozenset({"description", "additionalProperties", "maxItems", "minItems", "uniqueItems", "minimum",
                       "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern"})
# what a compact tool list leaves out: descriptions, and the bounds that constrained decoding enforces


def shown_tools(tools: Sequence[dict], style: str = "full") -> list[dict]:
    """The tool schemas as the prompt shows them: unchanged for "full"; for "compact", every tool keeps
    its name and one-line description, and its parameters their names, types and choices (enums) only."""
    if style not in TOOL_PROMPTS:
        raise ConfigError(f"tool prompt {style!r} is not valid; choose one of {', '.join(TOOL_PROMPTS)}")
    return list(tools) if style == "full" else [_compact(tool) for tool in tools]


def _compact(tool: dict) -> dict:
    if "function" not in tool:
        return {**tool, "parameters": _bare(tool["parameters"])} if "parameters" in tool else dict(tool)
    function = tool["function"]
    if "parameters" not in function:
        return tool
    return {**tool, "function": {**function, "parameters": _bare(function["parameters"])}}


def _bare(schema: Any) -> Any:
    """A JSON schema without descriptions and bounds at any depth (a parameter named "description" is kept)."""
    if isinstance(schema, list):
        return [_bare(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    bare = {}
    for key, value in schema.items():
        if key in _LEFT_OUT:
            continue
        if key in ("properties", "$defs", "definitions") and isinstance(value, dict):
            bare[key] = {name: _bare(spec) for name, spec in value.items()}
        else:
            bare[key] = _bare(value)
    return bare


def write_tool_prompt(folder: str | Path, style: str) -> None:
    shown_tools([], style)  # the style is checked
    path = Path(folder) / MARKER
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"tool_prompt": style}) + "\n", encoding="utf-8")


def read_tool_prompt(folder: str | Path) -> str:
    """How the model or adapter in `folder` was shown tools when trained; "full" for any other model
    (a hub id, a folder training did not write)."""
    path = Path(folder) / MARKER
    try:
        style = json.loads(path.read_text(encoding="utf-8")).get("tool_prompt", "full")
    except (OSError, ValueError, AttributeError):
        return "full"
    if style not in TOOL_PROMPTS:
        raise ConfigError(f"{path}: tool_prompt {style!r} is not valid; choose one of {', '.join(TOOL_PROMPTS)}")
    return style
