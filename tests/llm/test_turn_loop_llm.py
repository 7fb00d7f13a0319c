"""The LLM in the real turn loop: it reads the conversation so far, sees only the tools the sender and
channel may use, and its checked wording streams to the web widget. The LLM is scripted (a random
model cannot show these); the agent, its skills, the store and the app are the real ones."""
from __future__ import annotations

import json

import pytest

from agent.config import LLMConfig, ServerConfig
from agent.errors import ConfigError
from agent.llm.responder import LLMResponder
from agent.core import Agent
from agent.llm.testkit import ScriptedBackend
from agent.llm.types import ToolCall
from agent.types import UserMessage
from channels.server import build_app
from channels.testing import serving
from skills.base import SkillResult
from tests.agent.conftest import Shop, orders_of, shop  # noqa: F401  (the session fixture, shared)
from training.export import export_conversations

EVERY_TURN = LLMConfig(fast_path_confidence=1.01)  # no fast path: every message goes to the LLM
RED = ToolCall("search", {"query": "sneakers", "colour": "red"})
CHEAPER = ToolCall("search", {"query": "sneakers", "colour": "red", "max_price": 60})


@pytest.fixture
async def with_llm(shop: Shop, tmp_path):  # noqa: F811
    """`agent = with_llm(llm, config)`: the shop's agent built with this LLM and these options."""
    opened: list[Agent] = []

    def build(llm: ScriptedBackend, config: LLMConfig) -> Agent:
        opened.append(shop.agent(tmp_path, llm=llm, llm_config=config))
        return opened[-1]

    yield build
    for agent in opened:
        await orders_of(agent).close()
        await agent.store.close()


def tool_names(request) -> set[str]:
    return {tool["function"]["name"] for tool in request.tools}


async def test_the_router_reads_the_conversation_so_far_with_the_calls_and_what_they_showed(with_llm, tmp_path):
    llm = ScriptedBackend([RED, CHEAPER])
    agent = with_llm(llm, EVERY_TURN)
    first = await agent.handle(UserMessage("ann", "red sneakers"))
    await agent.handle(UserMessage("ann", "something cheaper"))

    messages = llm.requests[1].messages
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "tool", "assistant", "user"]
    assert messages[1]["content"] == "red sneakers" and messages[-1]["content"] == "something cheaper"
    call = messages[2]["tool_calls"][0]["function"]
    assert call["name"] == "search" and json.loads(call["arguments"])["colour"] == "red"
    shown = json.loads(messages[3]["content"])["products"]
    assert [p["title"] for p in shown] == [p.title for p in first[0].products]  # "the second one" is resolvable
    assert [p["position"] for p in shown] == list(range(1, len(shown) + 1))
    assert messages[4]["content"] == first[0].text

    stored = [t for t in await agent.store.transcript("rest:ann") if t.role == "bot"]
    first_call, second_call = (turn.payload["call"] for turn in stored)  # what each turn ran, as the policy ran it
    assert first_call["name"] == "search" and first_call["arguments"]["colour"] == "red"
    assert second_call["arguments"]["max_price"] == 60
    out = tmp_path / "exported.jsonl"
    export_conversations(agent.store.path, out, tools=agent.skills.tool_schemas())
    exported = json.loads(out.read_text().splitlines()[0])
    assert sum(bool(m.get("tool_calls")) for m in exported["messages"]) == 2  # real turns become training data


async def test_history_is_bounded_by_llm_history_turns(with_llm):
    llm = ScriptedBackend([RED])
    agent = with_llm(llm, LLMConfig(fast_path_confidence=1.01, history_turns=1))
    for text in ("red sneakers", "blue ones", "green ones"):
        await agent.handle(UserMessage("bo", text))
    assert [m["content"] for m in llm.requests[2].messages if m["role"] == "user"] == ["blue ones", "green ones"]


