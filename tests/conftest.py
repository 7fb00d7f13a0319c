"""Fixtures every test folder shares: one small demo catalog and one loaded MiniLM per session."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from knowledge.demo.catalog import generate_demo_catalog
from knowledge.embedders import SentenceTransformerEmbedder

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def demo_catalog_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_demo_catalog(tmp_path_factory.mktemp("demo"), n=200, seed=7, images=False)


@pytest.fixture(scope="session")
def minilm() -> SentenceTransformerEmbedder:
    embedder = SentenceTransformerEmbedder()
    embedder.load()
    return embedder
