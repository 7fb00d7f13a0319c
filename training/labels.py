"""The tool call a message stands for: the same skill and arguments the embedding router would give.

    labeler = Labeler(registry.tool_schemas(), Lexicon.from_products(products))
    labeler.call("search_products", "show me red sneakers under 80 dollars")
    # -> ('search', {'query': 'red sneakers', 'colour': 'red', 'product_type': 'sneakers', 'max_price': 80.0})

Converters and the synthetic generator label their conversations here, so a model fine-tuned on
them learns the argument conventions the skills already expect (their declared argument fillers), in the
types the tool schemas declare. A call for a tool the registry does not offer is None.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from agent.dialog_args import arguments_for
from agent.nlu.entities import EntityExtractor, Entities
from agent.skill_catalog import CATALOG
from agent.nlu.understanding import Understanding
from agent.state import DialogState
from knowledge.query_parse import Lexicon

_NUMERIC = ("min_price", "max_price", "position")


def tools_by_name(tools: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {tool["function"]["name"]: tool["function"] for tool in tools}


def fit_to_schema(arguments: Mapping[str, Any], function: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments the tool declares, in its declared types; values it cannot take are dropped."""
    properties = (function.get("parameters") or {}).get("properties", {})
    fitted = {}
    for name, value in arguments.items():
        spec = properties.get(name)
        if spec is None or value is None or value == "":
            continue
        value = _coerce(value, spec.get("type", "string"))
        if value is None or ("enum" in spec and value not in spec["enum"]):
            continue
        fitted[name] = value
    return fitted


def _coerce(value: Any, kind: str) -> Any:
    try:
        if kind == "number":
            number = float(value)
            return int(number) if number.is_integer() else number
        if kind == "integer":
            return int(value)
        if kind == "boolean":
            return value if isinstance(value, bool) else str(value).lower() in ("true", "yes", "1")
        if kind == "array":  # the request's lists: sizes, exclusions
            return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
        return value if isinstance(value, str) else str(value)
    except (TypeError, ValueError):
        return None


class Labeler:
    """Skill and arguments for (intent, text), from the catalog lexicon and any annotated entities."""

    def __init__(self, tools: Sequence[dict[str, Any]], lexicon: Lexicon | None = None,
                 regexes: Mapping[str, Sequence[str]] | None = None):
        self.tools = tools_by_name(tools)
        self.lexicon = lexicon or Lexicon.from_products([])
        self.extractor = EntityExtractor(regexes)

    def offers(self, name: str) -> bool:
        return name in self.tools

    def skill_for(self, intent: str) -> str | None:
        skill = CATALOG.intent_skills.get(intent, intent if intent in self.tools else None)
        return skill if skill in self.tools else None

    def call(self, intent: str, text: str, annotated: Mapping[str, Any] | None = None,
             state: DialogState | None = None) -> tuple[str, dict[str, Any]] | None:
        """(tool name, arguments) or None when no offered tool serves the intent."""
        skill = self.skill_for(intent)
        if skill is None:
            return None
        found = self.extractor.extract(text, self.lexicon)
        values = {**found.values, **{k: _number(k, v) for k, v in (annotated or {}).items()}}
        understanding = Understanding(text, intent, 1.0, entities=Entities(values, found.parsed))
        arguments = arguments_for(intent, understanding, state or DialogState())
        return skill, fit_to_schema(arguments, self.tools[skill])


def _number(name: str, value: Any) -> Any:
    """Annotated prices and positions are text in NLU YAML; the extractor gives numbers."""
    if name not in _NUMERIC:
        return value
    try:
        number = float(str(value).replace("$", "").replace(",", ""))
    except ValueError:
        return value
    return int(number) if name == "position" else number
