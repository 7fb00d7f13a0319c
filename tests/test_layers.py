"""The layers point one way (channels → agent → skills → knowledge; training is offline), skills
use each other only through declared interfaces, production code never imports bench or tests, and
no modules import each other in a circle. `tests/layering.py` reads the imports."""
from pathlib import Path

import pytest

from tests.layering import violations

REPO = Path(__file__).resolve().parents[1]


def test_the_repository_keeps_every_layering_rule():
    assert violations(REPO) == []


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    """A small source tree with the project's packages, for planting one violation at a time."""
    base = {f"{package}/__init__.py": "" for package in ("agent", "skills", "knowledge", "training", "channels",
                                                        "tests", "bench")}
    base.update({"skills/orders/__init__.py": "", "skills/tryon/__init__.py": "", "skills/base.py": "",
                 "agent/nlu/__init__.py": "", "knowledge/product.py": ""})
    for name, text in {**base, **files}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


PLANTED = {
    "a relative import upward": {"knowledge/index.py": "from ..agent import core\n", "agent/core.py": ""},
    "a relative import of a sibling layer's module": {"skills/orders/status.py": "from ...channels import server\n",
                                                      "channels/server.py": ""},
    "a dynamic import of channels from skills": {
        "skills/orders/status.py": "import importlib\n\ndef later():\n    return importlib.import_module('channels.server')\n",
        "channels/server.py": ""},
    "__import__ of agent from knowledge": {"knowledge/x.py": "mod = __import__('agent.core')\n", "agent/core.py": ""},
    "a two-module cycle": {"agent/a.py": "from agent import b\n", "agent/b.py": "import agent.a\n"},
    "a cycle through a function-level import": {"agent/a.py": "def f():\n    from agent.b import g\n",
                                                "agent/b.py": "from agent.a import f\n"},
    "a skill importing another skill": {"skills/orders/status.py": "from skills.tryon.preview import draw\n",
                                        "skills/tryon/preview.py": ""},
    "production code importing tests": {"channels/server.py": "from tests.channels.fake_platform import Fake\n",
                                        "tests/channels/__init__.py": "", "tests/channels/fake_platform.py": ""},
    "production code importing bench": {"training/x.py": "import bench.search\n", "bench/search.py": ""},
    "the demo shop used outside the demo": {"skills/orders/status.py": "from knowledge.demo.catalog import x\n",
                                            "knowledge/demo/__init__.py": "", "knowledge/demo/catalog.py": ""},
    "a test kit used in production": {"channels/server.py": "from channels.testing import FakeAgent\n",
                                      "channels/testing.py": ""},
}


@pytest.mark.parametrize("planted", sorted(PLANTED))
def test_each_kind_of_violation_is_caught(tmp_path, planted):
    assert violations(_tree(tmp_path, PLANTED[planted])), planted


def test_allowed_imports_are_not_reported(tmp_path):
    tree = _tree(tmp_path, {
        "channels/server.py": "from agent.core import Agent\nimport numpy\n",
        "agent/core.py": "from skills.base import Skill\nfrom .nlu import router\n",
        "agent/nlu/router.py": "from knowledge.product import Product\nfrom . import entities\n",
        "agent/nlu/entities.py": "",
        "skills/orders/status.py": "from skills.base import Skill\nfrom skills.orders import model\n",
        "skills/orders/model.py": "import importlib\nname = 'x'\nimportlib.import_module(name)\n",
        "skills/tryon/__init__.py": "__interface__ = ('garments',)\n",
        "skills/tryon/garments.py": "",
        "skills/orders/fit.py": "from skills.tryon.garments import kinds\n",
    })
    assert violations(tree) == []
