"""A deterministic stand-in for the agent, for channel tests and demos.

It answers product queries from a small shoe-shop catalog by keyword ("red sneakers under 80"),
keeps a transcript per conversation in a real (in-memory) SQLite store and draws its product images
on the fly, so a channel can be tested end to end without models or indexes. Like the real agent,
"talk to a person" asks its handoff desk for a colleague, and while one holds the conversation
(state `handoff.status == "active"`) it stays silent and hands each message to the desk.

    app = build_app(ServerConfig(), lambda: fake_agent_context(tmp_path / "media"))
"""
from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

from agent.core import named
from agent.handoff import TakeoverDesk
from agent.handoff_context import HandoffContextBuilder, unanswered
from agent.llm.types import LLMBackend
from agent.observe import TurnMetrics
from agent.store import ConversationStore, SQLiteStore
from agent.types import BotMessage, QuickReply, UserMessage
from knowledge.catalog_updates import UpdateReport
from knowledge.media import MediaStore
from knowledge.product import Product
from skills.ads.experiments import Experiments
from skills.base import Skill
from skills.tryon.task_api import TaskInbox

_SHOES = [
    ("sku-001", "Velocity Runner", "Stride", "red", "sneakers", 59.0),
    ("sku-002", "Court Classic Low", "Northpeak", "red", "sneakers", 74.5),
    ("sku-003", "Trail Blaze 2", "Stride", "red", "sneakers", 79.0),
    ("sku-004", "Canvas Everyday", "Loop & Co", "red", "sneakers", 45.0),
    ("sku-005", "Cloudstep Knit", "Northpeak", "blue", "sneakers", 65.0),
    ("sku-006", "Heritage Leather Boot", "Oakline", "black", "boots", 129.0),
    ("sku-007", "Minimal White Court", "Loop & Co", "white", "sneakers", 70.0),
    ("sku-008", "Summit Hiker", "Oakline", "red", "boots", 115.0),
]
_PAINT = {"red": (206, 43, 55), "blue": (46, 94, 170), "black": (40, 40, 44), "white": (236, 236, 232)}
_COLOURS = frozenset(_PAINT)
_KINDS = frozenset(kind.rstrip("s") for *_, kind, _ in _SHOES)
_WORDS = re.compile(r"[a-z]+")
_UNDER = re.compile(r"(?:under|below|less than|cheaper than)\s*\$?\s*(\d+(?:\.\d+)?)\s*(?:dollars|usd)?")


def demo_products() -> list[Product]:
    return [
        Product(
            id=sku, title=title, brand=brand, colour=colour, category="shoes", product_type=kind,
            price=price, description=f"{title} by {brand}: a {colour} pair of {kind} for every day.",
            sizes=("7", "8", "9", "10", "11"), image=f"images/{sku}.png", url=f"https://shop.example/p/{sku}",
            stock=12,
        )
        for sku, title, brand, colour, kind, price in _SHOES
    ]


def draw_product_images(products: Iterable[Product], media_root: Path) -> None:
    """Draw a simple shoe in each product's colour at `media_root / product.image` (PNG)."""
    from PIL import Image, ImageDraw

    for n, product in enumerate(products):
        target = media_root / product.image
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        image = Image.new("RGB", (320, 240), (244, 242, 238))
        paint = _PAINT.get(product.colour, (120, 120, 120))
        _draw_shoe(ImageDraw.Draw(image), paint, n, high=product.product_type == "boots")
        image.save(target)


