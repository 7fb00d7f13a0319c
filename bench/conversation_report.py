"""Pass rates of the conversation benchmark, per category and overall, and the table that shows them."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from bench.llm_common import percentile
from training.conversations import ConversationResult


def rates(results: Sequence[ConversationResult]) -> dict[str, Any]:
    turns = [turn for result in results for turn in result.turns]
    passed_turns = sum(not turn.failures for turn in turns)
    passed = sum(result.passed for result in results)
    return {"conversations": len(results), "conversations_passed": passed,
            "conversation_pass_rate": _share(passed, len(results)),
            "turns": len(turns), "turns_passed": passed_turns, "turn_pass_rate": _share(passed_turns, len(turns))}


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def by_category(results: Sequence[ConversationResult]) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[ConversationResult]] = defaultdict(list)
    for result in results:
        groups[result.spec.category].append(result)
    return {category: rates(groups[category]) for category in sorted(groups)}


def failures(results: Sequence[ConversationResult]) -> list[dict[str, Any]]:
    """Every failed turn, with what the shopper said, what came back and what went wrong."""
    rows = []
    for result in results:
        for n, turn in enumerate(result.turns, 1):
            if turn.failures:
                rows.append({"category": result.spec.category, "conversation": result.spec.name,
                             "file": result.spec.file, "turn": n, "user": turn.spec.user, "intent": turn.intent,
                             "skill": turn.skill, "failures": turn.failures, "bot": turn.replies,
                             "shown": turn.shown})
    return rows


def backend_report(label: str, results: Sequence[ConversationResult], open_s: float, play_s: float) -> dict[str, Any]:
    latencies = [turn.seconds * 1000 for result in results for turn in result.turns]
    return {"label": label, "open_seconds": round(open_s, 1), "seconds": round(play_s, 1),
            "overall": rates(results), "categories": by_category(results),
            "turn_latency_ms": {"p50": round(percentile(latencies, 50), 1), "p99": round(percentile(latencies, 99), 1)},
            "conversations": [{"name": r.spec.name, "category": r.spec.category, "file": r.spec.file,
                               "passed": r.passed, "turns": len(r.turns),
                               "turns_passed": sum(not t.failures for t in r.turns)} for r in results],
            "failures": failures(results)}


def _pct(value: float | None) -> str:
    return "   -  " if value is None else f"{100 * value:5.1f}%"


def table(report: dict[str, Any]) -> str:
    """Turn and conversation pass rates per category, one pair of columns per backend."""
    backends = report["backends"]
    names = list(backends)
    categories = sorted({c for b in backends.values() for c in b["categories"]})
    width = max([len(c) for c in categories] + [len("category")])
    head = f"{'category':<{width}}  convs  turns" + "".join(f"  {name[:18]:>18} turn/conv" for name in names)
    lines = [head, "-" * len(head)]
    for category in categories + ["overall"]:
        first = backends[names[0]]
        counts = first["overall"] if category == "overall" else first["categories"][category]
        cells = ""
        for name in names:
            row = backends[name]["overall"] if category == "overall" else backends[name]["categories"].get(category)
            cells += f"  {' ' * 13}{_pct(row and row['turn_pass_rate'])} {_pct(row and row['conversation_pass_rate'])}"
        if category == "overall":
            lines.append("-" * len(head))
        lines.append(f"{category:<{width}}  {counts['conversations']:>5}  {counts['turns']:>5}{cells}")
    for name in names:
        b = backends[name]
        lines.append(f"{name}: {b['label']}\n  played in {b['seconds']} s (agent opened in {b['open_seconds']} s); "
                     f"turn p50 {b['turn_latency_ms']['p50']} ms, p99 {b['turn_latency_ms']['p99']} ms")
    return "\n".join(lines)
