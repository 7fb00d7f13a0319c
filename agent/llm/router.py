"""The LLM router: the LLM picks the skill and its arguments; the embedding router is the fast path
for confident intents and the fallback whenever the LLM is slow, failing or wrong.

    router = LLMRouter(llm, embedding_router, skills.tool_schemas(), fast_path_confidence=0.9, timeout_s=5)
    await router.adecide("do you have something like the nike ones but cheaper?")
    # -> Decision(intent='search_products', skill='search', arguments={'query': 'nike', 'max_price': 60.0}, confidence=1.0)

`read(text, turn)` (the agent's call, `agent.parts.Router`) and `aunderstand(text, history)` give what
the embedding router's `understand` gives (`agent/nlu/router.py`), so the dialog policy works unchanged: an LLM decision becomes the message's
intent, and its arguments join the entities the router found.

A fallback is never silent: each is counted in `stats` and logged with its reason (timeout, error,
invalid call).

The LLM sees only the tools the conversation may use: a shopper never sees the merchant tools, and a
channel listed in `channel_tools` sees only its own list. A call to any other tool is invalid and
falls back, whatever the shopper's message talked the model into (`tests/reliability/test_prompt_injection.py`).
"""
from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from agent.llm.toolcalls import validate_call
from agent.llm.types import BackendUnavailable, ChatRequest, LLMBackend, LLMError, LLMTimeout, ToolCall
from agent.nlu.router import EmbeddingRouter
from agent.parts import Reading, TurnContext
from agent.skill_catalog import CATALOG
from agent.types import Decision
from skills.request import REQUEST_FIELDS

log = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "You are the assistant of an online shop. Call exactly one function: the one that serves the "
    "shopper's last message. Give only the arguments the shopper stated; never invent a product, a "
    "price or an order number."
)
ENTITY_NAMES = frozenset({"product_type", "category", "colour", "brand", "gender", "material", "size",
                          "min_price", "max_price", "order_number", "email", "position", *REQUEST_FIELDS})
"""Arguments of the LLM's call that join the message's entities: the whole shopping request included, so the
dialog gives the skill what the LLM filled and the skill enforces it."""


