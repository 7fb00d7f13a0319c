"""The contract of a skill: typed input, an async run, a typed result."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

from knowledge.media import Attachment
from knowledge.product import Product


async def _no_progress(text: str) -> None:
    return None


@dataclass(slots=True)
class SkillContext:
    """What a skill may read and update about the conversation it serves.

    `attachments` are the files the shopper sent with this message (photos); `progress(text)` shows
    the shopper an interim message while a slow skill works, where the channel can (the web widget);
    `stream(delta)`, where set, shows the reply as it is written (an LLM-worded reply, checked piece by
    piece before each piece is sent).
    """

    conversation_id: str
    text: str
    slots: dict[str, Any] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()
    progress: Callable[[str], Awaitable[None]] = _no_progress
    role: str = "shopper"  # "merchant" only where a channel authenticated the shop's staff
    stream: Callable[[str], Awaitable[None]] | None = None
    client: str = ""  # the client's network address, where the channel knows it (per-address limits)


@dataclass(frozen=True, slots=True)
class SkillResult:
    """What a skill did. The responder turns it into messages; nothing else is shown."""

    text: str
    products: tuple[Product, ...] = ()
    quick_replies: tuple[str, ...] = ()
    slots: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    image: str = ""  # a URL the channels can show (a generated try-on image)


class Skill(Protocol):
    """A skill declares its input type (a frozen dataclass) and runs on one instance of it."""

    name: ClassVar[str]
    description: ClassVar[str]
    Input: ClassVar[type]

    async def run(self, args: Any, ctx: SkillContext) -> SkillResult: ...


# -- what a skill declares about itself (its folder's `declaration.py`) ---------------------------

class Entities(Protocol):
    """The entities found in a message (`agent.nlu.entities.Entities`): ``values`` by entity name."""

    values: dict[str, Any]
    search_text: str


class Reading(Protocol):
    """One message as the NLU understood it (`agent.nlu.understanding.Understanding`)."""

    text: str  # as the shopper wrote it
    intent: str
    entities: Entities
    sentiment: Any  # `.compound` in [-1, 1], `.frustrated`

    @property
    def reading(self) -> str: ...  # the text with its typos corrected


class Conversation(Protocol):
    """What an argument filler may read of the conversation so far (`agent.state.DialogState`)."""

    history: list[dict[str, Any]]
    handoff_offer: str | None


ArgumentFiller = Callable[[Reading, Conversation], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class IntentDeclaration:
    """One intent a skill serves, and what the dialog needs to know about it.

    ``arguments`` fills the skill's input from the message and the conversation (None: the skill gets
    ``{"intent": name}``; the dialog keeps only what the skill's input type declares). ``label`` is how
    the intent is offered as a quick reply ("Track an order"); ``cannot`` finishes "Sorry, I can't ..."
    when the shop has not switched the skill on. ``shopping`` intents browse the catalog (two of them
    are never asked apart, and products shown make the turn a success); ``escape`` intents start a new
    request even while the assistant waits for an answer; ``merchant`` intents are for the shop's staff.
    """

    name: str
    label: str = ""
    arguments: ArgumentFiller | None = None
    cannot: str = ""
    shopping: bool = False
    escape: bool = False
    merchant: bool = False


@dataclass(frozen=True, slots=True)
class SkillParts:
    """What every skill may be built from: the catalog's retriever and the folder beside the catalog."""

    retriever: Any  # knowledge.retriever.Retriever
    catalog_dir: Path | None = None


@dataclass(frozen=True, slots=True)
class SkillDeclaration:
    """Everything the agent and the NLU know about one skill, declared in the skill's own folder.

    ``nlu`` is a Rasa NLU YAML file with the training examples of ``intents``; ``build`` makes the skill
    from the shared parts (skills that need their own configuration are built by the agent's setup
    instead, and leave it None). A message with photos has no words to classify: it goes to the skill
    that sets ``photo_intent``.
    """

    name: str
    intents: tuple[IntentDeclaration, ...] = ()
    nlu: Path | None = None
    build: Callable[[SkillParts], Skill] | None = None
    photo_intent: str = ""  # set by the skill that takes a message's photos (try-on): the intent such a turn gets


def about_one_product(u: Reading, state: Conversation) -> dict[str, Any]:
    """For skills about one product: the position named, else nothing (they fall back on the one in focus)."""
    position = u.entities.values.get("position")
    asked = {"question": u.reading, "query": u.reading}
    return {"position": position, **asked} if position is not None else asked