async def test_a_shopper_is_never_offered_merchant_tools_and_a_merchant_is(with_llm):
    llm = ScriptedBackend([ToolCall("ads", {"position": 1, "count": 2})])
    agent = with_llm(llm, EVERY_TURN)
    await agent.handle(UserMessage("eve", "write ads for the first product"))
    await agent.handle(UserMessage("shop", "write ads for the first product", metadata={"role": "merchant"}))
    assert "ads" not in tool_names(llm.requests[0]) and "search" in tool_names(llm.requests[0])
    assert "ads" in tool_names(llm.requests[1])
    assert agent.router.stats["fallback_invalid"] == 1 and agent.router.stats["llm"] == 1


async def test_a_channel_offers_only_its_listed_tools(with_llm):
    llm = ScriptedBackend([ToolCall("describe", {"position": 1})])
    agent = with_llm(llm, LLMConfig(fast_path_confidence=1.01, channel_tools={"telegram": "search | smalltalk"}))
    replies = await agent.handle(UserMessage("tg1", "tell me about the first one", channel="telegram"))
    assert tool_names(llm.requests[0]) == {"search", "smalltalk"}
    assert agent.router.stats["fallback_invalid"] == 1 and replies  # the embedding router answered instead


async def test_a_channel_list_naming_an_unknown_tool_is_refused_with_its_name(with_llm):
    with pytest.raises(ConfigError, match="'serach'.*is not a tool"):
        with_llm(ScriptedBackend(["x"]), LLMConfig(channel_tools={"telegram": "serach"}))


class Returns:
    name, description, Input = "search", "Find products.", dict

    def __init__(self, result):
        self.result = result

    async def run(self, args, ctx):
        return self.result


async def test_a_streamed_wording_is_sent_sentence_by_sentence_once_checked(shop):  # noqa: F811
    products = tuple(shop.catalog.products[:2])
    result = SkillResult("Here are 2 picks:", products=products)
    good = f"Two picks for you. The first is the {products[0].title}. Enjoy!"
    deltas: list[str] = []

    async def stream(text):
        deltas.append(text)

    responder = LLMResponder(ScriptedBackend([good]), [p.title for p in shop.catalog.products])
    shown = await responder.phrase(result, "show me picks", stream)
    assert shown.text == good and "".join(deltas) == good and len(deltas) == 3


async def test_streaming_stops_before_an_ungrounded_sentence_and_the_skills_text_is_final(shop):  # noqa: F811
    products = tuple(shop.catalog.products[:2])
    result = SkillResult("Here are 2 picks:", products=products)
    deltas: list[str] = []

    async def stream(text):
        deltas.append(text)

    responder = LLMResponder(ScriptedBackend(["Two picks for you. Both are just $1.23 today. Enjoy!"]))
    shown = await responder.phrase(result, "show me picks", stream)
    assert deltas == ["Two picks for you."]  # the unchecked price never left
    assert shown.text == result.text and responder.stats["ungrounded"] == 1


async def test_the_widget_receives_the_checked_wording_as_deltas_then_the_final_answer(with_llm, aiohttp_client):
    wording = "I found some red sneakers for you. Have a look below!"
    agent = with_llm(ScriptedBackend([RED, wording]), LLMConfig(fast_path_confidence=1.01, phrase_replies=True))
    client = await aiohttp_client(build_app(ServerConfig(), serving(agent)))
    ws = await client.ws_connect("/webchat/ws")
    assert (await ws.receive_json())["type"] == "session"
    await ws.send_json({"type": "message", "text": "red sneakers"})
    deltas, frame = [], {}
    while frame.get("type") != "bot":
        frame = await ws.receive_json(timeout=30)
        if frame["type"] == "delta":
            deltas.append(frame["text"])
    assert len(deltas) == 2 and "".join(deltas) == wording
    assert frame["messages"][0]["text"] == wording and frame["messages"][0]["products"]
    await ws.close()
