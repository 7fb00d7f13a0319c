"""What the assistant remembers about one conversation, kept as JSON in the conversation store.

    state = DialogState.from_dict(await store.load_state("rest:alice"))
    state.search, state.results[:2], state.selected
    # -> ({'query': 'running shoes', 'product_type': 'running shoes', ...}, ['sku-00012', 'sku-00340'], None)
    await store.save_state("rest:alice", state.to_dict())

Skills read and write the same state as a flat dict (`SkillContext.slots`, `SkillResult.slots`)
under these keys:

- ``last_search``: the accumulated shopping request (the fields of `skills.request.SearchInput`, lists for
  its tuples); it holds across turns until the shopper changes it
- ``shopping_for``: who the shopping is for (``recipient``, ``gender``, ``age_group``, ``interest``); unlike
  ``last_search`` it survives a new topic (kept in ``extra``)
- ``last_results``: ids of the products shown last, in the order shown ("the second one")
- ``selected``, ``size``: the product the shopper picked, and the size they asked for
- ``customer``, ``email``: who the shopper is, when known (for order questions)
- ``awaiting_answer``: a question a skill asked and the argument the answer fills:
  ``{"intent", "skill", "argument", "args"}``; ``args`` are the arguments gathered so far (slot
  filling across turns). A yes/no answer fills a ``bool`` argument.
- ``handoff``: ``{"status": "requested"|"active"|..., "reason", "ts"}`` once a person is asked to take over
- ``handoff_offer``: why a person was just offered, while the offer is open

Keys a skill sets that are not listed here are kept as they are (`extra`).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

_KEYS = {
    "last_search": "search", "last_results": "results", "selected": "selected", "size": "size",
    "customer": "customer", "email": "email", "awaiting_answer": "awaiting", "offered": "offered",
    "handoff": "handoff", "handoff_offer": "handoff_offer", "handoff_declined_turn": "declined_turn",
    "failed_turns": "failed_turns", "turns": "turns", "last_intent": "last_intent",
    "sentiment": "sentiment", "history": "history",
}
_FIELDS = {value: key for key, value in _KEYS.items()}


@dataclass
class DialogState:
    search: dict[str, Any] | None = None
    results: list[str] = field(default_factory=list)
    selected: str | None = None
    size: str | None = None
    customer: str | None = None
    email: str | None = None
    awaiting: dict[str, Any] | None = None
    offered: dict[str, dict[str, Any]] = field(default_factory=dict)  # quick-reply title (lower) -> meaning
    handoff: dict[str, Any] | None = None
    handoff_offer: str | None = None
    declined_turn: int | None = None
    failed_turns: int = 0
    turns: int = 0
    last_intent: str | None = None
    sentiment: float = 0.0
    history: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DialogState:
        state = cls()
        state.apply(data)
        return state

    def to_dict(self) -> dict[str, Any]:
        data = dict(self.extra)
        data.update({key: getattr(self, name) for key, name in _KEYS.items()})
        return data

    def apply(self, slots: dict[str, Any]) -> None:
        """Take what a skill (or the stored JSON) says; unknown keys are kept in `extra`."""
        for key, value in slots.items():
            name = _KEYS.get(key)
            if name is None:
                self.extra[key] = value
            else:
                default = _default(name)
                setattr(self, name, default if value is None and default is not None else value)

    @property
    def human_holds(self) -> bool:
        """A person has taken the conversation over: the assistant stays silent."""
        return bool(self.handoff) and self.handoff.get("status") == "active"

    def new_topic(self) -> None:
        """The shopper moved on to something else: forget the search and the pick, keep who they are."""
        self.search, self.results, self.selected, self.size = None, [], None, None

    def remember(self, entry: dict[str, Any], keep: int) -> None:
        self.history = (self.history + [entry])[-keep:] if keep else []


def _default(name: str) -> Any:
    spec = next(f for f in dataclasses.fields(DialogState) if f.name == name)
    if spec.default_factory is not dataclasses.MISSING:
        return spec.default_factory()
    return spec.default
