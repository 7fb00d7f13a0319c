"""The turn loop: load the conversation, understand, act, reply, save.

Each step is one call: the router reads the message (`agent/nlu/router.py`), the dialog policy
decides what to do with it given the conversation (`agent/dialog.py`), a skill acts, the dialog
policy updates the state and offers a person when that is what the shopper needs
(`agent/handoff.py`). While a person holds the conversation, the assistant stays silent.

    async with open_agent(load_config()) as agent:
        replies = await agent.handle(UserMessage("alice", "red sneakers under 80"))
"""
from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agent.awaiting import turn_text
from agent.dialog import DialogPolicy, Plan
from agent.handoff import HandoffDesk, StoreHandoffDesk, TakeoverDesk
from agent.handoff_context import HandoffContextBuilder, unanswered
from agent.llm.history import chat_history, recorded_call
from agent.llm.types import LLMBackend
from agent.nlu.understanding import Understanding
from agent.observe import TurnMetrics, now
from agent.parts import Router, TurnContext
from agent.responder import message_payload, respond
from agent.skill_catalog import CATALOG
from agent.state import DialogState
from agent.store import ConversationStore
from agent.store.coordination import ConversationLock, LocalLock
from agent.types import BotMessage, Decision, UserMessage
from knowledge.catalog_index import CatalogIndex, UpdateReport
from knowledge.media import MediaStore
from knowledge.product import Product
from knowledge.query_parse import Lexicon
from skills.ads.experiments import Experiments
from skills.base import SkillContext, SkillResult
from skills.registry import SkillRegistry
from skills.tryon.task_api import TaskInbox

log = logging.getLogger(__name__)

SORRY = "Sorry, something went wrong on my side. Please try again in a moment."
MERCHANT_ONLY = "That is for the shop's team only. I can help you find or learn about a product."


def signed_in_customer(message: UserMessage) -> str | None:
    """The customer a channel verified for this message (`metadata["customer"]`, e.g. the shop's signed
    user id); channels drop any `customer` a client sent itself."""
    customer = message.metadata.get("customer")
    return customer if isinstance(customer, str) and customer else None


def client_of(message: UserMessage | None) -> str:
    """The client's network address, where the channel knows it (`metadata["address"]`)."""
    address = message.metadata.get("address") if message else None
    return address if isinstance(address, str) else ""


def role_of(message: UserMessage) -> str:
    """"merchant" only where an authenticated channel said so; everyone else is a shopper."""
    return "merchant" if message.metadata.get("role") == "merchant" else "shopper"


def conversation_id(channel: str, sender_id: str) -> str:
    return f"{channel}:{sender_id}"


