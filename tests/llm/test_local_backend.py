"""The local backend on a tiny random Qwen2-shaped model: generation, streaming, dynamic batching."""
import asyncio
import json

import jsonschema
import pytest

from agent.llm.toolcalls import validate_call
from agent.llm.types import ChatRequest, LLMError, LLMTimeout
from tests.llm.conftest import GREET_TOOL, SEARCH_TOOL, user

PROMPTS = ["red sneakers", "a leather jacket for men", "hello", "wireless earbuds under 50",
           "what can you do?", "blue jeans in size 32"]


async def test_generates_text_within_the_token_limit(loaded_backend):
    async with loaded_backend as llm:
        first = await llm.complete(ChatRequest(user("show me red sneakers"), max_tokens=12))
        again = await llm.complete(ChatRequest(user("show me red sneakers"), max_tokens=12))
    assert first.text and first.text == again.text  # greedy: the same question, the same answer
    assert 0 < first.completion_tokens <= 12 and first.prompt_tokens > 5
    assert first.finish_reason in ("stop", "length")


async def test_streams_the_answer_piece_by_piece(loaded_backend):
    request = ChatRequest(user("wireless earbuds"), max_tokens=16, ignore_eos=True)
    async with loaded_backend as llm:
        chunks = [chunk async for chunk in llm.stream(request)]
        whole = await llm.complete(request)
    pieces = [c.text for c in chunks if c.text]
    assert len(pieces) > 3
    assert "".join(pieces) == whole.text
    assert chunks[-1].completion.completion_tokens == 16 and chunks[-1].finish_reason == "length"


async def test_concurrent_requests_are_batched_and_each_gets_its_own_greedy_answer(loaded_backend):
    requests = [ChatRequest(user(text), max_tokens=8 + i) for i, text in enumerate(PROMPTS)]
    async with loaded_backend.with_batching(max_batch=1, batch_wait_ms=0) as naive:
        alone = [await naive.complete(r) for r in requests]
    batched_backend = loaded_backend.with_batching(max_batch=8, batch_wait_ms=50)
    async with batched_backend as llm:
        together = await asyncio.gather(*(llm.complete(r) for r in requests))
    assert max(batched_backend.batcher.batch_sizes) == len(PROMPTS)  # decoded as one left-padded batch
    assert [c.raw for c in together] == [c.raw for c in alone]
    assert [c.completion_tokens for c in together] == [c.completion_tokens for c in alone]
    assert len({c.raw for c in together}) > 1


async def test_a_request_past_its_timeout_fails_fast(loaded_backend):
    async with loaded_backend as llm:
        with pytest.raises(LLMTimeout):
            await llm.complete(ChatRequest(user("red sneakers"), max_tokens=4000, ignore_eos=True, timeout_s=0.2))
        answer = await llm.complete(ChatRequest(user("red sneakers"), max_tokens=4))  # the worker is free again
    assert answer.completion_tokens <= 4


async def test_unknown_adapter_is_refused_by_name(loaded_backend):
    async with loaded_backend as llm:
        with pytest.raises(LLMError, match="no adapter named 'nope'"):
            await llm.complete(ChatRequest(user("hi"), adapter="nope"))


async def test_required_tool_calls_are_valid_by_construction_greedy_and_sampled(loaded_backend):
    tools = [SEARCH_TOOL, GREET_TOOL]
    requests = [ChatRequest(user(text), tools=tools, tool_choice="required", max_tokens=200) for text in PROMPTS[:2]]
    requests += [ChatRequest(user(text), tools=tools, tool_choice="search", max_tokens=200, temperature=1.0)
                 for text in PROMPTS[2:4]]
    async with loaded_backend as llm:
        completions = await asyncio.gather(*(llm.complete(r) for r in requests))
    for request, completion in zip(requests, completions):
        assert completion.finish_reason == "tool_calls", completion.raw
        [call] = completion.tool_calls
        assert validate_call(call, tools) == []
        assert request.tool_choice in ("required", call.name)


async def test_structured_output_follows_the_json_schema(loaded_backend):
    schema = {"type": "object", "additionalProperties": False, "required": ["title", "price"],
              "properties": {"title": {"type": "string", "maxLength": 24}, "price": {"type": "number"}}}
    request = ChatRequest(user("describe a product as JSON"), max_tokens=80,
                          response_format={"type": "json_schema", "json_schema": {"name": "p", "schema": schema}})
    async with loaded_backend as llm:
        completion = await llm.complete(request)
    jsonschema.validate(json.loads(completion.text), schema)
