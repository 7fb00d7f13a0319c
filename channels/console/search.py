"""Finding past conversations for a colleague: by what was said, an order number, a customer's e-mail,
or a product (by its title or id), over every conversation the store keeps (also after restarts).

    await find_conversations(agent, "ORD-123456")
    # -> [{"conversation_id": "webchat:ab12", "last": 1733472000.0, "snippet": "Where is ORD-123456?", ...}]

The query is read three ways at once: as words (every message, the products each answer showed and
the handoff context are searched), as an order number in any spelling a shopper would type
("ord 123456", "#123456"), and as a product: catalog products whose title holds every word of the
query bring the conversations that showed them.
"""
from __future__ import annotations

from typing import Any

from skills.orders.model import normalise_order_number

MAX_QUERY_CHARS = 120
MAX_PRODUCTS = 5
RESULTS = 20


def needles(query: str, named: list[Any]) -> list[str]:
    """What to look for in the store: the words, the order number, the ids of the products the query names."""
    query = " ".join(query.split())[:MAX_QUERY_CHARS]
    found = [query] if query else []
    order = normalise_order_number(query)
    if order and order.lower() != query.lower():
        found.append(order)
    return found + [p.id for p in named[:MAX_PRODUCTS]]


async def find_conversations(agent: Any, query: str, limit: int = RESULTS) -> list[dict[str, Any]]:
    """Matching conversations, the most recently active first, each with the message that matched."""
    wanted = needles(query, agent.products_named(query, MAX_PRODUCTS))
    order: dict[str, None] = {}
    for needle in wanted:
        for conversation_id in await agent.store.find(needle, limit):
            order.setdefault(conversation_id, None)
    return [await _summary(agent, cid, wanted) for cid in list(order)[:limit]]


async def _summary(agent: Any, conversation_id: str, wanted: list[str]) -> dict[str, Any]:
    turns = await agent.store.transcript(conversation_id, limit=200)
    lowered = [w.lower() for w in wanted]
    hit = next((t for t in reversed(turns) if any(w in (t.text or "").lower() for w in lowered)), None)
    spoken = [t for t in turns if t.role in ("user", "bot")]
    first = next((t.text for t in spoken if t.role == "user"), "")
    channel, _, sender = conversation_id.partition(":")
    return {"conversation_id": conversation_id, "channel": channel, "sender_id": sender,
            "last": turns[-1].ts if turns else 0.0, "messages": len(spoken),
            "snippet": ((hit.text if hit else first) or "")[:160]}
