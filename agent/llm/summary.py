"""A handoff summary written by the configured LLM, for the colleague who takes the conversation over.

    summarise = LLMSummariser(llm, timeout_s=5)
    await summarise(turns)
    # -> ['Wants to return the blue sneakers from ORD-482913 (too small).', 'Asked for a person twice.']

Only colleagues read it, and the context panel shows the shopper's own words and the shown products
beside it. Whatever goes wrong (no answer in time, an error, an empty or overlong answer) gives None,
and the context builder falls back to the extractive summary (`agent.handoff_context.summary`).
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from agent.llm.types import BackendUnavailable, ChatRequest, LLMBackend, LLMError, LLMTimeout

log = logging.getLogger(__name__)

PROMPT = ("You brief a customer-service colleague who is taking over a shop's chat. In at most four short "
          "lines, one fact each, say what the shopper wants, what they were shown or told, and what is still "
          "open. Use only what the transcript says.")
MAX_TURNS = 24
MAX_LINES = 4


class LLMSummariser:
    def __init__(self, llm: LLMBackend, timeout_s: float = 10.0, max_tokens: int = 160, adapter: str | None = None):
        self.llm, self.timeout_s, self.max_tokens, self.adapter = llm, timeout_s, max_tokens, adapter

    async def __call__(self, turns: Sequence[Any]) -> list[str] | None:
        lines = [f"{_who(t)}: {' '.join(str(t.text).split())[:300]}" for t in turns
                 if t.role in ("user", "bot") and t.text][-MAX_TURNS:]
        if not lines:
            return None
        request = ChatRequest([{"role": "system", "content": PROMPT}, {"role": "user", "content": "\n".join(lines)}],
                              tool_choice="none", max_tokens=self.max_tokens, timeout_s=self.timeout_s,
                              adapter=self.adapter)
        try:
            completion = await asyncio.wait_for(self.llm.complete(request), self.timeout_s)
        except (TimeoutError, LLMTimeout, LLMError, BackendUnavailable) as exc:
            log.warning("the LLM did not summarise the conversation (%s); using the extractive summary", exc)
            return None
        summary = [line.strip(" -•*\t") for line in completion.text.splitlines() if line.strip(" -•*\t")]
        return summary[:MAX_LINES] or None


def _who(turn: Any) -> str:
    if turn.role == "user":
        return "Shopper"
    return (turn.payload or {}).get("agent") or "Assistant"
