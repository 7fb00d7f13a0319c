"""What a colleague sees of one conversation: every turn, what the assistant understood and showed.

Built from the conversation store (turns, with the products and suggestions each answer showed,
handoff requests and colleagues' notes) and the conversation state (the intent, skill and
confidence of each recent turn, the search so far, the product picked, who the shopper is), with
the handoff context a colleague reads first (`agent.handoff_context`: customer, orders, returns,
what was shown and picked, the request in force, why, and a summary).

    await conversation_view(agent, "webchat:abc123", ticket)
    # -> {"conversation_id": ..., "turns": [{"role": "user", "text": ..., "understood": {"intent": ...}}, ...],
    #    "known": {"search": ..., "selected": ...}, "ticket": {...}}
"""
from __future__ import annotations

from typing import Any

from channels.messaging.render import price_text
from channels.rendering import media_url

_KNOWN = (("last_search", "search"), ("selected", "selected"), ("size", "size"), ("customer", "customer"),
          ("email", "email"), ("last_intent", "last intent"), ("sentiment", "sentiment"))


async def conversation_view(agent: Any, conversation_id: str, ticket: dict[str, Any] | None,
                            csat: dict[str, int] | None = None) -> dict[str, Any]:
    turns = await agent.store.transcript(conversation_id)
    state = await agent.store.load_state(conversation_id)
    understood = _understanding(state.get("history") or [])
    items = [_turn(agent, turn, understood) for turn in turns]
    known = {label: state[key] for key, label in _KNOWN if state.get(key) not in (None, "", [], {})}
    selected = agent.product(str(state.get("selected"))) if state.get("selected") else None
    if selected is not None:
        known["selected"] = f"{selected.title} ({price_text(selected)})"
    reason = (ticket or {}).get("reason") or (state.get("handoff") or {}).get("reason") or "asked"
    context = await agent.handoff_context.build(conversation_id, state, reason)
    return {"conversation_id": conversation_id, "turns": items, "known": known, "ticket": ticket,
            "handoff": state.get("handoff"), "csat": csat, "context": context.to_dict()}


def _understanding(history: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The state's recent turns by the text the shopper wrote (the same text may come more than once)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for entry in history:
        if isinstance(entry, dict) and isinstance(entry.get("text"), str):
            found.setdefault(entry["text"][:200], []).append(entry)
    return found


def _turn(agent: Any, turn: Any, understood: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    payload = turn.payload or {}
    role = turn.role
    if role == "bot" and payload.get("agent"):
        role = "agent"
    elif role == "bot" and payload.get("notice"):
        role = "notice"
    item: dict[str, Any] = {"role": role, "text": turn.text, "ts": turn.ts}
    if payload.get("agent"):
        item["agent"] = payload["agent"]
    if role == "user":
        matches = understood.get(turn.text[:200])
        if matches:
            entry = matches.pop(0)
            item["understood"] = {k: entry.get(k) for k in ("intent", "skill", "confidence", "sentiment")}
    products = [agent.product(str(pid)) for pid in payload.get("products") or []]
    item["products"] = [{"id": p.id, "title": p.title, "price": price_text(p), "image": media_url(p.image)}
                        for p in products if p is not None]
    item["quick_replies"] = [q if isinstance(q, str) else q.get("title", "") for q in payload.get("quick_replies") or []]
    if payload.get("image"):
        item["image"] = media_url(str(payload["image"]))
    if role == "handoff":
        item["known"] = payload.get("known") or {}
    return item
