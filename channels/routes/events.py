"""Shopper events in, explained recommendations out, over HTTP.

Who a request is about:

- the widget names its own session (`session_id`, or `user: "webchat:<session id>"`): the session id
  is the credential, so no token is needed and no other shopper can be named;
- the shop's backend sends `Authorization: Bearer <merchant token>` (`server.merchant_token_env`)
  and may name any `user`, e.g. its own customer ids.

Routes:

- `POST /events` `{"session_id"?, "events": [{"id", "type", "item"?, "query"?, "value"?, "size"?,
  "ts"?, "user"?}]}`: up to 500 events, validated as a whole (400 names the first bad field), stored
  once per user and id: 200 `{"accepted": n, "duplicates": m, "recorded": true}`, so a retried batch
  is harmless (`"recorded": false` where the server has no recommendations).
- `GET /recommendations?session_id=S|user=U[&context=PRODUCT_ID][&mode=for_you|goes_with|similar|popular][&k=6]`:
  `{"user", "mode", "anchor", "items": [card + {"reason": {"kind", "text", "product_id"}, "score"}], "sources"}`.
- `GET /recommendations/profile?...`: "why am I seeing this?": what the shop believes about the shopper.
- `DELETE /recommendations/profile?...`: forget the shopper: `{"erased_events": n}`.

These reach the agent's `recommend` skill through the app, like the product pages; 404 without one.
"""
from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from channels.context import AGENT, CONVERSATION_ID, ChannelHooks
from channels.errors import BadRequest, json_error
from channels.merchant import MERCHANT, Unauthorised, merchant_role
from channels.rendering import product_card
from channels.validation import is_session_id, parse_json_object
from skills.recommend.events import MAX_ID_CHARS, InvalidEvent, parse_event
from skills.recommend.service import MODES, Recommendations, Recommender
from skills.recommend.skill import RecommendSkill

CHANNEL = "events"
MAX_EVENTS = 500
MAX_RESULTS = 50
WIDGET_PREFIX = "webchat:"


def setup(app: web.Application, hooks: ChannelHooks) -> None:
    token_env = hooks.server.merchant_token_env

    async def post_events(request: web.Request) -> web.Response:
        merchant = merchant_role(request, token_env) == MERCHANT
        body = parse_json_object(await request.read())
        owner = None if merchant else _widget_owner(body)
        events = _parse_events(body.get("events"), owner)
        request[CONVERSATION_ID] = owner or "merchant"
        recommender = _recommender(request, required=False)
        if recommender is None:  # the widget reports anyway: say plainly that nothing was kept
            return web.json_response({"accepted": 0, "duplicates": 0, "recorded": False,
                                      "reason": "recommendations are not enabled on this server"})
        added = await asyncio.to_thread(recommender.record, events)
        return web.json_response({"accepted": added.accepted, "duplicates": added.duplicates, "recorded": True})

    async def recommendations(request: web.Request) -> web.Response:
        recommender = _recommender(request)
        user = _user(request.query, merchant_role(request, token_env) == MERCHANT)
        context, mode, k = _recommendation_query(request.query, recommender)
        picks = await asyncio.to_thread(recommender.recommend, user, context, mode, k)
        return web.json_response(_picks_json(picks))

    async def profile(request: web.Request) -> web.Response:
        recommender = _recommender(request)
        user = _user(request.query, merchant_role(request, token_env) == MERCHANT)
        shown = await asyncio.to_thread(recommender.profile, user)
        return web.json_response(shown.to_dict(recommender.models().items))

    async def erase(request: web.Request) -> web.Response:
        recommender = _recommender(request)
        user = _user(request.query, merchant_role(request, token_env) == MERCHANT)
        erased = await asyncio.to_thread(recommender.erase, user)
        return web.json_response({"user": user, "erased_events": erased})

    app.router.add_post("/events", post_events)
    app.router.add_get("/recommendations", recommendations)
    app.router.add_get("/recommendations/profile", profile)
    app.router.add_delete("/recommendations/profile", erase)


