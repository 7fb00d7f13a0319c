"""Conversation stores: where conversations, their state and every message live."""
from agent.store.base import ConversationStore, Turn
from agent.store.sqlite import SQLiteStore

__all__ = ["ConversationStore", "Turn", "SQLiteStore"]
