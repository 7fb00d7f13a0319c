"""The describe skill's settings (`describe:` in aisle.yml); `agent.config` reads them into `AisleConfig`."""
from __future__ import annotations

from dataclasses import dataclass, field

from skills.describe.style import LENGTHS, TONES
from skills.describe.vocab import DEFAULT_ALLOWED_PHRASES


@dataclass(frozen=True)
class DescribeConfig:
    tone: str = field(default="friendly", metadata={"choices": TONES})
    length: str = field(default="medium", metadata={"choices": LENGTHS})
    max_attempts: int = field(default=3, metadata={"range": (1, 10)})  # LLM drafts before the template writes
    allowed_phrases: tuple[str, ...] = DEFAULT_ALLOWED_PHRASES  # marketing phrases the grounding check skips
    writer: str = field(default="template", metadata={"choices": ("template", "llm")})  # llm: the configured LLM drafts
