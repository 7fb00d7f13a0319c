"""Turns what a skill did into the messages a shopper sees: only what the skill returned."""
from __future__ import annotations

from agent.types import BotMessage, QuickReply
from skills.base import SkillResult


def respond(result: SkillResult) -> list[BotMessage]:
    quick = tuple(QuickReply(title, title) for title in result.quick_replies)
    return [BotMessage(text=result.text, products=result.products, image=result.image, quick_replies=quick,
                       cart=result.data.get("cart"))]


def message_payload(message: BotMessage) -> dict:
    """What the store keeps of a bot message, enough to show the transcript again."""
    payload = {
        "products": [p.id for p in message.products],
        "quick_replies": [q.title for q in message.quick_replies],
    }
    if message.image:
        payload["image"] = message.image  # a signed link: it stops working when the image is deleted
    if message.cart is not None:
        payload["cart"] = message.cart  # the widget's badge after a reload
    return payload
