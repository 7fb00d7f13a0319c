"""Synthetic tool-calling conversations from the catalog and the NLU examples: `aisle generate dialogs`.

    records = generate_dialogs(products, registry.tool_schemas(), read_nlu_data("agent/defaults/nlu.yml"),
                               SyntheticConfig(conversations=2000, seed=0))
    write_chat_jsonl("dialogs.jsonl", records)

A shop with no conversation logs can fine-tune its dialog model on these. Each conversation follows
one of the flows a shop sees: a search, refined ("cheaper", "in blue") and narrowed to one product
(a pick, a size, a question, a comparison); an order's status, a return or a cancellation that asks
for confirmation; a policy question; a complaint handed to a person. Shoppers' words come from the
NLU examples and from templates filled with the catalog's own colours, kinds, brands and prices.

The tools are the real registry's schemas (`SkillRegistry.tool_schemas()`): a flow whose skill the
registry lacks is never generated, and every call is labelled as the embedding router would label
it (`training/labels.py`), so its arguments validate against the schema. Tool results and replies
come from `training/synthetic_world.py` and state only what the catalog holds.
"""
from __future__ import annotations

import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from agent.llm.router import SYSTEM_PROMPT
from agent.nlu.nlu_data import NluData, read_nlu_data
from agent.state import DialogState
from knowledge.inflect import plural
from knowledge.product import Product
from knowledge.query_parse import Lexicon
from training.chat_data import tool_call
from training.labels import Labeler
from training.synthetic_world import Memory, ShopWorld

_ORDER = re.compile(r"ORD-\d{6}")
_SEARCHES = ("show me {colour} {types}", "{colour} {types} under {price} dollars", "do you have {brand} {types}?",
             "I'm looking for {types} for {gender}", "any {types} under ${price}?", "{brand} {types} in {colour}",
             "I need {types}", "{types} for {gender} under {price}", "have you got {colour} {types} from {brand}?")
_REFINES = ("cheaper", "something cheaper please", "show me more", "any in {colour}?", "what about {colour} ones",
            "do you have something from {brand}?", "anything under {price}?", "too expensive, show me cheaper options",
            "something more expensive")
_SELECTS = ("the {ordinal} one", "I'll take the {ordinal} one", "the {ordinal} one in size {size}",
            "the cheapest one", "the last one", "number {number} please")
_QUESTIONS = ("what is the {ordinal} one made of?", "is the {ordinal} one in stock?", "what sizes does it come in?",
              "is it in stock?", "what material is it?")
_ORDINALS = ("first", "second", "third")
_ORDER_ASKS = ("where is my order {order}?", "track order {order}", "what's the status of {order}?",
               "has {order} shipped yet? my email is {email}")
_FLOWS = {"shopping": 5, "orders": 2, "cancel": 1, "returns": 1, "policy": 1, "handoff": 1, "single": 3}
_NAMES = ("sam", "alex", "kim", "lee", "jo", "max", "ana", "ravi")


@dataclass(frozen=True)
class SyntheticConfig:
    conversations: int = 1000
    max_turns: int = 6  # shopper messages in one conversation at most
    per_result: int = 3  # products a search shows
    seed: int = 0


def generate_dialogs(products: Sequence[Product], tools: Sequence[dict], nlu: NluData | None = None,
                     config: SyntheticConfig = SyntheticConfig(), system_prompt: str = SYSTEM_PROMPT) -> list[dict]:
    """`config.conversations` conversations in chat JSONL form, each with the tools and the system prompt."""
    generator = _Generator(products, tools, nlu, config, system_prompt)
    return [generator.conversation(f"synthetic:{config.seed}:{n}") for n in range(1, config.conversations + 1)]


