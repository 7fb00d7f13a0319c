"""Converters into chat JSONL: Rasa NLU YAML and the project's conversation test files.

    records, report = from_rasa_nlu("agent/defaults/nlu.yml", tools, lexicon)
    records, report = from_conversation_tests(["agent/defaults/conversations/search.yml"], tools, lexicon)
    write_chat_jsonl("nlu.jsonl", records)

Each NLU example becomes a one-turn conversation: the system prompt the LLM router uses, the
example as the shopper's message, and the call of the intent's skill with the arguments its
entities give (`training/labels.py`). Each example is its own conversation for the splits:
paraphrases of one intent on both sides are what NLU data is for.

A conversation test file becomes one multi-turn conversation per test. Its turns name the intent
or skill they expect and the slots they set (`last_search.colour: red`), which give the call; the
files do not record what the skills returned, so each tool result is an empty JSON object and only
the calls are learned. A turn that names neither intent nor skill ends the conversation there.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.llm.router import SYSTEM_PROMPT
from agent.nlu.nlu_data import read_nlu_data
from agent.skill_catalog import CATALOG
from knowledge.query_parse import Lexicon
from training.chat_data import tool_call
from training.conversations import TurnSpec, read_conversations
from training.labels import Labeler


@dataclass
class ConversionReport:
    """What became a conversation, and what was left out and why."""

    converted: int = 0
    calls: Counter = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        calls = ", ".join(f"{name} {n}" for name, n in self.calls.most_common())
        return f"{self.converted} conversations ({calls}); {len(self.skipped)} left out"


def from_rasa_nlu(path: str | Path, tools: Sequence[dict], lexicon: Lexicon | None = None,
                  system_prompt: str = SYSTEM_PROMPT) -> tuple[list[dict], ConversionReport]:
    data = read_nlu_data(path)
    labeler = Labeler(tools, lexicon, data.regexes)
    records, report = [], ConversionReport()
    for n, example in enumerate(data.examples, 1):
        annotated = {e.entity: data.synonyms.get(e.value.lower(), e.value) for e in example.entities}
        call = labeler.call(example.intent, example.text, annotated)
        if call is None:
            report.skipped.append(f"example {n} ({example.intent}: {example.text!r}): no offered tool serves "
                                  f"intent {example.intent!r}")
            continue
        name, arguments = call
        messages = [{"role": "system", "content": system_prompt}, {"role": "user", "content": example.text},
                    {"role": "assistant", "content": "", "tool_calls": [tool_call(name, arguments, "call_1")]}]
        records.append({"conversation_id": f"nlu:{Path(path).name}:{n}", "source": "nlu", "tools": list(tools),
                        "messages": messages})
        report.converted += 1
        report.calls[name] += 1
    return records, report


def from_conversation_tests(paths: Sequence[str | Path], tools: Sequence[dict], lexicon: Lexicon | None = None,
                            system_prompt: str = SYSTEM_PROMPT) -> tuple[list[dict], ConversionReport]:
    labeler = Labeler(tools, lexicon)
    records, report = [], ConversionReport()
    for path in paths:
        for n, spec in enumerate(read_conversations(Path(path)), 1):
            messages = [{"role": "system", "content": system_prompt}]
            for t, turn in enumerate(spec.turns, 1):
                call = _turn_call(turn, labeler)
                if call is None:
                    report.skipped.append(f"{path}: {spec.name}, turn {t} ({turn.user!r}) and after: the turn "
                                          f"names no intent or skill that an offered tool serves")
                    break
                call_id = f"call_{t}"
                messages += [{"role": "user", "content": turn.user},
                             {"role": "assistant", "content": "", "tool_calls": [tool_call(*call, call_id)]},
                             {"role": "tool", "tool_call_id": call_id, "content": "{}"}]
                report.calls[call[0]] += 1
            if len(messages) > 1:
                records.append(_test_record(path, n, tools, messages))
                report.converted += 1
    return records, report


def _turn_call(turn: TurnSpec, labeler: Labeler) -> tuple[str, dict[str, Any]] | None:
    intent = turn.intent or _intent_of_skill(turn.skill)
    if intent is None:
        return None
    slots = {dotted.rsplit(".", 1)[-1]: value for dotted, value in turn.slots.items()}
    call = labeler.call(intent, turn.user, slots)
    if call is None or (turn.skill and call[0] != turn.skill):
        return None
    return call


def _intent_of_skill(skill: str | None) -> str | None:
    if skill is None:
        return None
    return next((intent for intent, name in CATALOG.intent_skills.items() if name == skill), skill)


def _test_record(path: str | Path, n: int, tools: Sequence[dict], messages: list) -> dict:
    return {"conversation_id": f"test:{Path(path).name}:{n}", "source": "conversation_tests", "tools": list(tools),
            "messages": messages}

