"""Fixtures for the knowledge tests (the demo catalog and MiniLM come from tests/conftest.py)."""
from __future__ import annotations

import pytest

from knowledge.embedders import HashingEmbedder


@pytest.fixture
def hashing() -> HashingEmbedder:
    return HashingEmbedder(dim=128)
