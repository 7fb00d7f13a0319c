"""The OpenAI-compatible HTTP backend against the real `aisle llm-serve` app on a free port, and its
retries and circuit breaker against a small scripted server."""
import asyncio
import json

import jsonschema
import pytest

from agent.llm.openai import OpenAIBackend
from agent.llm.toolcalls import validate_call
from agent.llm.types import BackendUnavailable, ChatRequest, Chunk, LLMError, LLMTimeout
from channels.llm_server.app import build_llm_app
from tests.llm.conftest import GREET_TOOL, SEARCH_TOOL, user
from tests.llm.fake_llm import answer, scripted_server

TOOLS = [SEARCH_TOOL, GREET_TOOL]


@pytest.fixture
async def served(aiohttp_server, loaded_backend):
    """`aisle llm-serve`'s app over the tiny model; returns (HTTP backend, local backend behind it)."""
    local = loaded_backend.with_batching(max_batch=8, batch_wait_ms=10)
    server = await aiohttp_server(build_llm_app(local, model_name="tiny"))
    async with OpenAIBackend(str(server.make_url("/v1")), model="tiny", timeout_s=30) as http:
        yield http, local


async def test_served_answers_equal_the_local_model_and_stream_as_server_sent_events(served):
    http, local = served
    request = ChatRequest(user("red sneakers under 80"), max_tokens=12, ignore_eos=True)
    remote = await http.complete(request)
    direct = await local.complete(request)
    chunks = [chunk async for chunk in http.stream(request)]
    assert remote.text == direct.text and remote.completion_tokens == 12
    assert len([c for c in chunks if c.text]) > 3
    assert "".join(c.text for c in chunks) == remote.text
    assert chunks[-1].completion.completion_tokens == 12 and chunks[-1].finish_reason == "length"


async def test_tool_calls_come_back_as_openai_tool_calls_plain_and_streamed(served):
    http, _ = served
    request = ChatRequest(user("hello there"), tools=TOOLS, tool_choice="required", max_tokens=200)
    plain = await http.complete(request)
    streamed = [chunk async for chunk in http.stream(request)]
    [call] = plain.tool_calls
    assert plain.finish_reason == "tool_calls" and validate_call(call, TOOLS) == []
    last = streamed[-1].completion
    assert [(c.name, c.arguments) for c in last.tool_calls] == [(call.name, call.arguments)]
    assert not any("<tool_call>" in c.text for c in streamed)  # the markup never reaches a shopper


async def test_structured_output_and_refusals(served, aiohttp_client, loaded_backend):
    http, _ = served
    schema = {"type": "object", "required": ["colour"], "additionalProperties": False,
              "properties": {"colour": {"type": "string", "enum": ["red", "blue"]}}}
    answer = await http.complete(ChatRequest(user("pick a colour"), max_tokens=40, response_format={
        "type": "json_schema", "json_schema": {"name": "c", "schema": schema}}))
    jsonschema.validate(json.loads(answer.text), schema)
    with pytest.raises(LLMError, match="HTTP 404.*not served here"):
        await http.complete(ChatRequest(user("hi"), adapter="no-such-adapter"))
    assert http.breaker.state == "closed"  # a refused request says nothing about the server's health


async def test_bad_requests_get_openai_errors(aiohttp_client, loaded_backend):
    client = await aiohttp_client(build_llm_app(loaded_backend.with_batching(1, 0), model_name="tiny"))
    response = await client.post("/v1/chat/completions", json={"messages": [], "model": "tiny"})
    assert response.status == 400 and "messages" in (await response.json())["error"]["message"]
    response = await client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "x"}],
                                                               "temperature": 9})
    assert response.status == 400 and "temperature" in (await response.json())["error"]["message"]
    models = await (await client.get("/v1/models")).json()
    assert [m["id"] for m in models["data"]] == ["tiny"]


async def test_a_failure_after_the_stream_started_is_an_error_event_not_a_dropped_connection(aiohttp_client,
                                                                                             loaded_backend):
    backend = loaded_backend.with_batching(1, 0)

    async def breaks_midway(request):
        yield Chunk(text="Hi")
        raise RuntimeError("the decoder fell over")

    backend.stream = breaks_midway
    client = await aiohttp_client(build_llm_app(backend, model_name="tiny"))
    response = await client.post("/v1/chat/completions", json={"messages": user("hi"), "stream": True})
    events = [line.removeprefix("data: ") for line in (await response.text()).splitlines() if line]
    assert response.status == 200 and json.loads(events[1])["choices"][0]["delta"]["content"] == "Hi"
    assert json.loads(events[-2])["error"]["type"] == "server_error" and events[-1] == "[DONE]"


OK = answer("Hello!")
DOWN = (503, {"error": {"message": "overloaded"}}, {}, 0)
BUSY = (429, {"error": {"message": "slow down"}}, {"Retry-After": "0"}, 0)


async def http_backend(aiohttp_server, script, hits, **options):
    server = await aiohttp_server(scripted_server(script, hits))
    return OpenAIBackend(str(server.make_url("/v1")), model="m", backoff_s=0.01, **options)


async def test_429_and_5xx_are_retried_with_backoff(aiohttp_server):
    hits = []
    async with await http_backend(aiohttp_server, [DOWN, BUSY, OK], hits, retries=2) as llm:
        answer = await llm.complete(ChatRequest(user("hi")))
    assert answer.text == "Hello!" and len(hits) == 3


async def test_the_circuit_opens_after_repeated_failures_and_a_trial_closes_it(aiohttp_server):
    hits = []
    script = [DOWN] * 4 + [OK]
    async with await http_backend(aiohttp_server, script, hits, retries=1, breaker_failures=2,
                                  breaker_reset_s=0.3) as llm:
        for _ in range(2):
            with pytest.raises(BackendUnavailable, match="503.*after 2 attempts"):
                await llm.complete(ChatRequest(user("hi")))
        with pytest.raises(BackendUnavailable, match="paused after repeated failures"):
            await llm.complete(ChatRequest(user("hi")))
        assert len(hits) == 4  # the open circuit did not call the server
        await asyncio.sleep(0.35)
        assert (await llm.complete(ChatRequest(user("hi")))).text == "Hello!"  # the trial call
        assert llm.breaker.state == "closed"


async def test_a_client_error_is_not_retried_and_a_slow_server_times_out(aiohttp_server):
    hits = []
    async with await http_backend(aiohttp_server, [(400, {"error": {"message": "bad tools"}}, {}, 0)], hits) as llm:
        with pytest.raises(LLMError, match="bad tools"):
            await llm.complete(ChatRequest(user("hi")))
    assert len(hits) == 1
    async with await http_backend(aiohttp_server, [(*OK[:3], 5)], [], timeout_s=0.3) as llm:
        with pytest.raises(LLMTimeout):
            await llm.complete(ChatRequest(user("hi")))
