"""After a search: remember what the shopper looked for, and suggest completing the look.

The search skill calls its `after` hooks with its result; this one records a `search` event (the
shopper's profile shows recent searches) and, when the first product found has things that go
with it, offers "What goes with this?" as a quick reply::

    search_skill.after.append(SearchSuggestion(recommender))
"""
from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from typing import Any

from skills.base import SkillContext, SkillResult
from skills.recommend.complements import complements_of
from skills.recommend.events import MAX_QUERY_CHARS, Event
from skills.recommend.service import Recommender
from skills.recommend.skill import WHAT_GOES

MAX_QUICK_REPLIES = 4


class SearchSuggestion:
    def __init__(self, recommender: Recommender) -> None:
        self.recommender = recommender

    async def __call__(self, args: Any, result: SkillResult, ctx: SkillContext) -> SkillResult:
        query = (getattr(args, "query", "") or ctx.text or "").strip()[:MAX_QUERY_CHARS]
        if query:
            event = Event(id=f"chat-{uuid.uuid4().hex}", user=ctx.conversation_id, type="search", query=query,
                          source="chat", ts=time.time())
            await asyncio.to_thread(self.recommender.record, [event])
        if not result.products or not complements_of(result.products[0].product_type):
            return result
        if WHAT_GOES in result.quick_replies or len(result.quick_replies) >= MAX_QUICK_REPLIES:
            return result
        return dataclasses.replace(result, quick_replies=(*result.quick_replies, WHAT_GOES))