def _recommender(request: web.Request, required: bool = True) -> Recommender | None:
    skills = request.app[AGENT].skills
    skill = next((s for s in skills if isinstance(s, RecommendSkill)), None)
    if skill is None and not required:
        return None
    if skill is None:
        raise web.HTTPNotFound(text=json_error(404, "recommendations are not enabled on this server").text,
                               content_type="application/json")
    return skill.recommender


def _user(params: Mapping[str, Any], merchant: bool) -> str:
    """The shopper a request is about: the widget's own session, or (merchants only) any user id."""
    session_id, user = params.get("session_id"), params.get("user")
    if session_id is not None:
        if not is_session_id(session_id):
            raise BadRequest("session_id", "'session_id' must be 8-64 letters, digits, '-' or '_'")
        return WIDGET_PREFIX + session_id
    if not isinstance(user, str) or not user.strip():
        raise BadRequest("user", "name the shopper: 'session_id' (the widget's session) or 'user'")
    user = user.strip()
    if len(user) > MAX_ID_CHARS:
        raise BadRequest("user", f"'user' is too long: the limit is {MAX_ID_CHARS} characters")
    if merchant or (user.startswith(WIDGET_PREFIX) and is_session_id(user[len(WIDGET_PREFIX):])):
        return user
    raise Unauthorised()  # only the shop's backend may name other shoppers


def _widget_owner(body: Mapping[str, Any]) -> str:
    """Without the merchant token, events belong to the widget session that sends them."""
    if "session_id" not in body and "user" not in body:
        events = body.get("events")
        if isinstance(events, list) and any(isinstance(e, dict) and "user" in e for e in events):
            raise Unauthorised()  # naming shoppers is for the shop's backend
        raise BadRequest("session_id", "'session_id' is missing: the widget's session the events belong to")
    return _user(body, merchant=False)


def _parse_events(raw: Any, owner: str | None) -> list:
    if not isinstance(raw, list) or not raw:
        raise BadRequest("events", "'events' must be a non-empty array of event objects")
    if len(raw) > MAX_EVENTS:
        raise BadRequest("events", f"too many events: {len(raw)}, the limit is {MAX_EVENTS} per request")
    parsed = []
    for number, data in enumerate(raw):
        where = f"events[{number}]"
        if owner is not None and isinstance(data, dict):
            if data.get("user") not in (None, owner):
                raise BadRequest(f"{where}.user", f"{where}.user must be this session's own user or left out")
            data = {**data, "user": owner}
        try:
            parsed.append(parse_event(data, where, source="widget" if owner else "api"))
        except InvalidEvent as exc:
            raise BadRequest(exc.field, exc.message) from None
    return parsed


def _recommendation_query(query: Mapping[str, str], recommender: Recommender) -> tuple[str | None, str, int]:
    context = (query.get("context") or "").strip() or None
    if context is not None and recommender.models().items.row(context) is None:
        raise web.HTTPNotFound(text=json_error(404, f"no product {context!r} in the catalog").text,
                               content_type="application/json")
    mode = query.get("mode", "")
    if mode and mode not in MODES:
        raise BadRequest("mode", f"'mode' {mode!r} is not one of {', '.join(MODES)}")
    try:
        k = int(query.get("k", recommender.settings.results))
    except ValueError:
        raise BadRequest("k", "'k' must be a whole number") from None
    if not 1 <= k <= MAX_RESULTS:
        raise BadRequest("k", f"'k' must be from 1 to {MAX_RESULTS}")
    return context, mode, k


def _picks_json(picks: Recommendations) -> dict[str, Any]:
    return {
        "user": picks.user, "mode": picks.mode, "sources": list(picks.sources),
        "anchor": product_card(picks.anchor) if picks.anchor is not None else None,
        "items": [{**product_card(r.product), "score": round(r.score, 4), "reason": r.reason.to_dict()}
                  for r in picks.items],
    }
