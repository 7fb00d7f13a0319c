"""LLM backends for the dialog core: one interface (`agent.llm.types`), a local Hugging Face model
with dynamic batching (`agent.llm.local`), any OpenAI-compatible server (`agent.llm.openai`), tool
calls parsed and validated (`agent.llm.toolcalls`) or constrained by construction
(`agent.llm.constrain`), the LLM router and the grounded responder built on them."""
