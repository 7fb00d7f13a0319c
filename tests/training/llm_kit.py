"""What the LLM fine-tuning tests share: the real skill registry over the 200-product demo catalog
(MiniLM index, demo orders, the shop's policies), built the way `aisle serve` builds it."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from agent.config import AisleConfig
from agent.customer_service import open_orders, open_policies, prepare_orders
from agent.runtime import build_skills
from knowledge.catalog_index import CatalogIndex
from knowledge.product import Product
from knowledge.retriever import Retriever
from skills.orders import SQLiteOrderStore
from skills.registry import SkillRegistry


@dataclass
class Shop:
    registry: SkillRegistry
    products: list[Product]
    orders: SQLiteOrderStore
    config: AisleConfig


def open_shop(catalog_path: Path, embedder, folder: Path) -> Shop:
    config = AisleConfig(data_dir=str(folder))
    config = dataclasses.replace(config, catalog=dataclasses.replace(config.catalog, path=str(catalog_path)))
    index = CatalogIndex.open(catalog_path, folder / "index", embedder, progress=False)
    orders = open_orders(config)
    prepare_orders(config, orders, index.products)
    registry = build_skills(Retriever(index), config, None, orders, open_policies(config, embedder))
    return Shop(registry, list(index.products), orders, config)


def subset(registry: SkillRegistry, names: tuple[str, ...]) -> SkillRegistry:
    """A registry of some of the real skills (the same instances)."""
    smaller = SkillRegistry()
    for name in names:
        smaller.register(registry[name])
    return smaller
