"""The OpenAI-compatible client against streams that real servers send but the spec does not show:
older vLLM repeats the function name in every chunk, some servers leave out `index`, some give the
error as a plain string."""
import pytest

from agent.llm.openai import OpenAIBackend
from agent.llm.types import ChatRequest, LLMError
from tests.llm.conftest import GREET_TOOL, SEARCH_TOOL, user
from tests.llm.fake_llm import scripted_server, streaming_server, tool_delta

TOOLS = [SEARCH_TOOL, GREET_TOOL]
REQUEST = ChatRequest(user("red sneakers"), tools=TOOLS, tool_choice="auto", max_tokens=50)


async def _streamed(aiohttp_server, events: list):
    server = await aiohttp_server(streaming_server(events))
    async with OpenAIBackend(str(server.make_url("/v1")), model="m", timeout_s=10, retries=0) as http:
        chunks = [chunk async for chunk in http.stream(REQUEST)]
    return chunks[-1].completion


async def test_a_function_name_repeated_in_every_chunk_is_not_doubled(aiohttp_server):
    completion = await _streamed(aiohttp_server, [
        tool_delta(0, "call_1", "search_products", '{"query": '),
        tool_delta(0, None, "search_products", '"red sneakers"}'),
        tool_delta(0, None, "search_products", "", finish="tool_calls"),
    ])
    [call] = completion.tool_calls
    assert (call.name, call.arguments) == ("search_products", {"query": "red sneakers"})


async def test_a_name_split_across_chunks_is_still_joined(aiohttp_server):
    completion = await _streamed(aiohttp_server, [
        tool_delta(0, "call_1", "search_", ""), tool_delta(0, None, "products", '{"query": "boots"}'),
    ])
    assert [(c.name, c.arguments) for c in completion.tool_calls] == [("search_products", {"query": "boots"})]


async def test_calls_without_an_index_are_told_apart_by_their_id(aiohttp_server):
    completion = await _streamed(aiohttp_server, [
        tool_delta(None, "call_a", "search_products", '{"query": '), tool_delta(None, None, None, '"boots"}'),
        tool_delta(None, "call_b", "greet", "{}", finish="tool_calls"),
    ])
    assert [(c.id, c.name, c.arguments) for c in completion.tool_calls] == [
        ("call_a", "search_products", {"query": "boots"}), ("call_b", "greet", {})]


@pytest.mark.parametrize("error", ["the model is overloaded", {"message": "the model is overloaded"}, 42])
async def test_an_error_mid_stream_is_an_llm_error_whatever_its_shape(aiohttp_server, error):
    with pytest.raises(LLMError, match="failed mid-stream") as raised:
        await _streamed(aiohttp_server, [{"choices": [{"delta": {"content": "Hi"}}]}, {"error": error}])
    assert str(error if not isinstance(error, dict) else error["message"]) in str(raised.value)


async def test_an_error_status_with_a_string_error_names_it(aiohttp_server):
    hits: list = []
    server = await aiohttp_server(scripted_server([(400, {"error": "bad tool_choice"}, {}, 0)], hits))
    async with OpenAIBackend(str(server.make_url("/v1")), model="m", timeout_s=10, retries=0) as http:
        with pytest.raises(LLMError, match=r"HTTP 400: bad tool_choice$"):
            await http.complete(REQUEST)
