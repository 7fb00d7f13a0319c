"""POST /events, GET /recommendations and the profile endpoints, on the real app over a real socket."""
import pytest

from agent.config import ServerConfig
from channels.server import build_app
from channels.testing import FakeAgent, serving
from skills.recommend import RecommendSkill
from tests.recommend.conftest import NOW

SESSION = "sessionAAAA1111"
OTHER = "sessionBBBB2222"
TOKEN = "merchant-secret-1"


@pytest.fixture
async def client(aiohttp_client, recs_index, recommender, monkeypatch):
    monkeypatch.setenv("AISLE_MERCHANT_TOKEN", TOKEN)
    agent = FakeAgent(list(recs_index.products), skills=(RecommendSkill(recommender),))
    return await aiohttp_client(build_app(ServerConfig(), serving(agent)))


def shoes(recs_index, n=3):
    return [p.id for p in recs_index.products if p.category == "shoes" and p.in_stock][:n]


def batch(items, session=SESSION, kind="view"):
    events = [{"id": f"e{n}", "type": kind, "item": item, "ts": NOW - 100 + n} for n, item in enumerate(items)]
    return {"session_id": session, "events": events}


async def test_events_are_stored_once_even_when_a_batch_is_sent_twice(client, recommender, recs_index):
    body = batch(shoes(recs_index))
    first = await client.post("/events", json=body)
    assert first.status == 200 and await first.json() == {"accepted": 3, "duplicates": 0, "recorded": True}
    again = await client.post("/events", json=body)
    assert await again.json() == {"accepted": 0, "duplicates": 3, "recorded": True}
    assert recommender.store.count(f"webchat:{SESSION}") == 3


@pytest.mark.parametrize("event, field, words", [
    ({"id": "x", "type": "teleport", "item": "sku-00001"}, "events[1].type", "not one of"),
    ({"id": "x", "type": "view"}, "events[1].item", "missing"),
    ({"type": "view", "item": "sku-00001"}, "events[1].id", "missing"),
    ({"id": "x", "type": "rating", "item": "sku-00001", "value": 9}, "events[1].value", "from 1 to 5"),
    ({"id": "x", "type": "view", "item": "sku-00001", "ts": "yesterday"}, "events[1].ts", "number"),
    ({"id": "x", "type": "view", "item": "sku-00001", "user": "webchat:someoneElse1"}, "events[1].user", "own user"),
])
async def test_a_bad_event_rejects_the_whole_batch_and_names_the_field(client, recommender, event, field, words):
    body = {"session_id": SESSION, "events": [{"id": "ok", "type": "view", "item": "sku-00001"}, event]}
    response = await client.post("/events", json=body)
    answer = await response.json()
    assert response.status == 400 and answer["field"] == field and words in answer["error"]
    assert recommender.store.count() == 0


async def test_batch_shape_is_checked(client):
    assert (await client.post("/events", json={"session_id": SESSION, "events": []})).status == 400
    too_many = {"session_id": SESSION, "events": [{"id": str(n), "type": "view", "item": "s"} for n in range(501)]}
    assert "limit is 500" in (await (await client.post("/events", json=too_many)).json())["error"]
    no_one = await client.post("/events", json={"events": [{"id": "1", "type": "view", "item": "s"}]})
    assert no_one.status == 400 and (await no_one.json())["field"] == "session_id"


async def test_only_the_merchant_may_name_any_user(client, recommender, recs_index):
    body = {"events": [{"id": "m1", "user": "customer-42", "type": "purchase", "item": shoes(recs_index)[0]}]}
    assert (await client.post("/events", json=body)).status == 401
    wrong = await client.post("/events", json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status == 401
    right = await client.post("/events", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert right.status == 200 and recommender.store.count("customer-42") == 1
    assert (await client.get("/recommendations/profile", params={"user": "customer-42"})).status == 401


async def test_recommendations_for_the_widget_session_carry_reasons(client, recs_index):
    viewed = shoes(recs_index)
    await client.post("/events", json=batch(viewed))
    response = await client.get("/recommendations", params={"session_id": SESSION, "k": "4"})
    answer = await response.json()
    assert response.status == 200 and answer["mode"] == "for_you" and len(answer["items"]) == 4
    for item in answer["items"]:
        assert item["id"] not in viewed and item["reason"]["text"]
        assert {"title", "price", "url", "image"} <= set(item)
    anchored = await client.get("/recommendations", params={"user": f"webchat:{SESSION}", "context": viewed[0]})
    looks = await anchored.json()
    assert looks["mode"] == "goes_with" and looks["anchor"]["id"] == viewed[0]
    assert all(item["reason"]["kind"] == "complements" for item in looks["items"])


async def test_recommendation_queries_are_validated(client):
    assert (await client.get("/recommendations", params={"session_id": SESSION, "k": "0"})).status == 400
    assert (await client.get("/recommendations", params={"session_id": SESSION, "mode": "psychic"})).status == 400
    missing = await client.get("/recommendations", params={"session_id": SESSION, "context": "sku-nope"})
    assert missing.status == 404 and "sku-nope" in (await missing.json())["error"]
    assert (await client.get("/recommendations", params={"session_id": "x"})).status == 400


async def test_the_shopper_sees_and_erases_their_profile(client, recs_index):
    await client.post("/events", json=batch(shoes(recs_index)))
    await client.post("/events", json=batch(shoes(recs_index), session=OTHER))
    profile = await (await client.get("/recommendations/profile", params={"session_id": SESSION})).json()
    assert profile["categories"] == {"shoes": 1.0} and len(profile["recently_viewed"]) == 3
    assert "shoes" in profile["summary"]

    erased = await client.delete("/recommendations/profile", params={"session_id": SESSION})
    assert (await erased.json())["erased_events"] == 3
    after = await (await client.get("/recommendations/profile", params={"session_id": SESSION})).json()
    assert after["categories"] == {} and after["recently_viewed"] == [] and after["events"] == {}
    other = await (await client.get("/recommendations/profile", params={"session_id": OTHER})).json()
    assert len(other["recently_viewed"]) == 3  # the other shopper keeps theirs


async def test_without_a_recommend_skill_the_routes_say_so(aiohttp_client, recs_index):
    client = await aiohttp_client(build_app(ServerConfig(), serving(FakeAgent(list(recs_index.products)))))
    response = await client.get("/recommendations", params={"session_id": SESSION})
    assert response.status == 404 and "not enabled" in (await response.json())["error"]
    events = {"session_id": SESSION, "events": [{"id": "1", "type": "view", "item": "sku-00001"}]}
    kept = await (await client.post("/events", json=events)).json()  # the widget reports anyway
    assert kept["recorded"] is False and kept["accepted"] == 0
