"""The embedded store (SQLite), lock and bus (in-process) against the shared conformance tests."""
from __future__ import annotations

import pytest

from agent.store import SQLiteStore
from agent.store.coordination import LocalBus, LocalLock
from tests.reliability.store_conformance import *  # noqa: F401,F403  (the shared tests)


@pytest.fixture
async def store(tmp_path):
    store = SQLiteStore.open(tmp_path / "aisle.db")
    yield store
    await store.close()


@pytest.fixture
def lock():
    return LocalLock()


@pytest.fixture
def bus():
    return LocalBus()
