"""Whole conversations with the real agent: refinements, picks, orders, policies, clarifying questions, handoff."""
import re
import statistics

from agent.config import DialogConfig
from agent.core import conversation_id
from agent.types import UserMessage
from skills.orders.demo import DEMO_CUSTOMERS, demo_customer_for
from tests.agent.conftest import ORDER_NUMBER, orders_of, say, state_of, titles


async def test_a_shopper_refines_picks_asks_tracks_an_order_and_gets_a_person(agent, shop):
    first = await say(agent, "ana", "sneakers")
    assert first.products and all(p.product_type == "sneakers" for p in first.products)

    cheaper = await say(agent, "ana", "cheaper")
    assert cheaper.products and all(p.product_type == "sneakers" for p in cheaper.products)
    assert max(p.price for p in cheaper.products) < statistics.median(p.price for p in first.products)

    blue = await say(agent, "ana", "in blue?")
    assert blue.products and all(p.colour == "blue" and p.product_type == "sneakers" for p in blue.products)
    assert max(p.price for p in blue.products) <= max(p.price for p in cheaper.products)

    picked = await say(agent, "ana", "the second one, size 9")
    assert picked.products == (blue.products[1],)
    assert "size 9" in picked.text
    state = await state_of(agent, "ana")
    assert state.selected == blue.products[1].id and state.search["colour"] == "blue"

    bigger = await say(agent, "ana", "bigger size")
    assert "size 10" in bigger.text and bigger.products == (blue.products[1],)

    order = await say(agent, "ana", "where is my last order?")
    assert ORDER_NUMBER.search(order.text) and not order.products

    accepted = await say(agent, "ana", "this is useless, get me a person")  # asked for: no "shall I?"
    assert "colleague" in accepted.text and not titles(accepted)
    state = await state_of(agent, "ana")
    assert state.handoff["status"] == "requested" and state.handoff["reason"] == "negative_sentiment"
    recorded = [t for t in await agent.store.transcript(conversation_id("rest", "ana")) if t.role == "handoff"]
    assert recorded and recorded[0].payload["handoff"]["status"] == "requested"
    assert recorded[0].payload["known"]["selected"] == blue.products[1].id
    assert all(t["role"] in ("user", "bot") for t in await agent.transcript("ana", "rest"))


async def test_each_refinement_acts_on_the_results_shown(agent):
    shown = await say(agent, "ben", "sneakers")
    shown_brands = {p.brand for p in shown.products}

    other_brand = await say(agent, "ben", "the first one")
    other_brand = await say(agent, "ben", "a different brand")
    assert other_brand.products and shown.products[0].brand not in {p.brand for p in other_brand.products}

    similar = await say(agent, "ben", "more like this")
    assert similar.products and all(p.product_type == "sneakers" for p in similar.products)
    assert not {p.id for p in similar.products} & {p.id for p in other_brand.products}

    pricier = await say(agent, "ben", "something more premium")
    assert min(p.price for p in pricier.products) > statistics.median(p.price for p in similar.products)

    for_women = await say(agent, "ben", "for women instead")
    assert for_women.products and all(p.gender in ("women", "unisex") for p in for_women.products)

    colours = {p.colour for p in for_women.products}
    others = await say(agent, "ben", "other colours?")
    assert others.products and not colours & {p.colour for p in others.products}
    assert shown_brands  # the search the refinements started from


async def test_a_new_product_type_starts_a_new_topic(agent):
    await say(agent, "cai", "blue sneakers under 100")
    await say(agent, "cai", "the first one")
    fresh = await say(agent, "cai", "I need a tent")
    assert fresh.products and all(p.product_type == "tent" for p in fresh.products)
    state = await state_of(agent, "cai")
    assert state.selected is None and state.search["product_type"] == "tent" and not state.search.get("colour")


async def test_the_conversation_survives_a_restart(shop, tmp_path):
    before = shop.agent(tmp_path)
    shown = await say(before, "dee", "sneakers")
    await before.store.close()
    await orders_of(before).close()

    after = shop.agent(tmp_path)  # a new process would open the same files
    try:
        picked = await say(after, "dee", "the third one")
        assert picked.products == (shown.products[2],)
        cheaper = await say(after, "dee", "cheaper")
        assert cheaper.products and max(p.price for p in cheaper.products) < shown.products[2].price
    finally:
        await after.store.close()
        await orders_of(after).close()


