"""Photos and yes/no answers: what the dialog policy needs to route messages without words to classify.

A photo carries no words, and "yes" means nothing without the question before it, so the dialog
policy (`agent/dialog.py`) routes both before the intent model:

- a message with attachments goes to the skill that declares it takes photos (`photo_intent`);
- a skill that asks a yes/no question sets the `awaiting_answer` slot to
  `{"skill": ..., "argument": ..., "intent": ...}`; a clear yes or no (`answer_in`) fills that
  skill's `bool` argument on the next message.

>>> answer_in("Yes, use my photo"), answer_in("No, thanks"), answer_in("blue jeans")
(True, False, None)
"""
from __future__ import annotations

import re

from agent.types import UserMessage

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


def turn_text(message: UserMessage) -> str:
    """What the transcript keeps of a user turn: the text, or a note that a photo was sent."""
    if message.attachments and not message.text.strip():
        return PHOTO_NOTE
    return message.text
