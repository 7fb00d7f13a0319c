"""Examples that run: every `>>>` example in the production code is a doctest that runs here, and no
module shows `>>>` prompts it does not run (an example that needs a served app or awaits a skill is
written as plain code, with its result as a `# ->` comment)."""
import doctest
import importlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("agent", "skills", "knowledge", "training", "channels")
DOCTESTED = (
    "agent.awaiting", "agent.config", "agent.defaults", "agent.llm.toolcalls", "agent.nlu.long_message", "agent.nlu.nlu_data",
    "agent.nlu.sentiment", "skills.ads.bandit", "skills.ads.placements", "skills.ads.segments",
    "skills.describe.grounding", "skills.describe.specs", "skills.describe.fact_vocab", "skills.describe.facts",
    "skills.describe.families", "skills.describe.number_words", "skills.describe.product_types",
    "skills.describe.style", "skills.orders.guard", "skills.request", "skills.recommend.sasrec", "skills.tryon.garments", "knowledge.embedders", "knowledge.places",
    "knowledge.search_tuning",
    "channels.handoff.business_hours", "channels.llm_server.app", "channels.registry", "channels.rendering",
)


def _module_name(path: Path) -> str:
    name = ".".join(path.relative_to(REPO).with_suffix("").parts)
    return name.removesuffix(".__init__")


@pytest.mark.parametrize("name", DOCTESTED)
def test_the_examples_in_the_docstrings_run(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted and not result.failed, f"{name}: {result.failed} of {result.attempted} examples failed"


def test_no_module_shows_examples_that_do_not_run():
    prompting = {_module_name(p) for package in PACKAGES for p in (REPO / package).rglob("*.py")
                 if ">>>" in p.read_text(encoding="utf-8")}
    assert prompting - set(DOCTESTED) == set()
