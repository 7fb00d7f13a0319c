"""A product out of stock is not tried on unless the shopper asks for it anyway."""
from __future__ import annotations

import dataclasses

from agent.core import Agent
from agent.store import SQLiteStore
from agent.tryon_setup import open_tryon
from agent.types import UserMessage
from knowledge.retriever import Retriever
from skills.registry import SkillRegistry
from skills.search import SearchSkill
from skills.smalltalk import SmalltalkSkill
from skills.tryon import replies
from tests.tryon.kit import KeywordRouter


async def test_an_out_of_stock_garment_is_not_tried_on_unless_asked_anyway(wardrobe, tryon_config, tmp_path):
    catalog, folder = wardrobe
    sold_out = {"tee-red"}

    def lookup(product_id):
        product = catalog.by_id(product_id)
        return dataclasses.replace(product, stock=0) if product and product.id in sold_out else product

    store = SQLiteStore.open(tmp_path / "aisle.db")
    try:
        async with open_tryon(tryon_config()) as kit:
            skills = SkillRegistry()
            skills.register(SearchSkill(Retriever(catalog), 4))
            skills.register(SmalltalkSkill())
            skills.register(kit.skill(lookup, folder))
            agent = Agent(KeywordRouter(), skills, store, catalog, media_root=folder, media=kit.media,
                          tryon_inbox=kit.inbox)

            async def say(text):
                [reply] = await agent.handle(UserMessage("ola", text, channel="webchat"))
                return reply

            found = await say("red cotton t-shirt")
            position = [p.id for p in found.products].index("tee-red") + 1
            refused = await say(f"try number {position} on me")
            assert "out of stock" in refused.text and "Send me a photo" not in refused.text
            assert [q.title for q in refused.quick_replies] == list(replies.AFTER_OUT_OF_STOCK)
            anyway = await say("try it on anyway")
            assert "Send me a photo of yourself" in anyway.text and anyway.products[0].id == "tee-red"
            in_stock = await say("blue straight jeans")
            position = [p.id for p in in_stock.products].index("jeans-blue") + 1
            assert "Send me a photo" in (await say(f"try number {position} on me")).text
    finally:
        await store.close()
