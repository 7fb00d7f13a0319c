"""`aisle test`: evaluate the intent model and play the conversation tests through the real agent.

    aisle test --nlu agent/defaults/nlu.yml --conversations agent/defaults/conversations/*.yml --out reports/

writes into the output folder

    intent_report.json / .txt       precision, recall and F1 per intent (cross-validated)
    intent_confusion_matrix.png     true against predicted intents
    intent_errors.json              every misclassified example with its prediction and confidence
    conversation_report.json        each conversation: passed or failed
    failed_conversations.yml        the failed ones, turn by turn, with what went wrong

and exits 1 when a conversation test fails.
"""
from __future__ import annotations

import dataclasses
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import yaml

from agent.config import AisleConfig
from agent.nlu.intent_model import IntentModel
from agent.nlu.nlu_data import NluData, read_nlu_data
from training.conversations import (ConversationResult, ConversationSpec, TurnResult, check_turn, expand_paths,
                                    read_conversations, reply_text, shown_products)
from training.nlu import check_data
from training.reports import confusion_png, format_report, intent_report, write_json
from training.threshold import OUT_OF_SCOPE, decide
from training.turn_checks import TurnView

if TYPE_CHECKING:
    from agent.core import Agent


@dataclass(frozen=True)
class Prediction:
    text: str
    intent: str
    predicted: str
    confidence: float


def cross_validate(data: NluData, vectors: np.ndarray, folds: int, threshold: float,
                   seed: int = 0, c: float = 10.0) -> list[Prediction]:
    """Every example predicted by a head that never saw it (stratified k-fold), threshold applied."""
    from sklearn.model_selection import StratifiedKFold

    labels = np.array([e.intent for e in data.examples])
    smallest = min(np.unique(labels, return_counts=True)[1])
    splitter = StratifiedKFold(n_splits=max(2, min(folds, smallest)), shuffle=True, random_state=seed)
    predictions: list[Prediction | None] = [None] * len(labels)
    for train, test in splitter.split(vectors, labels):
        head = IntentModel.train(vectors[train], labels[train], c=c)
        scores = head.predict(vectors[test])
        final = decide([s.confidence for s in scores], [s.intent for s in scores], threshold, OUT_OF_SCOPE)
        for index, score, intent in zip(test, scores, final):
            predictions[index] = Prediction(data.examples[index].text, labels[index], intent, score.confidence)
    return [p for p in predictions if p is not None]


def evaluate_nlu(config: AisleConfig, nlu_path: str, out: Path, folds: int = 5, progress: bool = True) -> dict:
    """Cross-validate the default pipeline (the configured encoder, frozen, and a fresh head) and write reports."""
    from knowledge.embedders import SentenceTransformerEmbedder

    data = read_nlu_data(nlu_path)
    check_data(data, nlu_path)
    embedder = SentenceTransformerEmbedder(config.embedder.model or None, config.embedder.batch_size,
                                           config.embedder.device)
    vectors = embedder.embed([e.text for e in data.examples], progress=progress)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "least populated class" notes for tiny intents
        predictions = cross_validate(data, vectors, folds, config.nlu.threshold)
    truth, predicted = [p.intent for p in predictions], [p.predicted for p in predictions]
    report = intent_report(truth, predicted)
    write_json(out / "intent_report.json", report)
    (out / "intent_report.txt").write_text(format_report(report) + "\n", encoding="utf-8")
    confusion_png(truth, predicted, out / "intent_confusion_matrix.png")
    errors = [dataclasses.asdict(p) for p in predictions if p.predicted != p.intent]
    write_json(out / "intent_errors.json", sorted(errors, key=lambda e: (e["intent"], -e["confidence"])))
    return report


async def run_conversations(config: AisleConfig, specs: list[ConversationSpec],
                            progress: bool = False) -> list[ConversationResult]:
    """Play every conversation through the agent as configured, with a throwaway conversation store."""
    from agent.runtime import open_agent

    with tempfile.TemporaryDirectory(prefix="aisle-test-") as scratch:
        store = dataclasses.replace(config.store, path=str(Path(scratch) / "conversations.db"))
        async with open_agent(dataclasses.replace(config, store=store), progress=progress) as agent:
            return [await play_conversation(agent, spec, f"test-{n}") for n, spec in enumerate(specs, 1)]


