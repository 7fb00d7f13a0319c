"""One message as the router read it: what the dialog policy, the argument builders and the LLM router
all work from. Its own module, so that what reads an `Understanding` need not import the router."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from agent.nlu.entities import Entities
from agent.nlu.sentiment import Sentiment


@dataclass(frozen=True)
class Understanding:
    """One message as the router read it: the two best intents, the entities, the mood."""

    text: str
    intent: str
    confidence: float
    runner_up: str = ""
    runner_up_confidence: float = 0.0
    entities: Entities = Entities()
    sentiment: Sentiment = Sentiment(0.0)
    language: str = ""  # set when the message is surely in a language the intent model does not understand
    read: str = ""  # the text with its typos corrected (`knowledge.spelling`), when that differs from `text`

    @property
    def reading(self) -> str:
        """The words as the router read them: what rules on the request's wording should look at."""
        return self.read or self.text

    @property
    def margin(self) -> float:
        return self.confidence - self.runner_up_confidence

    def as_intent(self, intent: str, entities: Mapping | None = None) -> Understanding:
        """The same message, with the intent the shopper chose (a quick reply) and, if kept, earlier entities."""
        kept = Entities({**entities}, self.entities.parsed) if entities is not None else self.entities
        return replace(self, intent=intent, confidence=1.0, runner_up="", runner_up_confidence=0.0, entities=kept)
