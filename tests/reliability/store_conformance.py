"""What every conversation store, lock and event bus must do; `test_store_sqlite.py` and
`test_store_redis.py` run these same tests over their own `store`, `lock` and `bus` fixtures."""
from __future__ import annotations

import asyncio
import time


async def test_state_round_trips_and_starts_empty(store):
    assert await store.load_state("rest:ann") == {}
    await store.save_state("rest:ann", {"search": {"colour": "red"}, "turns": 2})
    await store.save_state("rest:ann", {"search": {"colour": "blue"}, "turns": 3})
    assert await store.load_state("rest:ann") == {"search": {"colour": "blue"}, "turns": 3}


async def test_transcript_keeps_order_payloads_and_the_latest_limit(store):
    for n in range(5):
        await store.append("webchat:s1", "user" if n % 2 == 0 else "bot", f"m{n}", {"n": n} if n == 3 else None)
    turns = await store.transcript("webchat:s1")
    assert [t.text for t in turns] == ["m0", "m1", "m2", "m3", "m4"]
    assert turns[3].payload == {"n": 3} and turns[0].payload == {} and turns[0].role == "user"
    assert turns[0].ts <= turns[-1].ts <= time.time()
    assert [t.text for t in await store.transcript("webchat:s1", limit=2)] == ["m3", "m4"]
    assert await store.transcript("webchat:other") == []


async def test_concurrent_appends_lose_nothing(store):
    await asyncio.gather(*(store.append("rest:busy", "user", f"m{n}") for n in range(50)))
    assert sorted(t.text for t in await store.transcript("rest:busy")) == sorted(f"m{n}" for n in range(50))


async def test_a_shoppers_conversations_are_found_and_deleted_without_touching_others(store):
    await store.append("rest:ann", "user", "hi")
    await store.save_state("telegram:ann", {"x": 1})
    await store.append("rest:anna", "user", "not ann")
    assert await store.conversations_of("ann") == ["rest:ann", "telegram:ann"]
    assert await store.delete("rest:ann") == 1
    assert await store.delete("telegram:ann") == 0
    assert await store.conversations_of("ann") == []
    assert await store.load_state("telegram:ann") == {} and await store.transcript("rest:ann") == []
    assert [t.text for t in await store.transcript("rest:anna")] == ["not ann"]


async def test_conversations_are_found_by_what_was_said_shown_or_known(store):
    await store.append("rest:ann", "user", "Where is ORD-123456?")
    await store.append("webchat:bo", "bot", "Here you are", {"products": ["sku-00042"]})
    await store.save_state("telegram:cy", {"customer": "cy@example.com"})
    await store.append("rest:dee", "user", "100% cotton_wool please")
    assert await store.find("ord-123456") == ["rest:ann"]
    assert await store.find("sku-00042") == ["webchat:bo"]
    assert await store.find("CY@example.com") == ["telegram:cy"]
    assert await store.find("100%") == ["rest:dee"] and await store.find("n_w") == ["rest:dee"]
    assert await store.find("%") == ["rest:dee"] and await store.find("nobody said this") == []
    await store.append("rest:ann", "user", "sku-00042 again")
    assert await store.find("sku-00042") == ["rest:ann", "webchat:bo"]  # the most recent first


async def test_idle_conversations_are_found_by_their_last_change(store):
    await store.append("rest:old", "user", "hi")
    cut = time.time() + 0.01
    await asyncio.sleep(0.05)
    await store.append("rest:new", "user", "hi")
    assert await store.idle_since(cut) == ["rest:old"]


async def test_the_lock_lets_one_turn_at_a_time_per_conversation(lock):
    inside: list[str] = []
    overlaps = 0

    async def turn(cid: str, n: int) -> None:
        nonlocal overlaps
        async with lock.hold(cid):
            overlaps += cid in inside
            inside.append(cid)
            await asyncio.sleep(0.01)
            inside.remove(cid)

    started = time.monotonic()
    await asyncio.gather(*(turn(cid, n) for n in range(5) for cid in ("rest:a", "rest:b")))
    assert overlaps == 0
    assert time.monotonic() - started < 5 * 0.01 * 2 + 1.0  # two conversations ran side by side


async def test_the_lock_is_released_when_the_turn_fails(lock):
    try:
        async with lock.hold("rest:c"):
            raise ValueError("the skill failed")
    except ValueError:
        pass
    async with asyncio.timeout(2):
        async with lock.hold("rest:c"):
            pass


async def test_every_subscriber_gets_events_published_after_it_subscribed(bus):
    async with bus.subscribe("handoff") as first, bus.subscribe("handoff") as second:
        await asyncio.sleep(0.05)
        await bus.publish("handoff", {"conversation": "webchat:x", "status": "active"})
        await bus.publish("other", {"ignored": True})
        async with asyncio.timeout(3):
            assert await anext(first) == {"conversation": "webchat:x", "status": "active"}
            assert await anext(second) == {"conversation": "webchat:x", "status": "active"}