def _draw_shoe(draw: Any, paint: tuple[int, int, int], variant: int, high: bool) -> None:
    top = 50 if high else 104 - 6 * (variant % 3)
    outline = (45, 45, 48)
    upper = [(56, 170), (66, top + 8), (132, top), (170, 122), (250, 138), (272, 152), (276, 170)]
    draw.polygon(upper, fill=paint, outline=outline)
    sole = [(250, 250, 250), (196, 150, 96), (60, 60, 64)][variant % 3]
    draw.rounded_rectangle((46, 166, 284, 190), radius=10, fill=sole, outline=outline, width=2)
    if variant % 2:
        draw.line((100, 160, 190, 128), fill=(250, 250, 250), width=7)
    else:
        toe = tuple(max(c - 45, 0) for c in paint)
        draw.polygon([(222, 133), (250, 138), (272, 152), (276, 170), (214, 170)], fill=toe, outline=outline)
    for x in range(108, 160, 13):
        draw.line((x, top + 10, x + 12, top + 22), fill=(250, 250, 250), width=3)


_HANDOFF_WORDS = ("/handoff", "talk to a person", "a human", "human please")
HANDOFF_ACCEPTED = "I've asked a colleague to take over. They'll reply right here in this chat."


class _SilentDesk:
    async def request(self, conversation_id: str, handoff: dict[str, Any], state: Any) -> None:
        return None

    async def receive(self, conversation_id: str, message: UserMessage) -> None:
        return None


