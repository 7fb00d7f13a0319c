"""The tools the running assistant offers its LLM, and its catalog, for building training data.

    tools, products = await served_tools(load_config())

The registry is the one `aisle serve` builds (`agent.runtime.open_agent`), so training data names
exactly the tools, arguments and types that serving will show the model. The LLM itself is not
loaded: its backend is switched off for this.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from agent.config import AisleConfig, LLMConfig
from knowledge.product import Product


async def served_tools(config: AisleConfig, progress: bool = True) -> tuple[list[dict[str, Any]], list[Product]]:
    """(tool schemas, catalog products) of the agent as configured."""
    from agent.runtime import open_agent

    async with open_agent(dataclasses.replace(config, llm=LLMConfig()), progress=progress) as agent:
        return agent.skills.tool_schemas(), list(agent.catalog.products)