async def test_an_ambiguous_message_gets_a_clarifying_question_not_an_action(shop, tmp_path):
    text = "I have a problem with my order"
    understood = shop.router.understand(text)
    assert understood.margin < 0.25, "the example must stay ambiguous for the intent model"
    agent = shop.agent(tmp_path, DialogConfig(clarify_margin=0.25))
    try:
        question = await say(agent, "eve", text)
        assert "?" in question.text and len(question.quick_replies) == 2 and not question.products
        state = await state_of(agent, "eve")
        assert state.history[-1]["skill"] == "clarify"
        chosen = next(t for t in titles(question) if t == "Track an order")
        answer = await say(agent, "eve", chosen)
        assert ORDER_NUMBER.search(answer.text)
        assert (await state_of(agent, "eve")).history[-1]["skill"] == "order_status"
    finally:
        await agent.store.close()
        await orders_of(agent).close()


async def test_order_status_rejects_a_malformed_number_and_asks_again(agent):
    wrong = await say(agent, "fay", "where is order 12345?")
    assert "12345" in wrong.text and "ORD-123456" in wrong.text and "six digits" in wrong.text
    again = await say(agent, "fay", "ORD-99")
    assert "ORD-99" in again.text and "ORD-123456" in again.text
    assert titles(again) == ["Talk to a person", "No thanks"], "two failed turns in a row offer a person"
    latest = await say(agent, "fay", "where is my last order?")
    number = ORDER_NUMBER.search(latest.text).group(0)
    exact = await say(agent, "fay", f"track {number.lower()} please")
    assert number in exact.text and "placed" in exact.text


async def test_a_return_asks_which_item_and_why_then_opens_it(agent):
    which = await say(agent, "gus", "I want to return something")
    state = await state_of(agent, "gus")
    if state.awaiting and state.awaiting["argument"] == "item":
        which = await say(agent, "gus", titles(which)[0])
    assert "Why" in which.text and "It doesn't fit" in titles(which)
    opened = await say(agent, "gus", "It doesn't fit")
    assert "Return RET-" in opened.text and "refund" in opened.text
    assert (await state_of(agent, "gus")).awaiting is None


def shopper_whose_open_order_is(status: str) -> str:
    """A sender whose demo customer's newest order has ``status`` (demo customers alternate shipped/processing)."""
    emails = [email for _, email in DEMO_CUSTOMERS]
    for n in range(100):
        email = demo_customer_for(conversation_id("rest", f"shopper-{n}"))
        if (emails.index(email) % 2 == 0) == (status == "shipped"):
            return f"shopper-{n}"
    raise AssertionError(status)


async def test_cancelling_needs_a_yes(agent):
    sender = shopper_whose_open_order_is("processing")
    asked = await say(agent, sender, "cancel my order")
    assert titles(asked) == ["Yes, cancel it", "No, keep it"]
    number = re.search(r"Cancel order (ORD-\d{6})", asked.text).group(1)
    kept = await say(agent, sender, "No, keep it")
    assert "left order" in kept.text and (await orders_of(agent).get(number)).status == "processing"
    await say(agent, sender, "I want to cancel my order")
    done = await say(agent, sender, "yes")
    assert "is cancelled" in done.text and (await orders_of(agent).get(number)).status == "cancelled"


async def test_a_shipped_order_cannot_be_cancelled_but_can_be_tracked(agent):
    sender = shopper_whose_open_order_is("shipped")
    refused = await say(agent, sender, "cancel my order")
    assert "already shipped" in refused.text and "return" in refused.text
    tracked = await say(agent, sender, "where is my order?")
    assert "tracking number" in tracked.text


async def test_policy_answers_quote_and_name_their_source_or_offer_a_colleague(agent):
    shipping = await say(agent, "ivy", "how long does delivery take?")
    assert "shipping.md" in shipping.text and "business days" in shipping.text
    refunds = await say(agent, "ivy", "how long do refunds take?")
    assert "returns.md" in refunds.text and "Refunds" in refunds.text
    payment = await say(agent, "ivy", "do you accept apple pay?")
    assert "payment.md" in payment.text and "Apple Pay" in payment.text
    unknown = await say(agent, "ivy", "do you offer student discounts?")
    assert "I don't know" in unknown.text and titles(unknown) == ["Talk to a person", "No thanks"]
    declined = await say(agent, "ivy", "No thanks")
    assert "carry on" in declined.text and (await state_of(agent, "ivy")).handoff is None


