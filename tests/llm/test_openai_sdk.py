"""`aisle llm-serve` as its users call it: the official `openai` Python SDK against the real command,
started on a free port over the tiny test model. Plain, `n` choices, tools, streaming, JSON modes,
and errors in OpenAI's shape (the SDK raises its own exceptions from them)."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import urllib.error
import urllib.request

import jsonschema
import pytest

from tests.llm.conftest import GREET_TOOL, SEARCH_TOOL

openai = pytest.importorskip("openai")
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TOOLS = [SEARCH_TOOL, GREET_TOOL]
HI = [{"role": "user", "content": "hello there"}]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(tiny_model_path: Path) -> Iterator[str]:
    """`aisle llm-serve` in its own process; yields its base URL (`.../v1`)."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
           "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "channels.cli", "llm-serve", "--model", str(tiny_model_path), "--name", "tiny",
               "--port", str(port), "--device", "cpu", "--max-batch", "4", "--batch-wait-ms", "5"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url + "/v1"
    finally:
        process.terminate()
        process.wait(30)


def _wait_until_up(url: str, process: subprocess.Popen, timeout_s: float = 180) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"llm-serve exited: {process.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/health", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError("llm-serve did not come up")


@pytest.fixture(scope="module")
def client(served: str):
    return openai.OpenAI(base_url=served, api_key="not-checked", max_retries=0, timeout=120)


def test_a_plain_completion(client):
    answer = client.chat.completions.create(model="tiny", messages=HI, max_tokens=6)
    (choice,) = answer.choices
    assert answer.id.startswith("chatcmpl-") and answer.object == "chat.completion" and answer.model == "tiny"
    assert isinstance(choice.message.content, str) and choice.finish_reason in ("stop", "length")
    assert answer.usage.total_tokens == answer.usage.prompt_tokens + answer.usage.completion_tokens


def test_n_gives_that_many_choices_or_a_clear_refusal(client):
    answer = client.chat.completions.create(model="tiny", messages=HI, max_tokens=4, n=2)
    assert [c.index for c in answer.choices] == [0, 1]
    assert all(isinstance(c.message.content, str) for c in answer.choices) and answer.usage.completion_tokens > 0
    with pytest.raises(openai.BadRequestError) as refused:
        client.chat.completions.create(model="tiny", messages=HI, max_tokens=4, n=50)
    assert refused.value.param == "n" and "'n' must be" in refused.value.message
    with pytest.raises(openai.BadRequestError, match="not supported with 'stream'"):
        client.chat.completions.create(model="tiny", messages=HI, max_tokens=4, n=2, stream=True)


def test_a_named_tool_choice_calls_that_tool(client):
    answer = client.chat.completions.create(model="tiny", messages=HI, tools=TOOLS, max_tokens=60,
                                            tool_choice={"type": "function", "function": {"name": "smalltalk"}})
    (choice,) = answer.choices
    (call,) = choice.message.tool_calls
    assert choice.finish_reason == "tool_calls" and call.type == "function" and call.function.name == "smalltalk"
    assert json.loads(call.function.arguments)["intent"] in ("greet", "thanks")


def test_streaming_text_and_tool_calls(client):
    plain = client.chat.completions.create(model="tiny", messages=HI, max_tokens=8)
    chunks = list(client.chat.completions.create(model="tiny", messages=HI, max_tokens=8, stream=True,
                                                 stream_options={"include_usage": True}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == plain.choices[0].message.content and chunks[-1].usage.completion_tokens == 8
    calls = [call for c in client.chat.completions.create(model="tiny", messages=HI, tools=TOOLS, max_tokens=60,
                                                          tool_choice="required", stream=True)
             for call in (c.choices[0].delta.tool_calls or []) if c.choices]
    assert calls and calls[0].function.name in ("search", "smalltalk")
    assert isinstance(json.loads("".join(c.function.arguments or "" for c in calls)), dict)


def test_json_mode_and_structured_output(client):
    answer = client.chat.completions.create(model="tiny", messages=[{"role": "user", "content": "answer in JSON"}],
                                            max_tokens=150, response_format={"type": "json_object"})
    assert answer.choices[0].finish_reason == "stop"
    assert isinstance(json.loads(answer.choices[0].message.content), dict)
    schema = {"type": "object", "required": ["colour"], "additionalProperties": False,
              "properties": {"colour": {"type": "string", "enum": ["red", "blue"]}}}
    structured = client.chat.completions.create(model="tiny", messages=HI, max_tokens=40, response_format={
        "type": "json_schema", "json_schema": {"name": "colour", "schema": schema}})
    jsonschema.validate(json.loads(structured.choices[0].message.content), schema)


def test_errors_come_in_openais_shape_and_raise_the_sdks_exceptions(client, served):
    ghost = {"type": "function", "function": {"name": "ghost"}}
    for stream in (False, True):
        with pytest.raises(openai.BadRequestError) as refused:
            client.chat.completions.create(model="tiny", messages=HI, tools=TOOLS, tool_choice=ghost, stream=stream)
        assert refused.value.param == "tool_choice" and "'ghost'" in refused.value.message
    with pytest.raises(openai.BadRequestError, match="json_object"):
        client.chat.completions.create(model="tiny", messages=HI, response_format={"type": "yaml"})
    with pytest.raises(openai.BadRequestError) as odd:
        client.chat.completions.create(model="tiny", messages=[{"role": "user", "content": {"text": "hi"}}])
    assert odd.value.param == "messages"
    with pytest.raises(openai.BadRequestError, match="deep"):
        client.chat.completions.create(model="tiny", messages=HI, extra_body={"x": json.loads("[" * 70 + "]" * 70)})
    with pytest.raises(openai.NotFoundError) as unknown:
        client.chat.completions.create(model="no-such-model", messages=HI)
    assert unknown.value.code == "model_not_found"
    status, missing = _plain_request("GET", served + "/no/such/route")
    assert status == 404 and missing["error"]["type"] == "not_found_error"
    status, wrong = _plain_request("PUT", served + "/chat/completions")
    assert status == 405 and "message" in wrong["error"]


def _plain_request(method: str, url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def test_models_carry_their_creation_time(client):
    (model,) = client.models.list().data
    assert model.id == "tiny" and model.object == "model" and isinstance(model.created, int) and model.created > 0
