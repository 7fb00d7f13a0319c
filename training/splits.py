"""Train and validation splits by conversation: no conversation has turns on both sides.

    train, validation = split_by_conversation(records, validation_share=0.1, seed=0)

Records that share a `conversation_id` (a long conversation exported in pieces, or the prefixes of
one conversation) go to the same side; otherwise a model would be scored on turns it was trained on.
The split is the same for the same ids and seed, whatever order the records come in.
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from agent.errors import ConfigError


def conversation_key(record: dict[str, Any], index: int) -> str:
    return str(record.get("conversation_id") or f"#{index}")


def split_by_conversation(records: Sequence[dict[str, Any]], validation_share: float = 0.1,
                          seed: int = 0) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(train, validation); with two or more conversations, each side gets at least one."""
    if not 0 <= validation_share < 1:
        raise ConfigError(f"validation_share = {validation_share!r} is not valid: expected a share in [0, 1)")
    keys = [conversation_key(record, i) for i, record in enumerate(records)]
    ranked = sorted(set(keys), key=lambda key: _rank(key, seed))
    n_validation = round(len(ranked) * validation_share)
    if validation_share > 0 and len(ranked) >= 2:
        n_validation = min(max(1, n_validation), len(ranked) - 1)
    held = set(ranked[:n_validation])
    train = [r for r, key in zip(records, keys) if key not in held]
    validation = [r for r, key in zip(records, keys) if key in held]
    return train, validation


def straddling(train: Sequence[dict[str, Any]], validation: Sequence[dict[str, Any]]) -> set[str]:
    """Conversation ids found on both sides (empty for a split made here)."""
    return ({conversation_key(r, -1) for r in train if r.get("conversation_id")}
            & {conversation_key(r, -1) for r in validation if r.get("conversation_id")})


def _rank(key: str, seed: int) -> str:
    return hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()
