"""Fine-tuning data: chat JSONL checked line by line, converters and the synthetic generator producing
calls the real registry accepts, splits that keep conversations whole, exports with personal data out."""
import asyncio
import json
from pathlib import Path

import pytest

from agent.llm.toolcalls import validate_call
from agent.llm.types import ToolCall
from agent.nlu.nlu_data import read_nlu_data
from agent.store import SQLiteStore
from knowledge.query_parse import Lexicon
from tests.training.llm_kit import open_shop, subset
from training.chat_data import ChatDataError, call_name_and_arguments, read_chat_jsonl, tool_call, write_chat_jsonl
from training.convert import from_conversation_tests, from_rasa_nlu
from training.export import export_conversations
from training.splits import split_by_conversation, straddling
from training.synthetic import SyntheticConfig, generate_dialogs


@pytest.fixture(scope="module")
def shop(demo_catalog_path, minilm, tmp_path_factory):
    shop = open_shop(demo_catalog_path, minilm, tmp_path_factory.mktemp("shop"))
    yield shop
    asyncio.run(shop.orders.close())


def calls_of(records):
    for record in records:
        for message in record["messages"]:
            for call in message.get("tool_calls") or []:
                yield ToolCall(*call_name_and_arguments(call))


def test_bad_lines_are_reported_by_number(tmp_path):
    search = {"type": "function", "function": {"name": "search", "parameters": {"type": "object"}}}
    good = {"tools": [search], "messages": [
        {"role": "user", "content": "red sneakers"},
        {"role": "assistant", "tool_calls": [tool_call("search", {"colour": "red"}, "c1")]},
        {"role": "tool", "tool_call_id": "c1", "content": "{\"products\": []}"},
        {"role": "assistant", "content": "Nothing red, sorry."}]}
    lines = [json.dumps(good), "{not json",
             json.dumps({"messages": [{"role": "shopper", "content": "hi"}, {"role": "assistant", "content": "Hi"}]}),
             json.dumps({**good, "messages": good["messages"][:1] + [
                 {"role": "assistant", "tool_calls": [tool_call("refund", {}, "c1")]}]}),
             json.dumps({"messages": [{"role": "user", "content": "hi"}]}),
             json.dumps({**good, "messages": good["messages"][:3] + [{"role": "tool", "tool_call_id": "c9",
                                                                       "content": "{}"}]})]
    path = tmp_path / "chats.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ChatDataError) as caught:
        read_chat_jsonl(path)
    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == ["line 2", "line 3", "line 4", "line 5", "line 6"]
    assert "not valid JSON" in problems[0] and "'shopper' is not one of" in problems[1]
    assert "'refund' is not among the tools: search" in problems[2]
    assert "nothing to learn" in problems[3] and "'c9' answers no earlier tool call" in problems[4]
    path.write_text(lines[0] + "\n", encoding="utf-8")
    assert read_chat_jsonl(path)[0]["messages"] == good["messages"]


def test_nlu_examples_and_conversation_tests_become_valid_chat_jsonl(shop, tmp_path):
    tools = shop.registry.tool_schemas()
    lexicon = Lexicon.from_products(shop.products)
    nlu, nlu_report = from_rasa_nlu("agent/defaults/nlu.yml", tools, lexicon)
    tests, tests_report = from_conversation_tests(sorted(Path("agent/defaults/conversations").glob("*.yml")),
                                                  tools, lexicon)
    assert write_chat_jsonl(tmp_path / "all.jsonl", nlu + tests) == len(read_chat_jsonl(tmp_path / "all.jsonl"))
    assert nlu_report.converted == len(read_nlu_data("agent/defaults/nlu.yml").examples) - len(nlu_report.skipped)
    assert all(validate_call(call, tools) == [] for call in calls_of(nlu + tests))
    assert set(nlu_report.calls) >= {"search", "smalltalk", "order_status", "handoff", "policies", "refine"}
    by_text = {r["messages"][1]["content"]: next(calls_of([r])) for r in nlu}
    tracked = next(call for text, call in by_text.items() if "ORD-482913" in text)
    assert (tracked.name, tracked.arguments["order_number"]) == ("order_status", "ORD-482913")
    sneakers = next(r for r in tests if r["messages"][1]["content"] == "show me red sneakers under 80 dollars")
    assert next(calls_of([sneakers])).arguments == {"query": "red sneakers", "colour": "red",
                                                    "product_type": "sneakers", "max_price": 80}
    assert (tests_report.converted, sum(tests_report.calls.values()), tests_report.skipped) == (4, 9, [])

    unlabelled = tmp_path / "unlabelled.yml"
    unlabelled.write_text("conversations:\n  - turns:\n      - user: hi\n        intent: greet\n"
                          "      - user: something odd\n", encoding="utf-8")
    [record], report = from_conversation_tests([unlabelled], tools, lexicon)
    assert [m["role"] for m in record["messages"]] == ["system", "user", "assistant", "tool"]
    assert "turn 2 ('something odd') and after" in report.skipped[0]


