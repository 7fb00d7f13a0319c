"""Hostile JSON on every unauthenticated path is a 400 that says what was wrong, never a 500.

Nesting 5,000 deep used to raise RecursionError and 5,000 digits a ValueError inside `json`;
a lone surrogate used to reach the store, which cannot encode it.
"""
from __future__ import annotations

import json

import pytest

from agent.config import ServerConfig

ADMIN_TOKEN = "s3cret-admin-token-for-limits"
DEEP = b'{"sender": "s", "message": "hi", "metadata": {"x": ' + b"[" * 5000 + b"]" * 5000 + b"}}"
LONG_NUMBER = b'{"sender": "s", "message": "hi", "metadata": {"x": ' + b"7" * 5000 + b"}}"
HOSTILE = [
    (DEEP, "deep: the limit is 64"),
    (LONG_NUMBER, "5000 characters"),
    (b'{"sender": "s", "message": "hi", "metadata": {"x": 1e999}}', "too large"),
    (b'{"sender": "s", "message": "hi", "metadata": {"x": NaN}}', "NaN is not a JSON number"),
]
ROUTES = ["/webhooks/rest/webhook", "/events", "/admin/catalog"]


@pytest.fixture
async def limits_client(make_client, monkeypatch):
    monkeypatch.setenv("AISLE_ADMIN_TOKEN", ADMIN_TOKEN)
    return await make_client(ServerConfig(requests_per_second_per_ip=0))


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(("body", "says"), HOSTILE, ids=[s for _, s in HOSTILE])
async def test_hostile_json_is_a_400_naming_the_problem(limits_client, fake_agent, route, body, says):
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"} if route.startswith("/admin") else {}
    response = await limits_client.post(route, data=body, headers={"Content-Type": "application/json", **admin})
    assert response.status == 400
    answer = await response.json()
    assert says in answer["error"] and answer["field"] == "body"
    assert fake_agent.received == []


async def test_a_lone_surrogate_is_mended_before_the_message_goes_anywhere(limits_client, fake_agent):
    body = b'{"sender": "s\\udc00", "message": "red sneakers \\ud800 please", "metadata": {"n\\ud800": "\\udfff"}}'
    response = await limits_client.post("/webhooks/rest/webhook", data=body,
                                        headers={"Content-Type": "application/json"})
    assert response.status == 200
    (message,) = fake_agent.received
    assert message.text == "red sneakers \ufffd please" and message.sender_id == "s\ufffd"
    assert message.metadata["n\ufffd"] == "\ufffd"
    json.dumps(message.metadata, ensure_ascii=False).encode("utf-8")  # storable as UTF-8: no UnicodeEncodeError


async def test_a_surrogate_pair_stays_the_character_it_encodes(limits_client, fake_agent):
    body = b'{"sender": "s", "message": "smile \\ud83d\\ude00"}'
    assert (await limits_client.post("/webhooks/rest/webhook", data=body)).status == 200
    assert fake_agent.received[0].text == "smile \U0001F600"


async def test_an_ordinary_deep_enough_body_still_passes(limits_client, fake_agent):
    nested: dict = {"leaf": 1}
    for _ in range(40):
        nested = {"inner": nested}
    response = await limits_client.post("/webhooks/rest/webhook",
                                        json={"sender": "s", "message": "boots", "metadata": nested})
    assert response.status == 200 and fake_agent.received[0].text == "boots"
