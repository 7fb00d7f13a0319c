"""The Rasa-compatible REST webhook: what a Rasa web-chat client sends and gets back."""
from __future__ import annotations

import dataclasses
import json

import pytest

from agent.config import ServerConfig
from agent.config_channels import ChannelsConfig
from channels.server import build_app
from channels.testing import FakeAgent, demo_products, serving

WEBHOOK = "/webhooks/rest/webhook"


async def test_status_endpoint_answers_like_rasa(client):
    for path in ("/webhooks/rest/", "/webhooks/rest"):
        response = await client.get(path)
        assert response.status == 200
        assert await response.json() == {"status": "ok"}


async def test_product_query_returns_text_cards_fallback_and_buttons(client, fake_agent):
    response = await client.post(WEBHOOK, json={"sender": "shopper-1", "message": "red sneakers under 80 dollars"})

    assert response.status == 200
    items = await response.json()
    assert all(item["recipient_id"] == "shopper-1" for item in items)
    assert items[0]["text"].startswith("I found 4 matches")
    custom = items[1]["custom"]
    assert custom["type"] == "products"
    titles = [p["title"] for p in custom["products"]]
    assert titles == ["Canvas Everyday", "Velocity Runner", "Court Classic Low", "Trail Blaze 2"]
    first = custom["products"][0]
    assert first == {
        "id": "sku-004", "title": "Canvas Everyday", "price": 45.0, "currency": "USD",
        "image": "/media/images/sku-004.png", "url": "https://shop.example/p/sku-004",
        "colour": "red", "brand": "Loop & Co", "category": "shoes", "product_type": "sneakers",
        "in_stock": True, "availability": "in stock",
    }
    fallback = items[2]
    assert fallback["text"].splitlines()[0] == "1. Canvas Everyday (USD 45.00) https://shop.example/p/sku-004"
    assert [b["title"] for b in fallback["buttons"]] == ["Cheaper", "Boots instead", "Talk to a person"]
    assert fallback["buttons"][0]["payload"] == "red sneakers under 62 dollars"
    assert fake_agent.received[0].channel == "rest"


async def test_metadata_reaches_the_agent(client, fake_agent):
    await client.post(WEBHOOK, json={"sender": "s", "message": "boots", "metadata": {"locale": "en-GB"}})
    assert fake_agent.received[0].metadata == {"locale": "en-GB", "address": "127.0.0.1"}  # the address: the server's
    assert fake_agent.received[0].text == "boots"


async def test_card_images_are_served(client):
    items = await (await client.post(WEBHOOK, json={"sender": "s", "message": "boots"})).json()
    image = items[1]["custom"]["products"][0]["image"]
    response = await client.get(image)
    assert response.status == 200
    assert response.content_type == "image/png"


BAD_BODIES = [
    (b"{not json", "body", "malformed JSON"),
    (b"", "body", "empty"),
    (b"[1, 2]", "body", "must be a JSON object, got array"),
    (b'"hello"', "body", "must be a JSON object, got string"),
    (json.dumps({"sender": True, "message": "hi"}).encode(), "sender", "'sender' must be a string or a number"),
    (json.dumps({"sender": {"id": 1}, "message": "hi"}).encode(), "sender", "got object"),
    (json.dumps({"sender": "", "message": "hi"}).encode(), "sender", "'sender' is empty"),
    (json.dumps({"sender": "s"}).encode(), "message", "'message' is missing"),
    (json.dumps({"sender": "s", "message": None}).encode(), "message", "'message' must be a string, got null"),
    (json.dumps({"sender": "s", "message": ["hi"]}).encode(), "message", "got array"),
    (json.dumps({"sender": "s", "message": "   "}).encode(), "message", "'message' is empty"),
    (json.dumps({"sender": "s", "message": "x" * 4001}).encode(), "message", "the limit is 4000"),
    (json.dumps({"sender": "s", "message": "hi", "metadata": [1]}).encode(), "metadata", "object, got array"),
    (json.dumps({"sender": "s", "message": "hi", "metadata": "x"}).encode(), "metadata", "got string"),
]


@pytest.mark.parametrize(("body", "field", "says"), BAD_BODIES, ids=[f"{f}:{s}" for _, f, s in BAD_BODIES])
async def test_bad_requests_get_a_400_naming_the_problem(client, fake_agent, body, field, says):
    response = await client.post(WEBHOOK, data=body, headers={"Content-Type": "application/json"})

    assert response.status == 400
    error = await response.json()
    assert error["field"] == field
    assert says in error["error"]
    assert fake_agent.received == []


