"""The OpenAI-compatible chat-completions server over the local model (`app`), run by `aisle llm-serve`
(`channels.cli.llm_serve`).

Not a shoppers' channel: one GPU box runs it, and the chat servers' `llm.backend: openai` calls it.
"""
