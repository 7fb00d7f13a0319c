"""`aisle llm-serve`: the OpenAI-compatible chat-completions server over the local model (`app`).

Not a shoppers' channel: one GPU box runs it, and the chat servers' `llm.backend: openai` calls it.
"""
