"""Replies worded by the LLM from the skill's result only, and checked before a shopper sees them.

    responder = LLMResponder(llm, catalog_titles=titles, brands=brands, timeout_s=5)
    result = await responder.phrase(skill_result, "red sneakers under 80")

The LLM gets the skill's own reply and the returned products' facts, nothing else. Its wording is
then checked (`agent.llm.grounding`): a product, price, stock figure or number the skill did not
return, and the shopper sees the skill's own text instead. So do they when the LLM is slow or
failing. Every replacement is counted in `stats` and logged with what was caught.

`PhrasedSkill` puts a responder behind a skill, so the turn loop needs no change.
"""
from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import re
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, ClassVar

from agent.llm.grounding import facts_of, ungrounded
from agent.llm.types import BackendUnavailable, ChatRequest, LLMBackend, LLMError
from skills.base import SkillContext, SkillResult

log = logging.getLogger(__name__)

Stream = Callable[[str], Awaitable[None]]
PHRASED_SKILLS = ("search", "recommend")  # answers that list products, where wording helps most
SYSTEM_PROMPT = (
    "You word a shop assistant's reply. Rewrite the reply below for the shopper in one or two friendly "
    "sentences. Use only the facts given: never add a product, a brand, a price, a stock figure or any "
    "other number that is not in them."
)


class LLMResponder:
    def __init__(self, llm: LLMBackend, catalog_titles: Iterable[str] = (), brands: Iterable[str] = (),
                 timeout_s: float = 10.0, max_tokens: int = 120, adapter: str | None = None):
        self.llm = llm
        self.catalog_titles = list(catalog_titles)
        self.brands = sorted({b for b in brands if b})
        self.timeout_s = timeout_s
        self.max_tokens = max_tokens
        self.adapter = adapter or None
        self.stats: Counter[str] = Counter()

    async def phrase(self, result: SkillResult, user_text: str, stream: Stream | None = None) -> SkillResult:
        """`result` with the LLM's wording when that wording is grounded; otherwise `result` as it was.
        With `stream`, checked sentences are sent to it as they are written."""
        if not result.text:
            return result
        facts = json.dumps(facts_of(result), ensure_ascii=False)
        request = ChatRequest([{"role": "system", "content": SYSTEM_PROMPT},
                               {"role": "user", "content": f"Shopper: {user_text}\nFacts: {facts}"}],
                              max_tokens=self.max_tokens, timeout_s=self.timeout_s, adapter=self.adapter)
        try:
            async with asyncio.timeout(self.timeout_s):
                if stream is None:
                    text = (await self.llm.complete(request)).text.strip()
                else:
                    text = await self._streamed(request, result, user_text, stream)
        except _Caught as caught:
            return self._kept(result, "ungrounded", caught.detail)
        except TimeoutError:
            return self._kept(result, "timeout", f"no answer within {self.timeout_s:g}s")
        except (LLMError, BackendUnavailable) as exc:
            return self._kept(result, "error", str(exc))
        if not text:
            return self._kept(result, "empty", "the LLM said nothing")
        if stream is None and (problems := self._problems(text, result, user_text)):  # streamed: checked there
            return self._kept(result, "ungrounded", problems)
        self.stats["phrased"] += 1
        return dataclasses.replace(result, text=text)

    async def _streamed(self, request: ChatRequest, result: SkillResult, user_text: str, stream: Stream) -> str:
        """The whole wording; every sentence that passed the check on the text up to its end is streamed."""
        text, sent = "", 0
        async for chunk in self.llm.stream(request):
            text += chunk.text
            end = _checked_until(text)
            if end > sent:
                if problems := self._problems(text[:end], result, user_text):
                    raise _Caught(problems)
                await stream(text[sent:end].lstrip() if not sent else text[sent:end])
                sent = end
        whole = text.strip()
        if whole and len(text.rstrip()) > sent:
            if problems := self._problems(whole, result, user_text):
                raise _Caught(problems)
            await stream(text[sent:].rstrip() if sent else whole)
        return whole

    def _problems(self, text: str, result: SkillResult, user_text: str) -> str:
        problems = ungrounded(text, result, user_text, self.catalog_titles, self.brands)
        return "; ".join(p.message for p in problems) + f" in {text!r}" if problems else ""

    def _kept(self, result: SkillResult, reason: str, detail: str) -> SkillResult:
        self.stats[reason] += 1
        log.warning("kept the skill's own reply (%s): %s", reason, detail)
        return result


class _Caught(Exception):
    def __init__(self, detail: str):
        self.detail = detail


_SENTENCE_END = re.compile(r"[.!?…](?=\s)|\n")


def _checked_until(text: str) -> int:
    """Where the last complete sentence of `text` ends (0 when none has ended yet)."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    return ends[-1] if ends else 0


class PhrasedSkill:
    """A skill whose reply the responder words; name, input type and role stay the skill's own."""

    Input: ClassVar[type]

    def __init__(self, skill: Any, responder: LLMResponder):
        self.skill = skill
        self.responder = responder
        self.name = skill.name
        self.description = skill.description
        self.Input = skill.Input  # type: ignore[misc]

    async def run(self, args: Any, ctx: SkillContext) -> SkillResult:
        return await self.responder.phrase(await self.skill.run(args, ctx), ctx.text, ctx.stream)