class _Generator:
    def __init__(self, products: Sequence[Product], tools: Sequence[dict], nlu: NluData | None,
                 config: SyntheticConfig, system_prompt: str):
        self.rng = random.Random(config.seed)
        self.products = [p for p in products if p.product_type]
        self.tools, self.config, self.system_prompt = list(tools), config, system_prompt
        self.labeler = Labeler(tools, Lexicon.from_products(products), nlu.regexes if nlu else None)
        self.world = ShopWorld(self.products, self.rng, config.per_result)
        self.examples: dict[str, list] = {}
        for example in (nlu.examples if nlu else ()):
            self.examples.setdefault(example.intent, []).append(example)
        self.flows = {name: weight for name, weight in _FLOWS.items() if self._possible(name)}

    def _possible(self, flow: str) -> bool:
        needs = {"shopping": ("search",), "orders": ("order_status",), "cancel": ("cancel_order",),
                 "returns": ("returns",), "policy": ("policies",), "handoff": ("handoff",), "single": ()}[flow]
        return all(self.labeler.offers(n) and self.world.answers(n) for n in needs) and \
            (flow != "shopping" or bool(self.products))

    def conversation(self, conversation_id: str) -> dict[str, Any]:
        for _ in range(20):  # a flow may find nothing to say with these tools: draw another
            talk = _Talk(self, conversation_id)
            flow = self.rng.choices(list(self.flows), weights=list(self.flows.values()))[0]
            getattr(self, f"_{flow}")(talk)
            if talk.calls:
                return talk.record()
        raise ValueError("the tools offered serve none of the synthetic flows: "
                         + ", ".join(t["function"]["name"] for t in self.tools))

    # shopper's words ---------------------------------------------------------------------------
    def example(self, intent: str) -> tuple[str, dict[str, Any]] | None:
        """A shopper message of `intent` from the NLU data, with its annotated entities."""
        examples = self.examples.get(intent)
        if not examples:
            return None
        example = self.rng.choice(examples)
        annotated = {e.entity: e.value for e in example.entities if e.entity not in ("order_number", "email")}
        return _ORDER.sub(self.order_number(), example.text), annotated

    def fill(self, template: str, product: Product | None = None) -> str:
        p = product or self.rng.choice(self.products)
        sizes = p.sizes or ("M",)
        values = {"colour": p.colour or "black", "types": plural(p.product_type), "brand": p.brand or "any brand",
                  "gender": p.gender if p.gender in ("women", "men", "kids") else "women",
                  "price": _round_price(p.price), "ordinal": self.rng.choice(_ORDINALS), "size": self.rng.choice(sizes),
                  "number": self.rng.randint(1, 3), "order": self.order_number(), "email": self.email()}
        return template.format(**values)

    def order_number(self) -> str:
        return f"ORD-{self.rng.randrange(100000, 1000000)}"

    def email(self) -> str:
        return f"{self.rng.choice(_NAMES)}.{self.rng.choice(_NAMES)}{self.rng.randint(1, 99)}@example.com"

    # flows ---------------------------------------------------------------------------------------
    def _opening(self, talk: _Talk) -> None:
        if self.rng.random() < 0.3:
            talk.say("greet", *(self.example("greet") or ("hi", {})))

    def _closing(self, talk: _Talk) -> None:
        if self.rng.random() < 0.4:
            intent = self.rng.choice(("thanks", "goodbye"))
            talk.say(intent, *(self.example(intent) or ("thanks", {})))

    def _shopping(self, talk: _Talk) -> None:
        self._opening(talk)
        nlu_search = self.example("search_products") if self.rng.random() < 0.3 else None
        talk.say("search_products", *(nlu_search or (self.fill(self.rng.choice(_SEARCHES)), {})))
        steps = ("refine", "select", "product_question", "describe_product", "compare", "recommend")
        while talk.turns < self.config.max_turns - 1 and self.rng.random() < 0.7:
            intent = self.rng.choice(steps)
            talk.say(intent, *self._shopping_words(intent, talk.memory))
        self._closing(talk)

    def _shopping_words(self, intent: str, memory: Memory) -> tuple[str, dict]:
        focus = memory.results[0] if memory.results else None
        templates = {"refine": _REFINES, "select": _SELECTS, "product_question": _QUESTIONS}.get(intent)
        if templates and self.rng.random() < 0.7:
            return self.fill(self.rng.choice(templates), focus), {}
        return self.example(intent) or (self.fill(self.rng.choice(templates or _SELECTS), focus), {})

    def _orders(self, talk: _Talk) -> None:
        self._opening(talk)
        words = self.example("order_status") if self.rng.random() < 0.4 else None
        talk.say("order_status", *(words or (self.fill(self.rng.choice(_ORDER_ASKS)), {})))
        if talk.memory.order == "" and talk.turns < self.config.max_turns:
            talk.say("order_status", f"it's {self.order_number()}", {})
        self._closing(talk)

    def _cancel(self, talk: _Talk) -> None:
        talk.say("cancel_order", f"please cancel my order {self.order_number()}", {})
        number = talk.memory.order
        if number and self.rng.random() < 0.85:
            yes = self.rng.random() < 0.75
            words = self.example("affirm" if yes else "deny") or (("yes", {}) if yes else ("no", {}))
            talk.say("cancel_order", words[0], call=("cancel_order", {"order_number": number, "confirm": yes}))

    def _returns(self, talk: _Talk) -> None:
        words = self.example("return_or_refund") or ("I want to return something", {})
        talk.say("return_or_refund", *words)
        if not talk.memory.order:
            talk.say("return_or_refund", f"the order number is {self.order_number()}", {})

    def _policy(self, talk: _Talk) -> None:
        intent = self.rng.choice(("shipping_info", "store_policy"))
        talk.say(intent, *(self.example(intent) or ("how long does shipping take?", {})))
        self._closing(talk)

    def _handoff(self, talk: _Talk) -> None:
        intent = self.rng.choice(("human_handoff", "complaint"))
        talk.say(intent, *(self.example(intent) or ("I want to talk to a person", {})))
        if talk.memory.handoff_offered:
            yes = self.rng.random() < 0.7
            words = self.example("affirm" if yes else "deny") or (("yes", {}) if yes else ("no", {}))
            reason = "complaint" if intent == "complaint" else "asked"
            talk.say(intent, words[0], call=("handoff", {"action": "accept" if yes else "decline", "reason": reason}))

    def _single(self, talk: _Talk) -> None:
        intents = [i for i in self.examples if i not in ("affirm", "deny")
                   and self.world.answers(self.labeler.skill_for(i) or "")]
        intent = self.rng.choice(intents) if intents else "search_products"
        words = self.example(intent) or (self.fill(self.rng.choice(_SEARCHES)), {})
        talk.say(intent, *words)


