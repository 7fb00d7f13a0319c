"""The dialog policy: what to do with one message, given what the conversation already holds.

    policy = DialogPolicy(skills, DialogConfig())
    plan = policy.plan(router.understand("the second one, size 9"), state)
    plan.decision.skill, plan.decision.arguments
    # -> ('select', {'position': 2, 'size': '9'})
    policy.prepare(plan, state)
    result = await skill.run(...)
    result = policy.conclude(understanding, plan, result, state, error=False)

In order, a message is:

1. the answer to a quick reply the assistant offered (a clarifying choice, "Talk to a person");
2. the answer to a question a skill asked (`awaiting_answer`: an order number, an item, a yes/no),
   unless it clearly starts something else;
3. ambiguous, when the two best intents are closer than `clarify_margin`: the shopper is asked
   which they meant, with both as quick replies;
4. read in context: "in blue" after a search refines it, "size 10" with a product picked is about
   that product, a new product type starts a new topic; a stated request ("gift ideas for a 10 year
   old", "top rated headphones") is a search, not "for you" recommendations;
5. routed to the intent's skill with arguments from the entities and the state; an intent whose
   skill the shop has not registered gets an honest "I can't do that yet".

After the skill ran, `conclude` updates the state (slots, failed turns, history) and applies the
handoff policy: an offer of a person after an error, strong negative sentiment or repeated failure.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from agent.config import DialogConfig
from agent.dialog_args import arguments_for, field_type, fit
from agent.dialog_followups import POLICY_INTENTS, policy_question
from agent.dialog_replies import clarifying_question, label, unavailable, yes_or_no
from agent.handoff import OFFER_TEXT, HandoffPolicy, escalated, explicit_request
from agent.language_replies import language_reply
from agent.nlu.language import OTHER_LANGUAGE
from agent.nlu.understanding import Understanding
from agent.skill_catalog import CATALOG
from agent.state import DialogState
from skills.shopping.common import content_words
from agent.types import Decision
from skills.base import Skill, SkillResult
from skills.handoff import NO_THANKS, OFFER, TALK_TO_A_PERSON
from skills.shopping.arguments import refine_change
from skills.shopping.shown_qa import about_shown, ranking_in

_SHOPPING = CATALOG.intents_where("shopping")  # browsing the catalog: never asked apart; products shown help
_ESCAPES = CATALOG.intents_where("escape")  # a new request, even while a question waits for its answer
_ASKABLE = frozenset({"search_products", "refine", "select", "out_of_scope", "describe_product", "product_question"})
_UNSURE = frozenset({"search_products", "refine", "out_of_scope"})  # intents a "does it come in ...?" is misread as
_NOT_SIZE = ("colour", "brand", "gender", "material", "min_price", "max_price")
_OFFER_MEANING = {TALK_TO_A_PERSON.lower(): {"intent": "human_handoff"}, NO_THANKS.lower(): {"intent": "deny"}}


@dataclass(frozen=True)
class Plan:
    """What this turn does: run ``decision``, or say ``reply`` without a skill."""

    decision: Decision
    reply: SkillResult | None = None
    text: str = ""  # the message as the skill should read it (the original one after a clarifying choice)
    offered: dict[str, dict[str, Any]] = field(default_factory=dict)
    answers_question: bool = False
    new_topic: bool = False


class DialogPolicy:
    def __init__(self, skills: Iterable[Skill], config: DialogConfig = DialogConfig(),
                 handoff: HandoffPolicy | None = None, languages: Sequence[str] = ("en",)):
        self.inputs = {skill.name: skill.Input for skill in skills}
        self.languages = tuple(languages)  # those the intent model understands, named to a shopper who writes in another
        self.config = config
        self.handoff = handoff or HandoffPolicy(config.failed_turns, config.negative_sentiment)

    # -- before the skill runs ------------------------------------------------------------------

    def plan(self, u: Understanding, state: DialogState, photo: bool = False) -> Plan:
        photos = CATALOG.photo_route
        if photo and photos and photos[1] in self.inputs:  # a photo has no words to classify: it is for the try-on
            return Plan(Decision(*photos, {}, 1.0), text=u.text)
        if u.intent == OTHER_LANGUAGE:
            reply = language_reply(u.language, self.languages)
            return Plan(Decision(u.intent, "language", {"language": u.language}, u.confidence), reply=reply, text=u.text)
        chosen = state.offered.get(_key(u.text))
        if chosen and "answer" in chosen and state.awaiting:
            return self._answer(state.awaiting, chosen["answer"], u) or self._route(u, state)
        if chosen and "intent" in chosen:
            text = chosen.get("text", u.text)
            u = dataclasses.replace(u.as_intent(chosen["intent"], chosen.get("entities")), text=text)
            return self._route(u, state)
        if state.awaiting:
            answer = self._answer(state.awaiting, u.text, u)
            if answer is not None:
                return answer
        if self._ambiguous(u, state) and not self._policy(u, state):
            return self._clarify(u)
        u = dataclasses.replace(u, intent=self._in_context(u, state))
        return self._policy(u, state) or self._route(_with_earlier_question(u, state), state)

    def _policy(self, u: Understanding, state: DialogState) -> Plan | None:
        """A policy question the model read as something else (`agent.dialog_followups`), for the policies skill."""
        args = policy_question(u, state) if "policies" in self.inputs else None
        if args is None:
            return None
        intent = u.intent if u.intent in POLICY_INTENTS else "store_policy"
        return Plan(Decision(intent, "policies", fit(args, self.inputs["policies"]), u.confidence), text=u.text)

    def prepare(self, plan: Plan, state: DialogState) -> None:
        """Clear what this turn replaces: a question not answered now, an offer not taken, an old topic."""
        if plan.new_topic:
            state.new_topic()
        if not plan.answers_question:
            state.awaiting = None
        if plan.decision.skill != "handoff":
            state.handoff_offer = None

    def _answer(self, awaiting: dict[str, Any], text: str, u: Understanding) -> Plan | None:
        skill, argument = awaiting.get("skill"), awaiting.get("argument")
        if skill not in self.inputs or not argument:
            return None
        kind = field_type(self.inputs[skill], argument)
        value = self._value(argument, kind, text, u, awaiting.get("intent"))
        if value is None:
            return None
        given = "email" if argument == "order_number" and value == u.entities.get("email") else argument
        args = {**awaiting.get("args", {}), given: value}
        decision = Decision(awaiting.get("intent", skill), skill, fit(args, self.inputs[skill]), u.confidence)
        return Plan(decision, text=text, answers_question=True)

    def _value(self, argument: str, kind: Any, text: str, u: Understanding, asked_for: str | None) -> Any:
        if kind is not None and bool in getattr(kind, "__args__", (kind,)):
            return yes_or_no(text, u.intent)
        escaping = (u.intent in _ESCAPES - {asked_for} and u.confidence >= 0.6
                    and (u.intent != "search_products" or u.entities.has_product_term))
        values = u.entities.values
        if argument == "order_number":  # a sure intent without a number is a new request, not an answer
            found = values.get("order_number") or values.get("order_reference") or values.get("email")
            sure = u.confidence >= 0.5 and u.intent != "out_of_scope"
            return found or (None if sure else text)
        if argument == "email":  # asked for the e-mail on an order: an address, or whatever was typed
            sure = u.confidence >= 0.5 and u.intent != "out_of_scope"
            return values.get("email") or (None if sure else text)
        if argument == "item" and "position" in values:
            return str(values["position"])
        if "position" in values:  # "the third one" picks anew: it answers no question but "which item?"
            return None
        return None if escaping or u.intent == "human_handoff" else text

    def _ambiguous(self, u: Understanding, state: DialogState) -> bool:
        if u.intent == "out_of_scope" or not u.runner_up or u.runner_up == "out_of_scope":
            return False
        if u.margin >= self.config.clarify_margin:
            return False
        if {u.intent, u.runner_up} == {"recommend", "search_products"} and _shopping_request(u):
            return False  # a stated request is searched for (see _in_context)
        first, second = CATALOG.skill_for(u.intent), CATALOG.skill_for(u.runner_up)
        return first != second and not {u.intent, u.runner_up} <= _SHOPPING

    def _clarify(self, u: Understanding) -> Plan:
        reply = clarifying_question(u.intent, u.runner_up)
        offered = {label(i).lower(): {"intent": i, "text": u.text, "entities": u.entities.values}
                   for i in (u.intent, u.runner_up)}
        return Plan(Decision(u.intent, "clarify", {}, u.confidence), reply=reply, text=u.text, offered=offered)

    def _in_context(self, u: Understanding, state: DialogState) -> str:
        """The intent, corrected by what the conversation holds."""
        entities, intent = u.entities, u.intent
        if intent not in ("human_handoff", "complaint") and explicit_request(u.text):
            return "human_handoff"  # "get me an agent" is a request, whatever else the model thought
        if state.results and _asks_about_shown(u, state):
            return "product_question"
        if state.results and intent == "out_of_scope" and "position" in entities.values:
            return "product_question"  # "does the first one have noise cancelling?", "and the second?"
        follow_up = not entities.has_product_term and (entities.has_attribute or refine_change(u.reading)
                                                       or "sort" in entities.values)
        if intent in ("search_products", "refine", "out_of_scope") and follow_up and state.search:
            size_only = not any(name in entities.values for name in _NOT_SIZE)
            return "select" if size_only and "size" in entities.values and state.selected else "refine"
        if intent in ("refine", "select", "product_question", "compare") and entities.has_product_term \
                and not state.results:
            return "search_products"  # "what's your most expensive watch?" with nothing shown yet: a search
        if intent in ("select", "describe_product", "product_question") and follow_up and state.search and not state.selected \
                and not {"position", "reference"} & set(entities.values):
            return "refine"  # "in size M" after a search, with nothing picked: narrow the results
        if intent == "recommend" and _shopping_request(u):
            return "search_products"  # "gift ideas for a 10 year old": a request to search, not "for you" picks
        return intent

    def _route(self, u: Understanding, state: DialogState) -> Plan:
        intent = u.intent
        if state.handoff_offer and intent in ("affirm", "deny", "human_handoff"):
            action = "decline" if intent == "deny" else "accept"
            return Plan(Decision(intent, "handoff", {"action": action, "reason": state.handoff_offer}, u.confidence),
                        text=u.text)
        skill = CATALOG.skill_for(intent)
        if skill not in self.inputs:
            return Plan(Decision(intent, skill, {}, u.confidence), reply=unavailable(intent), text=u.text)
        args = fit(arguments_for(intent, u, state), self.inputs[skill])
        new_topic = intent == "search_products" and _new_topic(u, state)
        return Plan(Decision(intent, skill, args, u.confidence), text=u.text, new_topic=new_topic)

    # -- after the skill ran --------------------------------------------------------------------

    def conclude(self, u: Understanding, plan: Plan, result: SkillResult, state: DialogState,
                 error: bool) -> SkillResult:
        failed = error or _failed(plan, result)
        if failed is not None:
            state.failed_turns = state.failed_turns + 1 if failed else 0
        state.apply(result.slots)
        state.handoff = escalated(state.handoff, u.sentiment, state) or state.handoff
        if plan.decision.skill == "handoff" and plan.decision.arguments.get("action") == "decline":
            state.declined_turn = state.turns
        result = self._maybe_offer(u, plan, result, state, error)
        state.offered = {**plan.offered, **_offered(result, state)}
        state.turns += 1
        state.last_intent = plan.decision.intent
        state.sentiment = u.sentiment.compound
        state.remember({"text": u.text[:200], "intent": plan.decision.intent, "skill": plan.decision.skill,
                        "confidence": round(u.confidence, 3), "sentiment": u.sentiment.compound,
                        "reply": result.text[:200]}, self.config.history_turns)
        return result

    def _maybe_offer(self, u: Understanding, plan: Plan, result: SkillResult, state: DialogState,
                     error: bool) -> SkillResult:
        if plan.decision.skill == "handoff" or TALK_TO_A_PERSON in result.quick_replies:
            return result
        productive = plan.decision.intent in _SHOPPING and bool(result.products)
        reason = self.handoff.reason(u.sentiment, state, error, productive)
        if reason is None:
            return result
        state.handoff_offer = reason
        return dataclasses.replace(result, text=f"{result.text}\n\n{OFFER_TEXT[reason]}".strip(), quick_replies=OFFER)


def _shopping_request(u: Understanding) -> bool:
    """A message that states what to find (a product, who or what it is for, a sort), about no shown product."""
    values = u.entities.values
    stated = u.entities.has_product_term or u.entities.has_request_words or "occasion" in values
    return stated and not {"position", "reference"} & set(values)


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def _new_topic(u: Understanding, state: DialogState) -> bool:
    if not state.search or not u.entities.has_product_term:
        return False
    before = (state.search.get("product_type"), state.search.get("category"))
    now = (u.entities.get("product_type"), u.entities.get("category"))
    return now != before


def _asks_about_shown(u: Understanding, state: DialogState) -> bool:
    """"Which of those is the cheapest?", "are any of them leather?": a question about the products on screen."""
    scope = about_shown(u.reading)
    if u.entities.get("position") is not None or not scope:
        return False
    if u.entities.has_product_term and _new_topic(u, state):
        return False
    if scope == "it":
        return u.intent in _UNSURE or u.intent == "product_question"
    ranked = scope == "set" and ranking_in(u.reading) is not None
    return u.intent in _ASKABLE or (ranked and u.intent in ("compare", "recommend"))


def _with_earlier_question(u: Understanding, state: DialogState) -> Understanding:
    """"And the second?" after "what sizes does the first come in?": the question asked before, about the
    product this message names."""
    last = state.history[-1] if state.history else {}
    if u.intent != "product_question" or last.get("intent") != "product_question" or len(u.text.split()) > 4:
        return u
    asked = [word for word in content_words(str(last.get("text", ""))) if word not in content_words(u.reading)]
    return dataclasses.replace(u, read=f"{u.reading.rstrip(' ?')} {' '.join(asked)}?".strip()) if asked else u


def _failed(plan: Plan, result: SkillResult) -> bool | None:
    """Whether the turn failed the shopper; None when it neither helped nor failed (a clarifying question)."""
    if plan.decision.skill in ("clarify", "language"):
        return None
    if result.data.get("failed") or plan.decision.intent == "out_of_scope":
        return True
    return plan.decision.skill in ("search", "refine") and not result.products


def _offered(result: SkillResult, state: DialogState) -> dict[str, dict[str, Any]]:
    """What each quick reply of this turn means when the shopper taps (or types) it."""
    offered = {}
    for title in result.quick_replies:
        if _key(title) in _OFFER_MEANING:
            offered[_key(title)] = _OFFER_MEANING[_key(title)]
        elif state.awaiting:
            offered[_key(title)] = {"answer": title}
    return offered
