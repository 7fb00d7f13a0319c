"""The cart as each channel shows it: the widget's and Rasa's cart payload, native checkout buttons elsewhere."""
from __future__ import annotations

from agent.config_channels import ChannelsConfig
from agent.types import BotMessage, QuickReply
from channels.messaging.slack import blocks_for
from channels.messaging.telegram import Telegram
from channels.rendering import rasa_messages, widget_message
from channels.services import ChannelServices

CART = {"count": 3, "total": 57.0, "currency": "USD", "checkout_url": "https://shop.example/checkout?cart=c1",
        "lines": [{"product_id": "p1", "title": "Trail Boot", "size": "9", "quantity": 1, "unit_price": 45.0,
                   "total": 45.0}, {"product_id": "p2", "title": "Mug", "size": "", "quantity": 2,
                                    "unit_price": 6.0, "total": 12.0}]}
CHECKOUT = BotMessage(text=f"Great! Check out here: {CART['checkout_url']}", cart=CART,
                      quick_replies=(QuickReply("View my cart", "View my cart"),))


def test_the_widget_and_rasa_get_the_cart_and_a_script_link_never_passes():
    assert widget_message(CHECKOUT)["cart"]["lines"][0] == {**CART["lines"][0]}
    items = rasa_messages("u1", [CHECKOUT])
    assert {"recipient_id": "u1", "custom": {"type": "cart", "cart": widget_message(CHECKOUT)["cart"]}} in items
    evil = BotMessage(text="cart", cart={**CART, "checkout_url": "javascript:alert(1)"})
    assert widget_message(evil)["cart"]["checkout_url"] == ""
    assert "cart" not in widget_message(BotMessage(text="hello"))


async def test_messaging_apps_get_checkout_as_a_link_button_and_the_rest_as_text_and_buttons():
    services = ChannelServices(ChannelsConfig(public_base_url="https://aisle.example"))
    slack = blocks_for(CHECKOUT, services)
    actions = next(block for block in slack if block["type"] == "actions")["elements"]
    assert actions[0]["url"] == CART["checkout_url"] and actions[1]["value"] == "View my cart"
    telegram = await Telegram(services, "https://api.telegram.invalid", "t").render("42", CHECKOUT)
    keyboard = telegram[-1][1]["reply_markup"]["inline_keyboard"]
    assert keyboard[0] == [{"text": "Checkout", "url": CART["checkout_url"]}]
    added = BotMessage(text="Added 1 × Mug to your cart.", cart=CART, quick_replies=(QuickReply("Checkout", "Checkout"),))
    assert all("url" not in e for b in blocks_for(added, services) if b["type"] == "actions" for e in b["elements"])
