"""A shopper's data over HTTP, for the shop's back office: export it, or erase it.

`GET /privacy/users/<sender id>` answers everything kept about the shopper (see `agent.privacy`);
`DELETE /privacy/users/<sender id>` erases it and answers how much there was:
`{"user", "erased": {"conversations", "messages", "media", "recommendation_events"}}`.
Both need `Authorization: Bearer <admin token>` (compared in constant time); they are served with the
admin channel, that is only where `server.admin_token_env` names a set variable.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from agent.privacy import ShopperData, erase_user, export_user
from agent.recommend_setup import recommender_of
from channels.context import AGENT
from channels.validation import MAX_SENDER_CHARS


@dataclass
class RecommenderEvents:
    """The recommender's event log as `agent.privacy` reads it; erasing also refits its models."""

    recommender: Any

    def for_user(self, user: str, limit: int = 200) -> list[Any]:
        return self.recommender.store.for_user(user, limit)

    def erase(self, user: str) -> int:
        return self.recommender.erase(user)


def shopper_data(agent: Any) -> ShopperData:
    """Where the running agent keeps shoppers' data (media and recommendations where switched on)."""
    recommender = recommender_of(agent.skills)
    return ShopperData(agent.store, agent.media,
                       RecommenderEvents(recommender) if recommender is not None else None)


def setup(app: web.Application, authorised: Any, unauthorised: Any) -> None:
    """Register the routes; `authorised(request)` checks the admin token."""

    def user_of(request: web.Request) -> str:
        user = request.match_info["user"]
        if not user.strip() or len(user) > MAX_SENDER_CHARS:
            raise web.HTTPBadRequest(reason="the user must be a sender id")
        return user

    async def export(request: web.Request) -> web.Response:
        if not authorised(request):
            return unauthorised()
        return web.json_response(await export_user(shopper_data(request.app[AGENT]), user_of(request)))

    async def erase(request: web.Request) -> web.Response:
        if not authorised(request):
            return unauthorised()
        user = user_of(request)
        return web.json_response({"user": user, "erased": await erase_user(shopper_data(request.app[AGENT]), user)})

    app.router.add_get("/privacy/users/{user}", export)
    app.router.add_delete("/privacy/users/{user}", erase)