class FakeAgent:
    """Keyword search over `products`, with quick replies, a stored transcript and handoff, like the real agent.

    A test gives the parts it needs as keywords (a file-backed `store`, a real recommend skill in `skills`,
    `experiments`, `media`, `tryon_inbox`) and, as with the real agent, never replaces them afterwards."""

    def __init__(self, products: list[Product], media_root: Path | None = None, *,
                 store: ConversationStore | None = None, skills: Iterable[Skill] = (),
                 experiments: Experiments | None = None, media: MediaStore | None = None,
                 tryon_inbox: TaskInbox | None = None) -> None:
        self.media_root = media_root
        self._products = {p.id: p for p in products}
        self.store = store or SQLiteStore.open(":memory:")
        self.skills = tuple(skills)  # e.g. a real recommend skill, for the event and dashboard routes
        self.desk = TakeoverDesk(_SilentDesk())
        self.handoff_context = HandoffContextBuilder(self.store, self.product)
        self.metrics: TurnMetrics | None = None  # /metrics is the real agent's
        self.experiments, self.media, self.tryon_inbox = experiments, media, tryon_inbox
        self.llm: LLMBackend | None = None
        self.received: list[UserMessage] = []
        self.streams = False  # True: answers are streamed word by word where the channel can show that
        self.stream_pause_s = 0.0  # between streamed pieces, to watch an answer being written

    @property
    def product_count(self) -> int:
        return len(self._products)

    def product(self, product_id: str) -> Product | None:
        return self._products.get(product_id)

    def products_named(self, query: str, limit: int = 10) -> list[Product]:
        return named(list(self._products.values()), query, limit)

    async def transcript(self, sender_id: str, channel: str) -> list[dict[str, Any]]:
        turns = await self.store.transcript(f"{channel}:{sender_id}")
        return [{"role": t.role, "text": t.text, "ts": t.ts, "quick_replies": t.payload.get("quick_replies", []),
                 "products": [p.to_dict() for p in map(self.product, t.payload.get("products", [])) if p]}
                for t in turns if t.role in ("user", "bot")]

    async def answer_unanswered(self, conversation_id: str) -> list[BotMessage]:
        text = unanswered(await self.store.transcript(conversation_id))
        if not text:
            return []
        reply = self._answer(text)
        await self.store.append(conversation_id, "bot", reply.text, {"products": [p.id for p in reply.products]})
        return [reply]

    async def set_handoff(self, conversation_id: str, handoff: dict[str, Any] | None) -> None:
        state = await self.store.load_state(conversation_id)
        await self.store.save_state(conversation_id, {**state, "handoff": handoff})

    async def update_catalog(self, upserts: Sequence[Product], deletes: Sequence[str]) -> UpdateReport:
        added = tuple(p.id for p in upserts if p.id not in self._products)
        updated = tuple(p.id for p in upserts if p.id in self._products)
        self._products.update((p.id, p) for p in upserts)
        deleted = tuple(i for i in deletes if self._products.pop(i, None) is not None)
        return UpdateReport(added=added, updated=updated, deleted=deleted)

    async def handle(self, msg: UserMessage) -> list[BotMessage]:
        self.received.append(msg)
        cid = f"{msg.channel}:{msg.sender_id}"
        state = await self.store.load_state(cid)
        await self.store.append(cid, "user", msg.text)
        handoff = state.get("handoff") or {}
        if handoff.get("status") == "active":
            await self.desk.receive(cid, msg)
            return []
        if any(word in msg.text.lower() for word in _HANDOFF_WORDS) and handoff.get("status") != "requested":
            handoff = {"status": "requested", "reason": "asked", "ts": time.time()}
            await self.store.save_state(cid, {**state, "handoff": handoff})
            await self.desk.request(cid, handoff, state)
            replies = [BotMessage(text=HANDOFF_ACCEPTED)]
        else:
            replies = [self._answer(msg.text)]
        if self.streams and msg.stream is not None:  # like an LLM writing its answer, a few words at a time
            for piece in re.findall(r"\S+\s*", replies[0].text):
                await msg.stream(piece)
                await asyncio.sleep(self.stream_pause_s)
        for reply in replies:
            suggestions = [{"title": q.title, "payload": q.payload} for q in reply.quick_replies]
            await self.store.append(cid, "bot", reply.text, {"products": [p.id for p in reply.products],
                                                             "quick_replies": suggestions})
        return replies

    def search(self, text: str) -> list[Product]:
        words = set(_WORDS.findall(text.lower()))
        words |= {w[:-1] for w in words if w.endswith("s")}
        colours, kinds = words & _COLOURS, words & _KINDS
        under = _UNDER.search(text.lower())
        limit = float(under.group(1)) if under else float("inf")
        if not colours and not kinds:
            return []
        return [
            p for p in self._products.values()
            if p.price <= limit and (not colours or p.colour in colours)
            and (not kinds or p.product_type.rstrip("s") in kinds)
        ]

    def _answer(self, text: str) -> BotMessage:
        if not _WORDS.search(text.lower()):
            return BotMessage(text="Tell me what you are looking for, for example \"red sneakers\".")
        found = sorted(self.search(text), key=lambda p: p.price)
        if not found:
            return BotMessage(
                text="I couldn't find anything like that. Want to try something else?",
                quick_replies=(
                    QuickReply("Show sneakers", "show me sneakers"),
                    QuickReply("Talk to a person", "/handoff"),
                ),
            )
        cheapest, dearest = found[0].price, found[-1].price
        cheaper = f"{_UNDER.sub('', text.lower()).strip()} under {(cheapest + dearest) / 2:.0f} dollars"
        return BotMessage(
            text=f"I found {len(found)} {'match' if len(found) == 1 else 'matches'}, from ${cheapest:.0f}:",
            products=tuple(found[:6]),
            quick_replies=(
                QuickReply("Cheaper", cheaper),
                QuickReply("Boots instead", "show me boots"),
                QuickReply("Talk to a person", "/handoff"),
            ),
        )


def serving(agent: Any) -> Callable[[], AbstractAsyncContextManager[Any]]:
    """An `agent_context` for `build_app` that hands out an agent the test already holds.

        app = build_app(ServerConfig(), serving(FakeAgent(demo_products())))
    """

    @contextlib.asynccontextmanager
    async def open_agent() -> AsyncIterator[Any]:
        yield agent

    return open_agent


@contextlib.asynccontextmanager
async def fake_agent_context(media_root: Path | None = None) -> AsyncIterator[FakeAgent]:
    """Open a `FakeAgent` over the demo catalog; with `media_root`, its images are drawn there."""
    products = demo_products()
    if media_root is not None:
        draw_product_images(products, media_root)
    yield FakeAgent(products, media_root)
