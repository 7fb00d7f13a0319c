"""Aisle's skills answering Rasa's custom-action requests, in the exact shape Rasa sends them."""
from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
from pathlib import Path

import aiohttp
import pytest

from agent.config import AisleConfig
from agent.runtime import build_skills
from channels.rasa_actions.executor import STATE_SLOT, action_executor
from channels.testing import demo_products
from knowledge.catalog_index import CatalogIndex
from knowledge.catalog_io import write_jsonl
from knowledge.retriever import Retriever

DOMAIN = {"version": "3.1", "intents": ["search_products", "describe_product"], "entities": ["colour", "max_price"],
          "slots": {STATE_SLOT: {"type": "any", "influence_conversation": False, "mappings": [{"type": "custom"}]},
                    "last_results": {"type": "list", "mappings": [{"type": "custom"}]}},
          "responses": {}, "actions": ["action_aisle_search", "action_aisle_describe"], "forms": {}, "e2e_actions": []}


def rasa_request(action: str, text: str, entities: list[dict], slots: dict | None = None) -> dict:
    """What Rasa 3 POSTs to the action server's /webhook."""
    latest = {"text": text, "intent": {"name": "search_products", "confidence": 0.97}, "entities": entities,
              "intent_ranking": [{"name": "search_products", "confidence": 0.97}], "message_id": "4f1c"}
    tracker = {"sender_id": "rasa-user-1", "slots": {STATE_SLOT: None, "last_results": None, **(slots or {})},
               "latest_message": latest, "latest_event_time": 1700000000.0, "followup_action": None, "paused": False,
               "events": [{"event": "action", "timestamp": 1700000000.0, "name": "action_listen"},
                          {"event": "user", "timestamp": 1700000000.1, "text": text, "parse_data": latest}],
               "latest_input_channel": "rest", "active_loop": {}, "latest_action": {"action_name": "action_listen"},
               "latest_action_name": "action_listen"}
    return {"next_action": action, "sender_id": "rasa-user-1", "tracker": tracker, "domain": DOMAIN,
            "version": "3.6.20"}


@pytest.fixture(scope="module")
def shoe_catalog(tmp_path_factory) -> Path:
    return write_jsonl(demo_products(), tmp_path_factory.mktemp("rasa") / "catalog.jsonl")


@pytest.fixture
def executor(shoe_catalog, minilm, tmp_path):
    index = CatalogIndex.open(shoe_catalog, tmp_path / "index", minilm, progress=False)
    config = AisleConfig(data_dir=str(tmp_path))
    return action_executor(build_skills(Retriever(index), config), public_base_url="https://shop.example")


async def test_search_answers_with_text_cards_and_the_state_in_slots(executor):
    entities = [{"entity": "colour", "value": "red", "start": 0, "end": 3, "extractor": "DIETClassifier"},
                {"entity": "max_price", "value": "80", "start": 20, "end": 22, "extractor": "RegexEntityExtractor"}]
    result = (await executor.run(rasa_request("action_aisle_search", "red sneakers under 80", entities))).model_dump()

    (response,) = result["responses"]
    cards = response["custom"]["products"]
    assert cards and all(card["colour"] == "red" and card["price"] <= 80 for card in cards)
    assert cards[0]["image"].startswith("https://shop.example/media/images/")
    assert response["text"]
    shown = [card["id"] for card in cards]
    events = {e["name"]: e["value"] for e in result["events"] if e["event"] == "slot"}
    assert events["last_results"] == shown and events[STATE_SLOT]["last_results"] == shown


async def test_describe_reads_the_products_shown_from_the_state_slot(executor):
    found = (await executor.run(rasa_request("action_aisle_search", "black boots", []))).model_dump()
    state = next(e["value"] for e in found["events"] if e["name"] == STATE_SLOT)
    request = rasa_request("action_aisle_describe", "tell me more about the first one",
                           [{"entity": "position", "value": "1"}], {STATE_SLOT: state})
    (response,) = (await executor.run(request)).model_dump()["responses"]
    assert "Heritage Leather Boot" in response["text"] or "Oakline" in response["text"]


async def test_an_unknown_action_is_refused_by_name(executor):
    from rasa_sdk.interfaces import ActionNotFoundException

    with pytest.raises(ActionNotFoundException):
        await executor.run(rasa_request("action_aisle_ads", "write an ad", []))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
async def test_aisle_actions_serves_rasas_webhook_over_http(shoe_catalog, tmp_path):
    config = tmp_path / "aisle.yml"
    config.write_text(f"data_dir: {tmp_path}\ncatalog:\n  path: {shoe_catalog}\nrecommend:\n  enabled: false\n")
    port = _free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "channels.cli", "--config", str(config), "actions", "--port", str(port),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, env=env)
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(240):
                try:
                    async with session.get(f"http://127.0.0.1:{port}/health") as health:
                        if health.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.5)
            else:
                pytest.fail("aisle actions did not start: " + (await process.stdout.read(4000)).decode())
            async with session.get(f"http://127.0.0.1:{port}/actions") as listed:
                names = {item["name"] for item in await listed.json()}
            assert {"action_aisle_search", "action_aisle_describe", "action_aisle_tryon"} <= names
            body = json.dumps(rasa_request("action_aisle_search", "black boots", []))
            async with session.post(f"http://127.0.0.1:{port}/webhook", data=body,
                                    headers={"Content-Type": "application/json"}) as answer:
                assert answer.status == 200
                result = await answer.json()
        assert set(result) == {"events", "responses"}
        assert result["responses"][0]["custom"]["products"][0]["title"] == "Heritage Leather Boot"
    finally:
        process.terminate()
        await process.wait()
