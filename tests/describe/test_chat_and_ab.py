"""Through the real app: grounded "tell me more", merchant-only ads, and the widget's A/B events."""
import re

import pytest

from agent.config import AisleConfig, ServerConfig
from agent.core import Agent
from agent.parts import RulesRouter
from agent.runtime import build_skills
from agent.store import SQLiteStore
from agent.types import Decision
from channels.server import build_app
from channels.testing import serving
from knowledge.catalog_index import CatalogIndex
from knowledge.embedders import HashingEmbedder
from knowledge.retriever import Retriever

WEBHOOK = "/webhooks/rest/webhook"
TOKEN = "merchant-secret-token"
SESSION = "visitor-session-0001"


class AskedRouter:
    """A shop's own rules in place of the intent model: every request goes where its words point, ads included.

    Routing a shopper's "write ads" to the ads skill is the worst case the agent must survive.
    """

    def decide(self, text, *args, **kwargs):
        lowered = text.lower()
        if re.search(r"\bads?\b|a/b|\bsegments\b", lowered):
            return Decision("write_ad", "ads", {})
        if "tell me more" in lowered or "describe" in lowered:
            return Decision("describe_product", "describe", {})
        return Decision("search_products", "search", {"query": text})


@pytest.fixture(scope="module")
def catalog(demo_catalog_path, tmp_path_factory):
    return CatalogIndex.open(demo_catalog_path, tmp_path_factory.mktemp("index"), HashingEmbedder(dim=64),
                             progress=False)


@pytest.fixture
async def client(aiohttp_client, catalog, tmp_path, monkeypatch):
    monkeypatch.setenv("AISLE_MERCHANT_TOKEN", TOKEN)
    config = AisleConfig(data_dir=str(tmp_path))
    skills = build_skills(Retriever(catalog), config)
    store = SQLiteStore.open(tmp_path / "aisle.db")
    agent = Agent(RulesRouter(AskedRouter().decide), skills, store, catalog, experiments=skills["ads"].experiments)
    yield await aiohttp_client(build_app(ServerConfig(), serving(agent)))
    await store.close()


async def say(client, sender, text, token=None, metadata=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(WEBHOOK, json={"sender": sender, "message": text, "metadata": metadata or {}},
                                 headers=headers)
    assert response.status == 200, await response.text()
    replies = await response.json()
    text = "\n".join(r.get("text", "") for r in replies)
    cards = [p for r in replies for p in r.get("custom", {}).get("products", [])]
    return text, cards


async def test_tell_me_more_about_the_second_one_is_grounded(client, catalog):
    _, shown = await say(client, "ann", "red sneakers")
    assert len(shown) >= 2
    text, cards = await say(client, "ann", "tell me more about the second one")
    assert [c["id"] for c in cards] == [shown[1]["id"]]
    product = catalog.by_id(shown[1]["id"])
    assert product.title.split()[-1] in text and product.brand in text
    checker = build_skills(Retriever(catalog), AisleConfig())["describe"].generator.checker
    assert checker.check(text.split("\n")[0], product) == []


async def test_a_shopper_cannot_get_ads_even_by_asking(client, catalog):
    product = catalog.products[0]
    for metadata in ({}, {"role": "merchant"}):
        text, _ = await say(client, "bob", f"write 3 ads for product {product.id}", metadata=metadata)
        assert "shop's team" in text and "headline" not in text.lower()


async def test_a_wrong_token_is_refused(client):
    response = await client.post(WEBHOOK, json={"sender": "eve", "message": "write 3 ads"},
                                 headers={"Authorization": "Bearer not-the-token"})
    assert response.status == 401


async def test_a_merchant_with_the_token_gets_ads_within_limits(client, catalog):
    product = catalog.products[0]
    text, cards = await say(client, "shop", f"write 3 search ads for product {product.id}", token=TOKEN)
    assert text.startswith(f"3 search ads for {product.title}")
    headlines = re.findall(r"headline: (.+?) \((\d+)/30\)", text)
    assert len(headlines) == 3 and all(len(h) == int(n) <= 30 for h, n in headlines)
    assert [c["id"] for c in cards] == [product.id]


async def test_a_merchant_writes_ads_for_a_segment_of_the_shoppers_profiles(client, catalog):
    text, _ = await say(client, "shop", "which segments are there?", token=TOKEN)
    listed = re.findall(r"^- ([a-z0-9-]+): (\d+) shoppers who mostly look at (\w+)", text, re.M)
    assert listed, text  # the demo shop's invented shoppers make segments out of the box
    name, size, category = listed[0]
    product = next(p for p in catalog.products if p.category == category)
    text, _ = await say(client, "shop", f"write 3 social ads for product {product.id} for segment {name}",
                        token=TOKEN)
    assert f"Written for {name}: {size} shoppers" in text
    assert len(re.findall(r"headline: .+? \((\d+)/40\)", text)) == 3
    text, _ = await say(client, "bob", "which segments are there?")
    assert "shop's team" in text and "shoppers who mostly look at" not in text


async def test_the_widget_records_an_impression_and_a_click(client, catalog):
    product = catalog.products[1]
    text, _ = await say(client, "shop", f"write 3 onsite ads for product {product.id} and start an A/B test",
                        token=TOKEN)
    experiment_id = re.search(r"A/B test (\w+) started", text).group(1)

    response = await client.get("/ab/variant", params={"session_id": SESSION})
    shown = await response.json()
    assert shown["experiment_id"] == experiment_id and shown["product"]["id"] == product.id
    again = await (await client.get("/ab/variant", params={"session_id": SESSION})).json()
    assert again["variant_id"] == shown["variant_id"]  # a visitor keeps their variant

    event = {"experiment_id": experiment_id, "variant_id": shown["variant_id"], "session_id": SESSION}
    early = await client.post("/ab/click", json={**event, "session_id": "another-visitor-01"})
    assert early.status == 400  # no click without an impression
    for kind in ("impression", "click", "click"):
        assert (await client.post(f"/ab/{kind}", json=event)).status == 200

    assert (await client.get(f"/ab/experiments/{experiment_id}/report")).status == 401
    auth = {"Authorization": f"Bearer {TOKEN}"}
    report = await (await client.get(f"/ab/experiments/{experiment_id}/report", headers=auth)).json()
    row = next(r for r in report["variants"] if r["variant_id"] == shown["variant_id"])
    assert (row["impressions"], row["clicks"], row["ctr"]) == (1, 1, 1.0)
    assert 0 < row["ci_low"] < row["ci_high"] <= 1
    plot = await client.get(f"/ab/experiments/{experiment_id}/report.png", headers=auth)
    assert plot.content_type == "image/png" and (await plot.read()).startswith(b"\x89PNG")
