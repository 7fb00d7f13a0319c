"""The embedding router: intent from the trained head, entities from the catalog's lexicon.

>>> router = EmbeddingRouter(embedder, intent_model, lexicon, threshold=0.35)
>>> router.decide("show me red sneakers under 80 dollars")
Decision(intent='search_products', skill='search', arguments={'query': '', 'colour': 'red', ...})
"""
from __future__ import annotations

from knowledge.embedders import Embedder
from knowledge.query_parse import Lexicon, ParsedQuery, parse_query

from agent.nlu.intent_model import IntentModel
from agent.types import Decision

INTENT_SKILLS = {
    "search_products": "search",
    "greet": "smalltalk",
    "help": "smalltalk",
    "thanks": "smalltalk",
    "goodbye": "smalltalk",
    "out_of_scope": "out_of_scope",
}
_PRODUCT_TERMS = ("product_type", "category", "brand")
_FILTER_FIELDS = {"colours": "colour", "categories": "category", "product_types": "product_type",
                  "brands": "brand", "genders": "gender"}


class EmbeddingRouter:
    def __init__(self, embedder: Embedder, model: IntentModel, lexicon: Lexicon, threshold: float = 0.35):
        self.embedder = embedder
        self.model = model
        self.lexicon = lexicon
        self.threshold = threshold

    def decide(self, text: str) -> Decision:
        score = self.model.predict(self.embedder.embed([text]))[0]
        parsed = parse_query(text, self.lexicon)
        intent = score.intent if score.confidence >= self.threshold else "out_of_scope"
        if intent == "out_of_scope" and any(term in parsed.matched for term in _PRODUCT_TERMS):
            intent = "search_products"  # the catalog's own words outweigh a weak intent score
        skill = INTENT_SKILLS.get(intent, "out_of_scope")
        return Decision(intent, skill, self._arguments(skill, intent, text, parsed), score.confidence)

    def _arguments(self, skill: str, intent: str, text: str, parsed: ParsedQuery) -> dict:
        if skill == "smalltalk":
            return {"intent": intent}
        if skill != "search":
            return {}
        arguments: dict = {"query": parsed.search_text}
        for attribute, name in _FILTER_FIELDS.items():
            values = sorted(getattr(parsed.filter, attribute))
            if values:
                arguments[name] = values[0]
        if parsed.filter.min_price is not None:
            arguments["min_price"] = parsed.filter.min_price
        if parsed.filter.max_price is not None:
            arguments["max_price"] = parsed.filter.max_price
        return arguments