def test_synthetic_dialogs_call_only_offered_tools_with_valid_arguments(shop):
    tools = shop.registry.tool_schemas()
    records = generate_dialogs(shop.products, tools, read_nlu_data("agent/defaults/nlu.yml"),
                               SyntheticConfig(300, seed=3))
    assert records == generate_dialogs(shop.products, tools, read_nlu_data("agent/defaults/nlu.yml"),
                                       SyntheticConfig(300, seed=3))  # the same seed, the same data
    calls = list(calls_of(records))
    assert all(validate_call(call, tools) == [] for call in calls)
    names = {call.name for call in calls}
    assert names >= {"search", "refine", "select", "product_question", "compare", "order_status", "returns",
                     "cancel_order", "policies", "handoff", "smalltalk"}
    assert any(c.name == "cancel_order" and c.arguments.get("confirm") is True for c in calls)
    assert any(c.name == "handoff" and c.arguments.get("action") == "accept" for c in calls)
    assert max(sum(m["role"] == "user" for m in r["messages"]) for r in records) >= 4  # multi-turn flows
    catalog = {p.id: p for p in shop.products}
    results = [json.loads(m["content"]) for r in records for m in r["messages"] if m["role"] == "tool"]
    shown = [p for result in results for p in result.get("products", [])]
    assert len(shown) > 300 and all(catalog[p["id"]].title == p["title"] for p in shown)  # real products

    fewer = subset(shop.registry, ("search", "smalltalk", "handoff")).tool_schemas()
    limited = generate_dialogs(shop.products, fewer, read_nlu_data("agent/defaults/nlu.yml"),
                               SyntheticConfig(100, seed=3))
    assert {c.name for c in calls_of(limited)} <= {"search", "smalltalk", "handoff"}


def test_no_conversation_has_turns_on_both_sides_of_the_split():
    records = [{"conversation_id": f"c{n % 40}", "messages": [{"role": "user", "content": str(n)}]}
               for n in range(200)]  # each conversation exported in five pieces
    train, validation = split_by_conversation(records, validation_share=0.2, seed=1)
    train_ids = {r["conversation_id"] for r in train}
    validation_ids = {r["conversation_id"] for r in validation}
    assert not train_ids & validation_ids and straddling(train, validation) == set()
    assert len(validation_ids) == 8 and len(train) + len(validation) == 200
    again, _ = split_by_conversation(list(reversed(records)), validation_share=0.2, seed=1)
    assert {r["conversation_id"] for r in again} == train_ids  # order does not matter, the seed does


PLANTED = {
    "email": "jane.doe+shop@mailbox.example.org",
    "phone": "+1 (415) 555-0142",
    "address": "742 Evergreen Terrace, Springfield, OR 97477",
    "card": "4242 4242 4242 4242",
    "order_number": "ORD-604213",
}


async def test_exported_conversations_have_every_kind_of_personal_data_redacted(tmp_path):
    store = SQLiteStore.open(tmp_path / "aisle.db")
    cid = "whatsapp:+14155550142"  # a sender id can be a phone number too
    await store.append(cid, "user", f"hi, where is my order {PLANTED['order_number']}?")
    await store.append(cid, "bot", f"Order {PLANTED['order_number']} has shipped.",
                       {"call": {"name": "order_status", "arguments": {"order_number": PLANTED["order_number"]}}})
    await store.append(cid, "user", f"send updates to {PLANTED['email']} or call {PLANTED['phone']}")
    await store.append(cid, "bot", "Noted.", {})
    await store.append(cid, "user", f"deliver to {PLANTED['address']}, I'll pay with {PLANTED['card']}")
    await store.append(cid, "bot", "A colleague will confirm the address.", {})
    await store.append(cid, "handoff", "handoff requested: asked", {})
    await store.append(cid, "bot", "Hi, Kim here from the team.", {"agent": "kim"})
    await store.append("web:bob", "user", "hello")
    await store.close()

    report = export_conversations(tmp_path / "aisle.db", tmp_path / "out.jsonl", min_user_turns=2)
    text = (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    assert not [kind for kind, value in PLANTED.items() if value in text]
    assert "4155550142" not in text and "Kim here" not in text  # hashed id; the colleague's words stay out
    assert dict(report.redacted) == {"order_number": 3, "email": 1, "phone": 1, "address": 1, "card": 1}
    assert (report.conversations, report.skipped) == (1, 1)
    [record] = read_chat_jsonl(tmp_path / "out.jsonl")
    [call] = calls_of([record])
    assert call.arguments == {"order_number": "ORD-000001"}  # the same stand-in as in the shopper's words
    assert "ORD-000001" in record["messages"][1]["content"]
    assert list(report.by_conversation.values()) == [dict(report.redacted)]


def test_intents_named_like_yaml_booleans_reach_the_converter_as_their_names(tmp_path):
    path = tmp_path / "nlu.yml"
    path.write_text("nlu:\n- intent: yes\n  examples: |\n    - yes please\n- intent: on\n  examples: |\n"
                    "    - switch it on\n- intent: no\n  examples: |\n    - no thanks\n", encoding="utf-8")
    _, report = from_rasa_nlu(path, [])
    named = [line.split(": no offered tool serves intent ")[1] for line in report.skipped]
    assert named == ["'yes'", "'on'", "'no'"]  # three intents, not True, True and False
