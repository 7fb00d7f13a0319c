"""The embedding router: intent from the trained head, entities from the catalog's lexicon and regexes.

    router = EmbeddingRouter(embedder, intent_model, lexicon, threshold=0.35)
    router.understand("show me red sneakers under 80 dollars").intent
    # -> 'search_products'
    router.decide("show me red sneakers under 80 dollars")
    # -> Decision(intent='search_products', skill='search', arguments={'query': 'red sneakers', 'colour': 'red', ...})

`understand` is what the dialog policy (`agent/dialog.py`) works from: both best intents with
their confidences, the entities and the shopper's sentiment. `decide` maps a message on its own,
without a conversation, to a skill: the dialog does the same with the conversation's state.
"""
from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import replace

from agent.nlu.entities import ATTRIBUTES, PRODUCT_TERMS, EntityExtractor
from agent.nlu.intent_model import IntentModel
from agent.nlu.language import OTHER_LANGUAGE, LanguageDetector
from agent.nlu.long_message import SentenceReading, is_long, request_span, sentences
from agent.nlu.sentiment import SentimentAnalyzer
from agent.nlu.understanding import Understanding
from agent.parts import Reading, TurnContext
from agent.skill_catalog import CATALOG
from agent.state import DialogState
from agent.types import Decision
from knowledge.embedders import Embedder
from knowledge.query_parse import Lexicon
from knowledge.spelling import Speller

INTENT_SKILLS = CATALOG.intent_skills  # each intent's skill, as the skills declare them (`agent.skill_catalog`)


BOUNDS = ("size", "sizes", "min_price", "max_price")  # what makes a long message's follow-up sentence part of the ask


class EmbeddingRouter:
    def __init__(self, embedder: Embedder, model: IntentModel, lexicon: Lexicon, threshold: float = 0.35,
                 regexes: Mapping[str, Sequence[str]] | None = None, sentiment: SentimentAnalyzer | None = None,
                 language: LanguageDetector | None = None, understood: Sequence[str] = ("en",)):
        self.embedder = embedder
        self.model = model
        self.lexicon = lexicon  # replaced when the catalog changes
        self.threshold = threshold
        self.extractor = EntityExtractor(regexes)
        self.sentiment = sentiment or SentimentAnalyzer()
        self.language = language
        self.understood = frozenset(understood)
        self._speller: Speller | None = None

    @property
    def speller(self) -> Speller:
        """The typo corrector for the current lexicon, rebuilt when the catalog (and so the lexicon) changes."""
        if self._speller is None or self._speller.lexicon is not self.lexicon:
            self._speller = Speller(self.lexicon)
        return self._speller

    def understand(self, text: str) -> Understanding:
        """The message read whole; a long one by its request sentence (`agent.nlu.long_message`)."""
        language = self._language(text)
        if language and language not in self.understood:  # the head would guess; confidence 0 lets an LLM read it
            return Understanding(text, OTHER_LANGUAGE, 0.0, entities=self.extractor.extract(text, self.lexicon),
                                 language=language)
        english = not language and (self.language is None or self.language.default == "en")
        read = self.speller.correct(text) if english else text  # the speller's word lists are English
        understood = self._understand_long(read) if is_long(read) else self._understand(read)
        return replace(understood, text=text, read=read if read != text else "")

    async def read(self, text: str, turn: TurnContext) -> Reading:
        """The agent's call (`agent.parts.Router`): the message alone; the conversation is not read."""
        return Reading(await asyncio.to_thread(self.understand, text))

    def _understand_long(self, text: str) -> Understanding:
        parts = sentences(text)
        readings = []
        for part, score in zip(parts, self.model.predict(self.embedder.embed(parts))):
            found = self.extractor.extract(part, self.lexicon).values
            intent = score.intent if score.confidence >= self.threshold else "out_of_scope"
            readings.append(SentenceReading(part, intent, score.confidence, any(k in found for k in PRODUCT_TERMS),
                                            any(k in found for k in ATTRIBUTES), "order_number" in found,
                                            any(k in found for k in BOUNDS)))
        span = request_span(readings)
        focus = " ".join(parts[span[0]:span[1]]) if span else text
        return replace(self._understand(focus), sentiment=self.sentiment.score(text))

    def _understand(self, text: str) -> Understanding:
        score = self.model.predict(self.embedder.embed([text]))[0]
        entities = self.extractor.extract(text, self.lexicon)
        intent, runner_up = score.intent, (score.runner_up, score.runner_up_confidence)
        if score.confidence < self.threshold:
            intent, runner_up = "out_of_scope", ("", 0.0)  # too unsure to weigh a second intent against it
            if entities.has_product_term or entities.has_request_words:
                intent = "search_products"  # the catalog's own words outweigh a weak intent score
            elif "order_number" in entities.values:
                intent = "order_status"
        return Understanding(text, intent, score.confidence, *runner_up, entities, self.sentiment.score(text))

    def _language(self, text: str) -> str:
        """The message's language when the detector is sure it is not the shop's own, else ''."""
        if self.language is None:
            return ""
        detected = self.language.detect(text)
        return detected.language if detected.confidence else ""

    def decide(self, text: str) -> Decision:
        """A decision from this message alone (no conversation): the intent's skill and its arguments."""
        understanding = self.understand(text)
        skill = CATALOG.skill_for(understanding.intent)
        arguments = CATALOG.arguments(understanding.intent, understanding, DialogState())
        return Decision(understanding.intent, skill, arguments, understanding.confidence)