async def test_message_limit_follows_the_config(make_client):
    client = await make_client(ServerConfig(max_message_chars=10))
    response = await client.post(WEBHOOK, json={"sender": "s", "message": "red sneakers please"})
    assert response.status == 400
    assert "the limit is 10" in (await response.json())["error"]


async def test_a_long_message_passes_up_to_the_default_limit_and_above_it_the_error_names_the_limit(client):
    long = await client.post(WEBHOOK, json={"sender": "s", "message": "so, " * 990 + "red sneakers"})
    assert long.status == 200
    too_long = await client.post(WEBHOOK, json={"sender": "s", "message": "a" * 4001})
    assert too_long.status == 400
    assert "'message' is too long: 4001 characters, the limit is 4000" in (await too_long.json())["error"]


async def test_oversized_body_gets_413_and_the_server_keeps_serving(client):
    response = await client.post(WEBHOOK, data=b"x" * (1024 * 1024), headers={"Content-Type": "application/json"})

    assert response.status == 413
    assert (await response.json())["error"] == "the request body is too large: the limit is 65536 bytes"
    after = await client.post(WEBHOOK, json={"sender": "s", "message": "boots"})
    assert after.status == 200
    assert (await after.json())[0]["text"].startswith("I found 2")


async def test_unknown_routes_and_methods_answer_json(client):
    missing = await client.get("/webhooks/nope")
    assert missing.status == 404
    assert (await missing.json())["error"] == "Not Found"
    wrong_method = await client.get(WEBHOOK)
    assert wrong_method.status == 405


async def test_stream_true_answers_one_json_object_per_line_like_rasa(client, fake_agent):
    plain = await (await client.post(WEBHOOK, json={"sender": "s1", "message": "red sneakers under 80"})).json()
    response = await client.post(WEBHOOK + "?stream=true", json={"sender": "s2", "message": "red sneakers under 80"})
    assert response.status == 200 and response.content_type == "text/event-stream"
    lines = (await response.text()).splitlines()
    streamed = [json.loads(line) for line in lines]
    assert len(streamed) == len(plain) > 1
    assert streamed == [{**item, "recipient_id": "s2"} for item in plain]
    unstreamed = await client.post(WEBHOOK + "?stream=false", json={"sender": "s3", "message": "boots"})
    assert isinstance(await unstreamed.json(), list)


@pytest.mark.parametrize(("body", "sender"), [({"message": "boots"}, "default"), ({"sender": None, "message": "boots"},
                                              "default"), ({"sender": 42, "message": "boots"}, "42")])
async def test_a_missing_or_numeric_sender_is_read_like_rasa(client, fake_agent, body, sender):
    response = await client.post(WEBHOOK, json=body)
    assert response.status == 200
    assert {item["recipient_id"] for item in await response.json()} == {sender}
    assert fake_agent.received[0].sender_id == sender


async def test_product_links_are_absolute_when_the_public_address_is_set(aiohttp_client, media_root):
    products = [dataclasses.replace(p, url="") for p in demo_products()]  # Aisle's own product pages
    app = build_app(ServerConfig(), serving(FakeAgent(products, media_root)), channels=("rest",),
                    platforms=ChannelsConfig(public_base_url="https://aisle.example/"))
    client = await aiohttp_client(app)
    items = await (await client.post(WEBHOOK, json={"sender": "s", "message": "black boots"})).json()
    (card,) = items[1]["custom"]["products"]
    assert card["url"] == f"https://aisle.example/products/{card['id']}"
    assert card["image"].startswith("https://aisle.example/media/")
    assert items[2]["text"].endswith(f" https://aisle.example/products/{card['id']}")


async def test_a_failed_streamed_turn_ends_with_an_apology_line(make_client, media_root):
    class Failing(FakeAgent):
        async def handle(self, msg):
            raise RuntimeError("the catalog went away")

    client = await make_client(agent=Failing(demo_products(), media_root))
    response = await client.post(WEBHOOK + "?stream=true", json={"sender": "s", "message": "boots"})
    assert response.status == 200
    (line,) = [json.loads(line) for line in (await response.text()).splitlines()]
    assert line["recipient_id"] == "s" and line["text"].startswith("Sorry, something went wrong")