async def test_frustration_leads_to_the_offer_of_a_person(agent):
    await say(agent, "jo", "sneakers")
    angry = await say(agent, "jo", "This is ridiculous, nothing you show me is what I asked for!!")
    assert titles(angry) == ["Talk to a person", "No thanks"] and "frustrating" in angry.text
    yes = await say(agent, "jo", "yes please")
    assert (await state_of(agent, "jo")).handoff["reason"] == "negative_sentiment" and "colleague" in yes.text


async def test_a_failing_skill_is_apologised_for_and_a_person_offered(agent, caplog):
    async def broken(args, ctx):
        raise RuntimeError("order database unreachable")

    agent.skills["order_status"].run = broken
    reply = await say(agent, "kim", "where is my order?")
    assert "went wrong" in reply.text and titles(reply) == ["Talk to a person", "No thanks"]
    assert "rest:kim" in caplog.text and "order database unreachable" in caplog.text


async def test_while_a_person_holds_the_conversation_the_assistant_is_silent(agent):
    await say(agent, "lou", "talk to a person")
    await say(agent, "lou", "Talk to a person")
    await agent.set_handoff(conversation_id("rest", "lou"), {"status": "active", "agent": "Sam"})
    assert await agent.handle(UserMessage("lou", "hello? is anyone there")) == []
    turns = await agent.transcript("lou", "rest")
    assert turns[-1]["role"] == "user" and turns[-1]["text"] == "hello? is anyone there"
    await agent.set_handoff(conversation_id("rest", "lou"), None)
    assert (await say(agent, "lou", "hi")).text


async def test_a_skill_the_shop_has_not_switched_on_gets_an_honest_answer(agent):
    reply = await say(agent, "max", "can I try it on?")
    assert "can't" in reply.text and "yet" in reply.text


EVERY_INTENT = [
    # intent, what the shopper says (after a search for sneakers when `after_search`), skill, a word of the reply
    ("greet", "hello there", "smalltalk", "shop assistant", False),
    ("goodbye", "ok bye, see you", "smalltalk", "goodbye", False),
    ("thanks", "thanks a lot", "smalltalk", "welcome", False),
    ("help", "what can you do?", "smalltalk", "order", False),
    ("affirm", "yes", "smalltalk", "next", False),
    ("deny", "no", "smalltalk", "anything else", False),
    ("search_products", "red sneakers under 80", "search", "red sneakers", False),
    ("refine", "cheaper please", "refine", "under", True),
    ("select", "the first one", "select", "$", True),
    ("product_question", "is the first one in stock?", "product_question", "stock", True),
    ("compare", "compare the first two", "compare", "cheapest", True),
    ("describe_product", "tell me more about the second one", "describe", "sneakers", True),
    ("recommend", "what do you recommend?", "recommend", "yet", False),
    ("try_on", "can I try it on?", "tryon", "yet", True),
    ("order_status", "where is my order?", "order_status", "ORD-", False),
    ("return_or_refund", "I want to return something", "returns", "return", False),
    ("cancel_order", "cancel my order", "cancel_order", "ORD-", False),
    ("shipping_info", "do you ship to Canada?", "policies", "shipping.md", False),
    ("store_policy", "what is your privacy policy?", "policies", "privacy.md", False),
    ("human_handoff", "I want to speak to a human", "handoff", "colleague", False),
    ("complaint", "my package arrived damaged", "handoff", "sorry", False),
    ("out_of_scope", "what's the capital of France?", "out_of_scope", "can't help", False),
    ("write_ad", "write an ad for the red sneakers", "ads", "shop's team", True),
    ("write_description", "write a product description for this item", "ads", "shop's team", True),
]


async def test_every_intent_reaches_its_skill(agent):
    for n, (intent, text, skill, words, after_search) in enumerate(EVERY_INTENT):
        sender = f"every-{n}"
        if after_search:
            await say(agent, sender, "sneakers")
        reply = await say(agent, sender, text)
        turn = (await state_of(agent, sender)).history[-1]
        assert (turn["intent"], turn["skill"]) == (intent, skill), text
        assert words.lower() in reply.text.lower(), (text, reply.text)
