import sqlite3

from agent.store import SQLiteStore


async def test_messages_and_state_survive_reopening(tmp_path):
    path = tmp_path / "aisle.db"
    store = SQLiteStore.open(path)
    await store.append("rest:alice", "user", "red sneakers")
    await store.append("rest:alice", "bot", "Here are 3", {"products": ["sku-1"]})
    await store.save_state("rest:alice", {"last_results": ["sku-1"]})
    await store.close()

    store = SQLiteStore.open(path)
    turns = await store.transcript("rest:alice")
    assert [(t.role, t.text) for t in turns] == [("user", "red sneakers"), ("bot", "Here are 3")]
    assert turns[1].payload == {"products": ["sku-1"]}
    assert await store.load_state("rest:alice") == {"last_results": ["sku-1"]}
    assert await store.load_state("rest:bob") == {}
    await store.close()


async def test_file_is_real_sqlite_in_wal_mode(tmp_path):
    store = SQLiteStore.open(tmp_path / "aisle.db")
    await store.append("c", "user", "hi")
    with sqlite3.connect(tmp_path / "aisle.db") as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("SELECT text FROM events").fetchall() == [("hi",)]
    await store.close()


async def test_transcript_keeps_the_latest_in_order(tmp_path):
    store = SQLiteStore.open(tmp_path / "aisle.db")
    for n in range(10):
        await store.append("c", "user", f"m{n}")
    assert [t.text for t in await store.transcript("c", limit=3)] == ["m7", "m8", "m9"]
    await store.close()
