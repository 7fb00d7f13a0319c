"""One tiny random-init Qwen2-shaped chat model per session, built here: tokenizer trained on the fly,
Hermes/Qwen chat template with tools, saved and loaded back with `from_pretrained`."""
from __future__ import annotations

from pathlib import Path

import pytest

from agent.llm.local import LocalBackend
from agent.llm.testkit import build_chat_model

SEARCH_TOOL = {"type": "function", "function": {
    "name": "search", "description": "Find products.",
    "parameters": {"type": "object", "additionalProperties": False, "required": [],
                   "properties": {"query": {"type": "string"}, "colour": {"type": "string"},
                                  "max_price": {"type": "number"}}}}}
GREET_TOOL = {"type": "function", "function": {
    "name": "smalltalk", "description": "Greet.",
    "parameters": {"type": "object", "additionalProperties": False, "required": ["intent"],
                   "properties": {"intent": {"type": "string", "enum": ["greet", "thanks"]}}}}}


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_chat_model(tmp_path_factory.mktemp("llm") / "tiny-qwen2")


@pytest.fixture(scope="session")
def loaded_backend(tiny_model_path: Path) -> LocalBackend:
    """Loaded once; each test starts and stops its own worker with `async with`."""
    backend = LocalBackend(str(tiny_model_path), device="auto", max_batch=8, batch_wait_ms=20, timeout_s=30)
    backend.load()
    return backend


def user(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """The tiny model decodes fastest on one thread; on a busy 2-core machine two threads spin
    against each other and a decoding step goes from ~15 ms to ~400 ms. Restored after each module."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