def turn_decision(before: dict, after: dict) -> tuple[str | None, str | None]:
    """The intent and skill of the turn just taken, as the agent recorded them in the conversation state.

    The turn loop appends each turn (text, intent, skill, ...) to the state's `history`; a turn that
    left no record (a person holds the conversation) has neither.
    """
    if after.get("turns", 0) == before.get("turns", 0) and after.get("history") == before.get("history"):
        return None, None
    last = (after.get("history") or [{}])[-1]
    return last.get("intent", after.get("last_intent")), last.get("skill")


async def play_conversation(agent: Agent, spec: ConversationSpec, sender: str) -> ConversationResult:
    from agent.core import conversation_id
    from agent.types import UserMessage

    cid, results, previous = conversation_id("test", sender), [], []
    for turn in spec.turns:
        before = await agent.store.load_state(cid)
        started = time.perf_counter()
        replies = await agent.handle(UserMessage(sender, turn.user, channel="test"))
        seconds = time.perf_counter() - started
        state = await agent.store.load_state(cid)
        intent, skill = turn_decision(before, state)
        products = shown_products(replies, agent.catalog)
        view = TurnView(reply_text(replies), products, previous)
        failures = check_turn(turn, intent, skill, view, state)
        results.append(TurnResult(turn, intent, skill, [reply.as_text() for reply in replies], len(products),
                                  failures, [_card(p) for p in products], seconds))
        previous = products if len(products) >= 2 or not previous else previous
    return ConversationResult(spec, results)


def _card(product) -> str:
    stock = f"{product.stock} in stock" if product.stock > 0 else "out of stock"
    sizes = f", sizes {'/'.join(product.sizes)}" if product.sizes else ""
    return (f"{product.title} | {product.product_type}, {product.colour}, {product.material}, "
            f"{product.gender or '-'}{sizes}, {product.currency} {product.price:.2f}, {stock}")


def write_conversation_reports(results: list[ConversationResult], out: Path) -> None:
    summary = {"conversations": len(results), "passed": sum(r.passed for r in results),
               "failed": sum(not r.passed for r in results),
               "results": [{"name": r.spec.name, "file": r.spec.file, "passed": r.passed} for r in results]}
    write_json(out / "conversation_report.json", summary)
    failed = [_failed_entry(r) for r in results if not r.passed]
    text = yaml.safe_dump({"failed_conversations": failed}, sort_keys=False, allow_unicode=True, width=100)
    (out / "failed_conversations.yml").write_text(text, encoding="utf-8")


def _failed_entry(result: ConversationResult) -> dict:
    return {"name": result.spec.name, "file": result.spec.file, "turns": [_turn_entry(t) for t in result.turns]}


def _turn_entry(turn: TurnResult) -> dict:
    entry = {"user": turn.spec.user, "intent": turn.intent, "skill": turn.skill, "bot": turn.replies}
    if turn.shown:
        entry["shown"] = turn.shown
    if turn.failures:
        entry["failures"] = turn.failures
    return entry


def load_conversation_specs(patterns: list[str]) -> list[ConversationSpec]:
    return [spec for path in expand_paths(patterns) for spec in read_conversations(path)]


def conversation_summary(results: list[ConversationResult]) -> str:
    lines = []
    for result in results:
        lines.append(f"{'PASS' if result.passed else 'FAIL'}  {result.spec.name}  ({result.spec.file})")
        for n, turn in enumerate(result.turns, 1):
            lines += [f"      turn {n} “{turn.spec.user}”: {failure}" for failure in turn.failures]
    passed = sum(r.passed for r in results)
    lines.append(f"{passed}/{len(results)} conversations passed")
    return "\n".join(lines)


def run_tests(config: AisleConfig, nlu_path: str | None, patterns: list[str], out: Path,
              folds: int = 5, progress: bool = True) -> int:
    """What `aisle test` does: 0 when every conversation passes, 1 otherwise. Reports go to `out`."""
    import asyncio

    out.mkdir(parents=True, exist_ok=True)
    specs = load_conversation_specs(patterns) if patterns else []  # a bad file stops before any work
    if nlu_path:
        report = evaluate_nlu(config, nlu_path, out, folds, progress)
        print(format_report(report))
        print(f"NLU ({folds}-fold cross-validation): accuracy {report['accuracy']:.3f}, "
              f"macro-F1 {report['macro_avg']['f1']:.3f}; reports in {out}")
    if not specs:
        return 0
    results = asyncio.run(run_conversations(config, specs, progress))
    write_conversation_reports(results, out)
    print(conversation_summary(results))
    return 0 if all(r.passed for r in results) else 1
