"""Rendering BotMessages for each wire format, in the one place that does it."""
from __future__ import annotations

from agent.types import BotMessage, QuickReply
from channels.rendering import (
    media_url,
    product_card,
    product_from_dict,
    rasa_messages,
    widget_history,
    widget_message,
)
from knowledge.product import Product

SHOE = Product(id="sku 1/a", title="Runner", price=59.999, image="images/sku 1.png", url="javascript:alert(1)")


def test_media_urls():
    assert media_url("images/sku-00001.png") == "/media/images/sku-00001.png"
    assert media_url("./images/a b.png") == "/media/images/a%20b.png"
    assert media_url("https://cdn.example/a.png") == "https://cdn.example/a.png"
    assert media_url("/static/a.png") == "/static/a.png"
    assert media_url("") == ""
    assert media_url("javascript:alert(1)").startswith("/media/javascript%3A")


def test_product_card_never_links_to_a_script_url():
    card = product_card(SHOE)
    assert card["url"] == "/products/sku%201%2Fa"
    assert card["price"] == 60.0
    assert card["image"] == "/media/images/sku%201.png"


def test_rasa_buttons_hang_on_the_text_when_there_are_no_products():
    replies = [BotMessage(text="Which size?", quick_replies=(QuickReply("9", "size 9"),))]
    assert rasa_messages("u", replies) == [
        {"recipient_id": "u", "text": "Which size?", "buttons": [{"title": "9", "payload": "size 9"}]}
    ]


def test_rasa_image_and_button_only_messages():
    image = rasa_messages("u", [BotMessage(image="tryon/1.png")])
    assert image == [{"recipient_id": "u", "image": "/media/tryon/1.png"}]
    buttons = rasa_messages("u", [BotMessage(quick_replies=(QuickReply("Yes", "/affirm"),))])
    assert buttons == [{"recipient_id": "u", "text": "", "buttons": [{"title": "Yes", "payload": "/affirm"}]}]


def test_widget_message_carries_every_part():
    reply = BotMessage(text="Here", products=(SHOE,), image="a.png", quick_replies=(QuickReply("More", "more"),))
    message = widget_message(reply)
    assert message["text"] == "Here"
    assert message["products"][0]["title"] == "Runner"
    assert message["image"] == "/media/a.png"
    assert message["quick_replies"] == [{"title": "More", "payload": "more"}]


def test_history_rebuilds_cards_from_product_dicts():
    transcript = [
        {"role": "user", "text": "runners", "products": [], "ts": 1.0},
        {"role": "bot", "text": "Found one", "products": [SHOE.to_dict()], "ts": 2.0,
         "quick_replies": [{"title": "More", "payload": "more"}, "junk"]},
    ]
    history = widget_history(transcript)
    assert history[0]["quick_replies"] == []
    assert history[1]["quick_replies"] == [{"title": "More", "payload": "more"}]
    assert [h["role"] for h in history] == ["user", "bot"]
    assert history[1]["products"][0]["image"] == "/media/images/sku%201.png"
    assert product_from_dict(SHOE.to_dict()) == SHOE


def test_cards_and_text_fallbacks_say_when_stock_is_low_or_out():
    from channels.messaging.render import card_subtitle

    plenty, few, none = (Product(id=f"p{n}", title=f"Boot {n}", price=50.0, stock=stock)
                         for n, stock in ((1, 40), (2, 3), (3, 0)))
    cards = widget_message(BotMessage(text="Boots", products=(plenty, few, none)))["products"]
    assert [(c["in_stock"], c["availability"]) for c in cards] == [
        (True, "in stock"), (True, "only 3 left"), (False, "out of stock")]
    fallback = BotMessage(products=(plenty, few, none)).as_text().splitlines()
    assert "left" not in fallback[0] and "only 3 left" in fallback[1] and "out of stock" in fallback[2]
    assert card_subtitle(few).endswith("only 3 left") and card_subtitle(none).endswith("out of stock")
    rest = rasa_messages("u", [BotMessage(products=(none,))])
    assert rest[0]["custom"]["products"][0]["availability"] == "out of stock" and "out of stock" in rest[1]["text"]
