"""One explicit assembly: the agent gets every collaborator when it is built, and nothing replaces one
afterwards, neither at run time (the agent refuses) nor anywhere in the source (a scan of every module)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from agent.core import Agent
from agent.handoff import StoreHandoffDesk
from agent.parts import RulesRouter
from agent.store import SQLiteStore
from agent.store.coordination import LocalLock
from agent.types import Decision, UserMessage
from channels.testing import demo_products
from knowledge.catalog_index import CatalogIndex
from knowledge.catalog_io import write_jsonl
from knowledge.embedders import HashingEmbedder
from skills.registry import SkillRegistry
from skills.smalltalk import SmalltalkSkill

REPO = Path(__file__).resolve().parents[2]
PARTS = frozenset({"router", "skills", "store", "catalog", "dialog", "desk", "handoff_context", "lock", "history_turns",
                   "llm", "media_root", "experiments", "media", "tryon_inbox", "metrics"})
SOURCES = ("agent", "skills", "knowledge", "training", "channels", "bench", "tests")
QUERIED_AGENT = re.compile(r"\b(?:get|has)attr\(\s*(?:request\.)?(?:app\[AGENT\]|\w*agent\b)")


@pytest.fixture
async def agent(tmp_path):
    catalog = CatalogIndex.open(write_jsonl(demo_products(), tmp_path / "catalog.jsonl"), tmp_path / "index",
                                HashingEmbedder(dim=32), progress=False)
    skills = SkillRegistry()
    skills.register(SmalltalkSkill())
    store = SQLiteStore.open(":memory:")
    yield Agent(RulesRouter(lambda text: Decision("greet", "smalltalk", {})), skills, store, catalog)
    await store.close()


@pytest.mark.parametrize("part", sorted(PARTS))
async def test_an_assembled_agent_refuses_a_replaced_part(agent, part):
    with pytest.raises(AttributeError, match="assembled"):
        setattr(agent, part, None)


async def test_the_agent_answers_with_the_parts_it_was_built_with(agent):
    replies = await agent.handle(UserMessage("ana", "hello"))
    assert replies and replies[0].text
    assert [turn.role for turn in await agent.store.transcript("rest:ana")] == ["user", "bot"]
    assert isinstance(agent.lock, LocalLock) and isinstance(agent.desk.current, StoreHandoffDesk)


def _assignments(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            yield from node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            yield node.target


def _flattened(target: ast.expr):
    if isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _flattened(element)
    else:
        yield target


def _replaced_part(target: ast.expr) -> str | None:
    """`agent.store` in `agent.store = x` or `agent.desk.store = x`: a part reached through a name that says agent."""
    chain = []
    while isinstance(target, ast.Attribute):
        chain.append(target.attr)
        target = target.value
    if not (isinstance(target, ast.Name) and "agent" in target.id.lower() and chain):
        return None
    return chain[-1] if chain[-1] in PARTS else None


def _offences(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    found = [f"{path.relative_to(REPO)}:{line}: asks the agent what it has" for line, row in
             enumerate(text.splitlines(), 1) if QUERIED_AGENT.search(row)]
    for assigned in _assignments(ast.parse(text)):
        for target in _flattened(assigned):
            if part := _replaced_part(target):
                found.append(f"{path.relative_to(REPO)}:{target.lineno}: replaces the agent's {part}")
    return found


def test_no_module_replaces_an_agent_part_or_asks_the_agent_what_it_has():
    offences = [offence for package in SOURCES for path in sorted((REPO / package).rglob("*.py"))
                for offence in _offences(path)]
    assert offences == []


def test_the_scan_sees_a_replaced_part(tmp_path):
    planted = ast.parse("agent.store = other\nreal_agent.desk.store, x = s, 1\nagent.streams = True\n")
    parts = [_replaced_part(t) for assigned in _assignments(planted) for t in _flattened(assigned)]
    assert parts == ["store", "desk", None, None]
    assert QUERIED_AGENT.search("media = get" + "attr(request.app[AGENT], 'media', None)")
