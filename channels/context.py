"""What the server and its channels share: the agent contract, typed app keys and channel hooks."""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from aiohttp import web

from agent.config import ServerConfig
from agent.handoff import TakeoverDesk
from agent.handoff_context import HandoffContextBuilder
from agent.llm.types import LLMBackend
from agent.observe import TurnMetrics
from agent.store import ConversationStore
from agent.types import BotMessage, OnMessage, UserMessage
from channels.services import ChannelServices
from knowledge.catalog_updates import UpdateReport
from knowledge.media import MediaStore
from knowledge.product import Product
from skills.ads.experiments import Experiments
from skills.base import Skill
from skills.tryon.task_api import TaskInbox


class AgentLike(Protocol):
    """The part of the agent the web server and its routes use: typed attributes, never discovered.

    `media_root` is the folder that relative product image paths (`images/sku-1.png`) live in;
    `product_count` is the catalog size `/health` reports; `transcript` returns
    `{"role": "user"|"bot", "text", "products": [product dicts], "ts", "quick_replies"?}` items.
    `metrics` (None: `/metrics` is not served), `experiments` (the A/B endpoints), `media` and `tryon_inbox`
    (the media routes) and `llm` (its slots in `/metrics`) are None where the agent has none.
    """

    media_root: Path | None
    store: ConversationStore
    skills: Iterable[Skill]
    desk: TakeoverDesk
    handoff_context: HandoffContextBuilder
    metrics: TurnMetrics | None
    experiments: Experiments | None
    media: MediaStore | None
    tryon_inbox: TaskInbox | None
    llm: LLMBackend | None

    @property
    def product_count(self) -> int: ...

    async def handle(self, msg: UserMessage) -> list[BotMessage]: ...

    def product(self, product_id: str) -> Product | None: ...

    def products_named(self, query: str, limit: int = 10) -> list[Product]: ...

    async def transcript(self, sender_id: str, channel: str) -> list[dict[str, Any]]: ...

    async def update_catalog(self, upserts: Sequence[Product], deletes: Sequence[str]) -> UpdateReport: ...

    async def set_handoff(self, conversation_id: str, handoff: dict[str, Any] | None) -> None: ...

    async def answer_unanswered(self, conversation_id: str) -> list[BotMessage]: ...


Transcript = Callable[[str, str], Awaitable[list[dict[str, Any]]]]
"""`await transcript(sender_id, channel)`: the conversation so far, oldest first."""

CatalogUpdate = Callable[[Sequence[Product], Sequence[str]], Awaitable[UpdateReport]]
"""`await update_catalog(upserts, deletes)`: apply a catalog change; the next message sees it."""


@dataclass(frozen=True, slots=True)
class ChannelHooks:
    """Everything a channel may use: callbacks and the server's limits. Never the agent.

    `services` are what the messaging channels share (`channels.services.ChannelServices`): the
    platforms' config, the outbound HTTP session, delivery claims, postboxes and the handoff queue.
    """

    on_message: OnMessage
    transcript: Transcript
    server: ServerConfig
    update_catalog: CatalogUpdate
    services: ChannelServices = field(default_factory=ChannelServices)


AGENT = web.AppKey("aisle.agent", AgentLike)
SERVER_CONFIG = web.AppKey("aisle.server_config", ServerConfig)
CHANNEL_NAMES = web.AppKey[tuple[str, ...]]("aisle.channel_names")
SERVICES = web.AppKey("aisle.channel_services", ChannelServices)
CONVERSATION_ID = web.RequestKey("aisle.conversation_id", str)
"""Set by a channel once it knows who is talking, so error logs can name the conversation."""
