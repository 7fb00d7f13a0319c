"""Aisle's skills as Rasa custom actions, served by `rasa_sdk`'s action executor.

A team already running Rasa points its `endpoints.yml` at `aisle actions` and calls
`action_aisle_search`, `action_aisle_recommend`, `action_aisle_describe` and `action_aisle_tryon`
(those whose skills the shop runs) from its stories and rules. Rasa POSTs to `/webhook`
`{"next_action", "sender_id", "tracker", "domain", "version"}` and gets `{"events", "responses"}`.

Arguments come from the tracker: for each field of the skill's input, an entity of that name in
the latest message, else a slot of that name; search's `query` defaults to the message text. The
answer is the skill's text, its quick replies as buttons, its image, and its products as
`custom: {"type": "products", "products": [cards]}` (like the REST channel). What the skill
remembers (the products shown, the search so far) is kept in the slot `aisle_state` (type `any`),
and in any slot of the domain named like one of those keys (`last_results`, ...).

    executor = action_executor(skills, public_base_url="https://shop.example")
    result = await executor.run(rasa_request)
    result.model_dump()["responses"][0]["text"]
    # -> 'Here are 4 red sneakers under $80 I found:'
"""
from __future__ import annotations

import dataclasses
import logging
import types
import typing
from typing import Any

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from agent.types import BotMessage, QuickReply
from channels.rendering import media_url, product_card
from skills.base import SkillContext, SkillResult
from skills.registry import SkillRegistry

log = logging.getLogger(__name__)

ACTIONS = {"search": "action_aisle_search", "recommend": "action_aisle_recommend",
           "describe": "action_aisle_describe", "tryon": "action_aisle_tryon"}
STATE_SLOT = "aisle_state"
SORRY = "Sorry, something went wrong on my side. Please try again in a moment."


def action_executor(skills: SkillRegistry, public_base_url: str = "") -> ActionExecutor:
    """An executor with one action per registered skill of `ACTIONS`."""
    executor = ActionExecutor()
    registered = {skill.name for skill in skills}
    for skill_name in ACTIONS:
        if skill_name in registered:
            register_skill_action(executor, skills, skill_name, public_base_url)
    return executor


def register_skill_action(executor: ActionExecutor, skills: SkillRegistry, skill_name: str,
                          public_base_url: str = "") -> None:
    """Serve `skills[skill_name]` as its action (a skill that opens later, like try-on, joins this way)."""
    executor.register_function(ACTIONS[skill_name], _action(skills, skill_name, public_base_url))


def _action(skills: SkillRegistry, skill_name: str, base_url: str):
    async def run(dispatcher: CollectingDispatcher, tracker: Any, domain: dict[str, Any]) -> list[dict[str, Any]]:
        state = tracker.get_slot(STATE_SLOT)
        state = dict(state) if isinstance(state, dict) else {}
        text = str((tracker.latest_message or {}).get("text") or "")
        ctx = SkillContext(conversation_id=f"rasa:{tracker.sender_id}", text=text, slots=state)
        try:
            args = skills.build_input(skill_name, arguments(skills[skill_name].Input, tracker, text))
            result = await skills[skill_name].run(args, ctx)
        except Exception:
            log.exception("action %s failed (conversation rasa:%s)", ACTIONS[skill_name], tracker.sender_id)
            result = SkillResult(SORRY)
        utter(dispatcher, result, base_url)
        return slot_events(state, result.slots, domain)

    return run


def arguments(input_type: type, tracker: Any, text: str) -> dict[str, Any]:
    """The skill's arguments from the latest message's entities and the slots, typed like its input."""
    entities = {e.get("entity"): e.get("value") for e in (tracker.latest_message or {}).get("entities") or []
                if isinstance(e, dict)}
    hints = typing.get_type_hints(input_type)
    found: dict[str, Any] = {}
    for field in dataclasses.fields(input_type):
        value = entities.get(field.name)
        if value is None:
            value = tracker.slots.get(field.name)
        if value is None and field.name == "query":
            value = text
        if value is not None:
            typed = _typed(value, hints[field.name])
            if typed is not None:
                found[field.name] = typed
    return found


def _typed(value: Any, hint: Any) -> Any:
    """`value` as the field's type (numbers from entity strings); None when it cannot be."""
    union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    for kind in typing.get_args(hint) if union else (hint,):
        try:
            if kind is bool:
                return value if isinstance(value, bool) else str(value).lower() in ("true", "yes", "1")
            if kind in (int, float, str):
                return kind(value)
        except (TypeError, ValueError):
            continue
    return None


def utter(dispatcher: CollectingDispatcher, result: SkillResult, base_url: str) -> None:
    message = BotMessage(text=result.text, products=result.products, image=result.image,
                         quick_replies=tuple(QuickReply(t, t) for t in result.quick_replies))
    buttons = [{"title": q.title, "payload": q.payload} for q in message.quick_replies]
    cards = [_absolute(product_card(p), base_url) for p in message.products]
    dispatcher.utter_message(text=message.text or None, buttons=buttons,
                             image=_url(media_url(message.image), base_url) or None,
                             json_message={"type": "products", "products": cards} if cards else None)


def slot_events(state: dict[str, Any], changes: dict[str, Any], domain: dict[str, Any]) -> list[dict[str, Any]]:
    """SlotSet events: the whole state into `aisle_state`, and each change into a domain slot of its name."""
    slots = (domain or {}).get("slots") or {}
    events = [SlotSet(STATE_SLOT, {**state, **changes})] if STATE_SLOT in slots else []
    events += [SlotSet(key, value) for key, value in changes.items() if key in slots and key != STATE_SLOT]
    return events


def _absolute(card: dict[str, Any], base_url: str) -> dict[str, Any]:
    return {**card, "image": _url(card["image"], base_url), "url": _url(card["url"], base_url)}


def _url(url: str, base_url: str) -> str:
    return f"{base_url.rstrip('/')}{url}" if base_url and url.startswith("/") else url