class Agent:
    """Handles one user message at a time per conversation; conversations run concurrently.

    Built once, with every collaborator, by `agent.runtime.assemble_agent` (tests: a factory that passes
    the parts they need); nothing replaces a part afterwards (assigning one raises `AttributeError`).
    `experiments`, `media` and `tryon_inbox` are what the A/B and media routes reach; `llm` is the open
    LLM the router and the responder use, for the metrics of its slots.
    """

    def __init__(self, router: Router, skills: SkillRegistry, store: ConversationStore, catalog: CatalogIndex, *,
                 dialog: DialogPolicy | None = None, desk: HandoffDesk | None = None,
                 handoff_context: HandoffContextBuilder | None = None, lock: ConversationLock | None = None,
                 history_turns: int = 0, llm: LLMBackend | None = None, media_root: Path | None = None,
                 experiments: Experiments | None = None, media: MediaStore | None = None,
                 tryon_inbox: TaskInbox | None = None):
        object.__setattr__(self, "_assembled", False)
        self.router, self.skills, self.store, self.catalog = router, skills, store, catalog
        self.dialog = dialog or DialogPolicy(skills)
        self.desk = TakeoverDesk(desk or StoreHandoffDesk(store))  # the console's queue may take it over
        self.handoff_context = handoff_context or HandoffContextBuilder(store, catalog.by_id)
        self.lock = lock or LocalLock()  # one turn at a time per conversation (RedisLock across processes)
        self.history_turns = history_turns  # earlier exchanges the router reads (`llm.history_turns`; 0: none)
        self.llm, self.media_root = llm, media_root
        self.experiments, self.media, self.tryon_inbox = experiments, media, tryon_inbox
        self._catalog_lock = threading.Lock()
        self.metrics = TurnMetrics()  # served at /metrics
        self._assembled = True

    def __setattr__(self, name: str, value: Any) -> None:
        if self._assembled:
            raise AttributeError(f"the agent's {name!r} is given when it is assembled (agent.runtime.assemble_agent), "
                                 "never replaced afterwards")
        object.__setattr__(self, name, value)

    async def handle(self, message: UserMessage) -> list[BotMessage]:
        cid = conversation_id(message.channel, message.sender_id)
        with self.metrics.turn(cid):
            return await self._handle(cid, message)

    async def _handle(self, cid: str, message: UserMessage, recorded: bool = False) -> list[BotMessage]:
        async with self.lock.hold(cid):
            state = DialogState.from_dict(await self.store.load_state(cid))
            if not recorded:  # a message answered late (after a colleague handed back) is already stored
                state.customer = signed_in_customer(message)  # proven by this message or not at all
                await self.store.append(cid, "user", turn_text(message))
            if state.human_holds:
                await self.desk.receive(cid, message)
                return []
            result, call = await self._turn(cid, message, state)
            replies = respond(result)
            await self.store.save_state(cid, state.to_dict())
            for n, reply in enumerate(replies):
                payload = message_payload(reply)
                if call and n == 0:
                    payload["call"] = call  # what the turn ran: the conversation's training signal
                await self.store.append(cid, "bot", reply.text, payload)
            return replies

    async def _turn(self, cid: str, message: UserMessage, state: DialogState) -> tuple[SkillResult, dict | None]:
        """Understand, decide, act; the dialog policy keeps the state and may offer a person.
        Also returns the skill call the turn ran (None when it answered without one)."""
        started = now()
        understanding, decided = await self._understand(cid, message)
        plan = decided or self.dialog.plan(understanding, state, photo=bool(message.attachments))
        self.dialog.prepare(plan, state)
        before = state.handoff
        result, error, call = plan.reply, False, None
        if result is None:
            call = recorded_call(plan.decision.skill, plan.decision.arguments)
            result, error = await self._act(cid, plan.decision, plan.text or message.text, state.to_dict(),
                                            role_of(message), message)
        result = self.dialog.conclude(understanding, plan, result, state, error)
        handoff = bool(state.handoff and state.handoff != before and state.handoff.get("status") == "requested")
        if handoff:  # a new request, or one whose reason changed while waiting (frustration: more urgent)
            await self.desk.request(cid, state.handoff, state)
        handoff = handoff and not (before and before.get("status") == "requested")  # counted once
        self.metrics.observe(plan.decision.intent, plan.decision.skill, now() - started, error=error, handoff=handoff)
        return result, None if error else call

    async def _understand(self, cid: str, message: UserMessage) -> tuple[Understanding, Plan | None]:
        """The router's reading; a router that decides itself (a shop's own rules) gives the plan too."""
        turn = TurnContext(await self._history(cid), role_of(message), message.channel)
        reading = await self.router.read(message.text, turn)
        plan = None if reading.decision is None else Plan(reading.decision, text=message.text)
        return reading.understanding, plan

    async def _history(self, cid: str) -> list[dict]:
        """The exchanges before the message being handled (the last stored event), as chat messages."""
        if self.history_turns <= 0:
            return []
        turns = await self.store.transcript(cid, limit=8 * self.history_turns + 1)
        return chat_history(turns[:-1], self._facts, self.history_turns)

    def _facts(self, product_id: str) -> dict | None:
        product = self.product(product_id)
        return None if product is None else {"id": product.id, "title": product.title, "brand": product.brand,
                                             "price": product.price, "in_stock": product.stock > 0}

    async def _act(self, cid: str, decision: Decision, text: str, state: dict[str, Any],
                   role: str = "shopper", message: UserMessage | None = None) -> tuple[SkillResult, bool]:
        """The one place a skill failure becomes a polite reply and a log line; True when it failed."""
        ctx = SkillContext(conversation_id=cid, text=text, slots=state, role=role, client=client_of(message),
                           attachments=message.attachments if message else (), progress=_progress(message),
                           stream=message.stream if message else None)
        try:
            if CATALOG.merchant_only(decision.skill) and role != "merchant":
                return SkillResult(MERCHANT_ONLY), False
            args = self.skills.build_input(decision.skill, decision.arguments)
            return await self.skills[decision.skill].run(args, ctx), False
        except Exception:
            log.exception("skill %r failed in conversation %s", decision.skill, cid)
            return SkillResult(SORRY), True

    async def answer_unanswered(self, conversation_id: str) -> list[BotMessage]:
        """The shopper's last message that nobody answered (sent while a colleague held the conversation),
        answered now by the assistant; nothing when every message had its answer."""
        text = unanswered(await self.store.transcript(conversation_id))
        if not text:
            return []
        channel, _, sender = conversation_id.partition(":")
        with self.metrics.turn(conversation_id):
            return await self._handle(conversation_id, UserMessage(sender, text, channel), recorded=True)

    async def set_handoff(self, conversation_id: str, handoff: dict[str, Any] | None) -> None:
        """Who holds a conversation: the console sets ``{"status": "active", ...}`` when a colleague takes it,
        and None when it hands the conversation back to the assistant."""
        async with self.lock.hold(conversation_id):
            state = DialogState.from_dict(await self.store.load_state(conversation_id))
            state.handoff, state.handoff_offer, state.failed_turns = handoff, None, 0
            await self.store.save_state(conversation_id, state.to_dict())

    async def update_catalog(self, upserts: Sequence[Product], deletes: Sequence[str] = ()) -> UpdateReport:
        """Add, replace and delete products; the next message already sees the change."""
        return await asyncio.to_thread(self._update_catalog, upserts, deletes)

    def _update_catalog(self, upserts: Sequence[Product], deletes: Sequence[str]) -> UpdateReport:
        with self._catalog_lock:
            report = self.catalog.apply_update(upserts, deletes)
            if report.changed:
                self.router.lexicon = Lexicon.from_products(self.catalog.products)
        return report

    @property
    def product_count(self) -> int:
        return len(self.catalog.products)

    def product(self, product_id: str) -> Product | None:
        return self.catalog.by_id(product_id)

    def products_named(self, query: str, limit: int = 10) -> list[Product]:
        """Catalog products whose title or id holds every word of ``query`` (a colleague looking one up)."""
        return named(self.catalog.products, query, limit)

    async def transcript(self, sender_id: str, channel: str) -> list[dict]:
        turns = await self.store.transcript(conversation_id(channel, sender_id))
        return [self._turn_dict(turn) for turn in turns if turn.role in ("user", "bot")]

    def _turn_dict(self, turn) -> dict:
        ids = turn.payload.get("products", [])
        products = [p.to_dict() for p in map(self.product, ids) if p is not None]
        return {"role": turn.role, "text": turn.text, "ts": turn.ts, "products": products,
                "quick_replies": turn.payload.get("quick_replies", []), "image": turn.payload.get("image", ""),
                **({"cart": turn.payload["cart"]} if "cart" in turn.payload else {})}


def named(products: Sequence[Product], query: str, limit: int) -> list[Product]:
    words = query.lower().split()
    return [p for p in products if words and all(w in f"{p.title} {p.id}".lower() for w in words)][:limit]


def _progress(message: UserMessage | None):
    """`ctx.progress`: an interim bot message on channels that can show one, nothing elsewhere."""

    async def progress(text: str) -> None:
        if message is not None and message.interim is not None:
            await message.interim(BotMessage(text=text))

    return progress