class _Talk:
    """One conversation being written: messages, the memory of what was shown, the call count."""

    def __init__(self, generator: _Generator, conversation_id: str):
        self.generator, self.conversation_id = generator, conversation_id
        self.messages: list[dict] = [{"role": "system", "content": generator.system_prompt}]
        self.memory = Memory()
        self.calls = self.turns = 0

    def say(self, intent: str, text: str, annotated: dict | None = None,
            call: tuple[str, dict] | None = None) -> None:
        """The shopper says `text`; the assistant calls the tool, reads its result and replies."""
        if self.turns >= self.generator.config.max_turns:
            return
        state = DialogState(handoff_offer="asked" if self.memory.handoff_offered else None)
        call = call or self.generator.labeler.call(intent, text, annotated, state)
        if call is None or not self.generator.world.answers(call[0]) or not self.generator.labeler.offers(call[0]):
            return
        name, arguments = call
        content, reply = self.generator.world.answer(name, arguments, self.memory)
        self.calls += 1
        self.turns += 1
        call_id = f"call_{self.calls}"
        self.messages += [{"role": "user", "content": text},
                          {"role": "assistant", "content": "", "tool_calls": [tool_call(name, arguments, call_id)]},
                          {"role": "tool", "tool_call_id": call_id, "content": json.dumps(content, ensure_ascii=False)},
                          {"role": "assistant", "content": reply}]

    def record(self) -> dict[str, Any]:
        return {"conversation_id": self.conversation_id, "source": "synthetic", "tools": self.generator.tools,
                "messages": self.messages}


def _round_price(price: float) -> int:
    """A budget a shopper would say: the product's price rounded up to the next 10."""
    return int(-(-price // 10) * 10) or 10
