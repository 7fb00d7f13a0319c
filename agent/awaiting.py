"""Decisions made before the intent model: a photo, or the answer to a question a skill just asked.

A photo carries no words to classify, and "yes" means nothing without the question before it, so
neither goes to the router:

- a message with attachments goes to the skill that takes photos (`PHOTO_SKILL`);
- a skill that asks a yes/no question sets the `awaiting_answer` slot to
  `{"skill": ..., "argument": ..., "intent": ...}`; if the next message is a clear yes or no, it goes
  back to that skill as `{argument: True|False}`. The question is open for one message only: anything
  else is routed as usual and the question is dropped.

>>> early_decision(UserMessage("ann", "Yes, use my photo"), {"awaiting_answer": QUESTION})
Decision(intent='try_on', skill='tryon', arguments={'consent': True}, confidence=1.0)
"""
from __future__ import annotations

import re
from typing import Any

from agent.types import Decision, UserMessage

PHOTO_SKILL = "tryon"
PHOTO_INTENT = "share_photo"
AWAITING = "awaiting_answer"
PHOTO_NOTE = "(sent a photo)"

_YES = {"yes", "yeah", "yep", "yup", "sure", "ok", "okay", "alright", "fine", "absolutely", "definitely",
        "agree", "agreed", "please", "certainly", "y"}
_YES_PHRASES = ("go ahead", "do it", "of course", "sounds good", "why not", "i agree")
_NO = {"no", "nope", "nah", "not", "don't", "dont", "never", "stop", "cancel", "n"}
_NO_PHRASES = ("maybe later", "rather not", "no thanks", "no thank you")
_WORDS = re.compile(r"[a-z']+")


def answer_in(text: str) -> bool | None:
    """True for a clear yes, False for a clear no, None for anything else."""
    lowered = text.lower().strip()
    words = _WORDS.findall(lowered)
    if not words or len(words) > 12:
        return None
    if words[0] in _NO or any(lowered.startswith(p) for p in _NO_PHRASES):
        return False
    if words[0] in _YES or any(lowered.startswith(p) for p in _YES_PHRASES):
        return True
    return None


def early_decision(message: UserMessage, state: dict[str, Any]) -> Decision | None:
    """The decision for a photo or an awaited answer; None sends the message to the router.

    Removes the open question from `state` either way: it is asked for one message only.
    """
    question = state.pop(AWAITING, None)
    if message.attachments:
        return Decision(PHOTO_INTENT, PHOTO_SKILL, {}, 1.0)
    if not _is_question(question):
        return None
    answer = answer_in(message.text)
    if answer is None:
        return None
    return Decision(str(question.get("intent", "answer")), question["skill"], {question["argument"]: answer}, 1.0)


def _is_question(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("skill"), str) and isinstance(value.get("argument"), str)


def turn_text(message: UserMessage) -> str:
    """What the transcript keeps of a user turn: the text, or a note that a photo was sent."""
    if message.attachments and not message.text.strip():
        return PHOTO_NOTE
    return message.text