class LLMRouter:
    """Routes with an LLM behind the embedding router's fast path and fallback."""

    def __init__(self, llm: LLMBackend, fallback: EmbeddingRouter, tools: Sequence[dict], *, fast_path_confidence: float = 0.9,
                 timeout_s: float = 10.0, max_tokens: int = 256, adapter: str | None = None,
                 system_prompt: str = SYSTEM_PROMPT,
                 merchant_tools: Collection[str] = (), channel_tools: Mapping[str, Collection[str]] | None = None):
        self.llm = llm
        self.fallback = fallback
        self.tools = list(tools)
        self.fast_path_confidence = fast_path_confidence
        self.timeout_s = timeout_s
        self.max_tokens = max_tokens
        self.adapter = adapter or None
        self.system_prompt = system_prompt
        self.merchant_tools = frozenset(merchant_tools)
        self.channel_tools = {channel: frozenset(names) for channel, names in (channel_tools or {}).items()}
        self.stats: Counter[str] = Counter()

    def tools_for(self, role: str = "shopper", channel: str = "") -> list[dict]:
        """The tool schemas offered for one message: merchant tools only to a merchant, a channel's list only."""
        allowed = self.channel_tools.get(channel)
        return [tool for tool in self.tools
                if (role == "merchant" or _name(tool) not in self.merchant_tools)
                and (allowed is None or _name(tool) in allowed)]

    # the embedding router's interface --------------------------------------------------------------
    @property
    def lexicon(self) -> Any:
        return self.fallback.lexicon

    @lexicon.setter
    def lexicon(self, value: Any) -> None:  # the agent replaces it when the catalog changes
        self.fallback.lexicon = value

    # the turn loop's calls --------------------------------------------------------------------------
    async def aunderstand(self, text: str, history: Sequence[dict] = (), role: str = "shopper",
                          channel: str = "") -> Any:
        """The turn loop's call: `history` is the conversation so far (`agent.llm.history`)."""
        understanding = await asyncio.to_thread(self.fallback.understand, text)
        if self._fast(understanding.intent, understanding.confidence):
            return understanding
        return _understood(understanding, await self._ask(text, history, self.tools_for(role, channel)))

    async def read(self, text: str, turn: TurnContext) -> Reading:
        """The agent's call (`agent.parts.Router`): the LLM reads the conversation too."""
        return Reading(await self.aunderstand(text, turn.history, turn.role, turn.channel))

    async def adecide(self, text: str, history: Sequence[dict] = (), role: str = "shopper",
                      channel: str = "") -> Decision:
        decision = await asyncio.to_thread(self.fallback.decide, text)
        if self._fast(decision.intent, decision.confidence):
            return decision
        return _decided(decision, await self._ask(text, history, self.tools_for(role, channel)))

    def _fast(self, intent: str, confidence: float) -> bool:
        fast = intent != "out_of_scope" and confidence >= self.fast_path_confidence
        if fast:
            self.stats["fast_path"] += 1
        return fast

    async def _ask(self, text: str, history: Sequence[dict], tools: list[dict]) -> ToolCall | None:
        """The LLM's call, validated; None (and the reason logged and counted) when there is none."""
        if not tools:
            return self._fell_back("no_tools", "no tool is allowed here")
        messages = [{"role": "system", "content": self.system_prompt}, *history, {"role": "user", "content": text}]
        request = ChatRequest(messages, tools=tools, tool_choice="required", max_tokens=self.max_tokens,
                              timeout_s=self.timeout_s, adapter=self.adapter)
        try:
            completion = await asyncio.wait_for(self.llm.complete(request), self.timeout_s)
        except (TimeoutError, LLMTimeout):
            return self._fell_back("timeout", f"no answer within {self.timeout_s:g}s")
        except (LLMError, BackendUnavailable) as exc:
            return self._fell_back("error", str(exc))
        if not completion.tool_calls:
            return self._fell_back("invalid", f"no tool call in {completion.raw[:120]!r}")
        call = _without_nulls(completion.tool_calls[0])
        if problems := validate_call(call, tools):
            return self._fell_back("invalid", "; ".join(problems))
        self.stats["llm"] += 1
        return call

    def _fell_back(self, reason: str, detail: str) -> None:
        self.stats[f"fallback_{reason}"] += 1
        log.warning("LLM router fell back to the embedding router (%s): %s", reason, detail)
        return None


def _understood(understanding: Any, call: ToolCall | None) -> Any:
    """The router's reading, with the LLM's skill as the intent and its arguments among the entities."""
    if call is None:
        return understanding
    entities = {**understanding.entities.values, **{k: v for k, v in call.arguments.items() if k in ENTITY_NAMES}}
    return understanding.as_intent(intent_of(call, understanding.intent), entities)


def _decided(decision: Decision, call: ToolCall | None) -> Decision:
    if call is None:
        return decision
    return Decision(intent_of(call, decision.intent), call.name, call.arguments, 1.0)


def _name(tool: dict) -> str:
    return tool.get("function", {}).get("name", "")


def intent_of(call: ToolCall, guessed: str) -> str:
    """The intent a skill call stands for: the router's own guess when it maps to the same skill."""
    if call.name == "smalltalk" and CATALOG.intent_skills.get(call.arguments.get("intent", "")) == "smalltalk":
        return call.arguments["intent"]
    if CATALOG.intent_skills.get(guessed) == call.name:
        return guessed
    return next((intent for intent, skill in CATALOG.intent_skills.items() if skill == call.name), call.name)


def _without_nulls(call: ToolCall) -> ToolCall:
    """Models often spell an absent optional argument as null; it means the same as leaving it out."""
    return ToolCall(call.name, {k: v for k, v in call.arguments.items() if v is not None}, call.id)
