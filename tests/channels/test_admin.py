"""The admin channel: token checks, request validation, and a catalog update seen by the next chat turn."""
from __future__ import annotations

import pytest

from agent.config import AisleConfig, ServerConfig
from agent.core import Agent
from agent.errors import ConfigError
from agent.nlu.intent_model import cached_intent_model
from agent.nlu.nlu_data import read_nlu_data
from agent.nlu.router import EmbeddingRouter
from agent.runtime import build_skills
from agent.store import SQLiteStore
from channels.server import build_app, default_channels
from channels.testing import FakeAgent, demo_products, serving
from knowledge.catalog_index import CatalogIndex
from knowledge.catalog_io import write_jsonl
from knowledge.embedders import HashingEmbedder
from knowledge.query_parse import Lexicon
from knowledge.retriever import Retriever

TOKEN = "s3cret-admin-token-for-tests"
MOONBOOT = {"id": "zz-1", "title": "Zephyr Moonboot", "brand": "Zephyr", "product_type": "boots",
            "category": "shoes", "colour": "silver", "price": 140, "stock": 4}


@pytest.fixture
def token_env(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AISLE_ADMIN_TOKEN", TOKEN)
    return TOKEN


@pytest.fixture
async def admin(aiohttp_client, token_env):
    agent = FakeAgent(demo_products())
    client = await aiohttp_client(build_app(ServerConfig(admin_max_body_bytes=2048), serving(agent)))
    client.agent = agent
    return client


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer"])
async def test_a_missing_or_wrong_token_gets_a_bare_401(admin, header):
    headers = {} if header is None else {"Authorization": header}
    response = await admin.post("/admin/catalog", json={"upserts": [MOONBOOT]}, headers=headers)
    assert response.status == 401
    assert await response.json() == {"error": "unauthorized", "status": 401}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert admin.agent.product("zz-1") is None


@pytest.mark.parametrize(("body", "field", "words"), [
    ({"upserts": [MOONBOOT, {"id": "x", "title": "X", "price": "cheap"}]}, "upserts[1]", "price 'cheap'"),
    ({"upserts": [{"title": "No id", "price": 3}]}, "upserts[0]", "missing id"),
    ({"upserts": {"id": "x"}}, "upserts", "must be an array"),
    ({"deletes": ["sku-001", 7]}, "deletes[1]", "product id string"),
    ({"upsert": []}, "upsert", "unknown field"),
])
async def test_bad_updates_get_400_naming_the_field(admin, body, field, words):
    response = await admin.post("/admin/catalog", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    answer = await response.json()
    assert response.status == 400 and answer["field"] == field and words in answer["error"]
    assert admin.agent.product("zz-1") is None


async def test_a_body_over_the_admin_limit_gets_413(admin):
    huge = {"upserts": [dict(MOONBOOT, id=f"zz-{n}", description="x" * 100) for n in range(40)]}
    response = await admin.post("/admin/catalog", json=huge, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status == 413 and "2048 bytes" in (await response.json())["error"]


def test_the_admin_channel_is_served_only_with_a_token(monkeypatch):
    monkeypatch.delenv("AISLE_ADMIN_TOKEN", raising=False)
    assert "admin" not in default_channels(ServerConfig())
    assert "admin" in default_channels(ServerConfig(), environ={"AISLE_ADMIN_TOKEN": "t"})
    assert "admin" not in default_channels(ServerConfig(), environ={"AISLE_ADMIN_TOKEN": "  "})
    with pytest.raises(ConfigError, match="set the environment variable AISLE_ADMIN_TOKEN"):
        build_app(ServerConfig(), serving(FakeAgent(demo_products())), channels=("rest", "admin"))


async def test_without_a_token_there_is_no_admin_route(aiohttp_client, monkeypatch):
    monkeypatch.delenv("AISLE_ADMIN_TOKEN", raising=False)
    client = await aiohttp_client(build_app(ServerConfig(), serving(FakeAgent(demo_products()))))
    response = await client.post("/admin/catalog", json={}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status in (404, 405)


@pytest.fixture
async def real_agent(tmp_path):
    embedder = HashingEmbedder(dim=128)
    catalog = write_jsonl(demo_products(), tmp_path / "catalog.jsonl")
    index = CatalogIndex.open(catalog, tmp_path / "index", embedder, progress=False)
    model = cached_intent_model(read_nlu_data("agent/defaults/nlu.yml"), embedder, tmp_path / "cache")
    router = EmbeddingRouter(embedder, model, Lexicon.from_products(index.products), threshold=0.35)
    store = SQLiteStore.open(tmp_path / "aisle.db")
    yield Agent(router, build_skills(Retriever(index), AisleConfig()), store, index)
    await store.close()


async def chat(client, text: str) -> list[dict]:
    response = await client.post("/webhooks/rest/webhook", json={"sender": "merchant", "message": text})
    assert response.status == 200
    return [product for reply in await response.json() if "custom" in reply
            for product in reply["custom"].get("products", [])]


async def test_an_update_through_the_real_app_is_seen_by_the_next_message(aiohttp_client, token_env, real_agent):
    client = await aiohttp_client(build_app(ServerConfig(), serving(real_agent)))
    assert all(product["id"] != "zz-1" for product in await chat(client, "zephyr boots"))
    response = await client.post("/admin/catalog", headers={"Authorization": f"Bearer {TOKEN}"},
                                 json={"upserts": [MOONBOOT, demo_products()[0].to_dict()], "deletes": ["sku-006"]})
    assert response.status == 200
    report = await response.json()
    assert report["added"] == ["zz-1"] and report["deleted"] == ["sku-006"] and report["unchanged"] == ["sku-001"]
    assert report["embedded"] == 1 and report["version"] == 1 and report["errors"] == []
    found = await chat(client, "zephyr boots")
    assert [product["id"] for product in found] == ["zz-1"]
    assert all(product["id"] != "sku-006" for product in await chat(client, "black leather boots"))
    health = await (await client.get("/health")).json()
    assert health["products"] == 8 and "admin" in health["channels"]


async def test_an_index_changed_by_another_process_is_a_409_and_nothing_changes(aiohttp_client, token_env,
                                                                                 real_agent, tmp_path):
    other = CatalogIndex.open(tmp_path / "catalog.jsonl", tmp_path / "index", HashingEmbedder(dim=128), progress=False)
    other.apply_update([], deletes=["sku-001"])
    client = await aiohttp_client(build_app(ServerConfig(), serving(real_agent)))
    response = await client.post("/admin/catalog", json={"upserts": [MOONBOOT]},
                                 headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status == 409 and "changed by another process" in (await response.json())["error"]
    assert real_agent.product("zz-1") is None and real_agent.catalog.version == 0
