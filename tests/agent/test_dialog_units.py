"""The dialog's parts on their own, without a model: entities, state, the handoff policy, the routing rules."""
import pytest

from agent.config import DialogConfig
from agent.dialog import DialogPolicy
from agent.dialog_args import arguments_for
from agent.handoff import HandoffPolicy
from agent.nlu.entities import EntityExtractor, positions
from agent.nlu.intent_model import cached_intent_model
from agent.nlu.nlu_data import read_nlu_data
from agent.nlu.router import EmbeddingRouter
from agent.nlu.understanding import Understanding
from agent.nlu.sentiment import Sentiment, SentimentAnalyzer
from agent.state import DialogState
from knowledge.demo.catalog import generate_products
from knowledge.embedders import HashingEmbedder
from knowledge.query_parse import Lexicon
from skills.handoff import HandoffSkill
from skills.orders import CancelOrderSkill, OrderStatusSkill, ReturnSkill, SQLiteOrderStore
from skills.smalltalk import SmalltalkSkill

LEXICON = Lexicon.from_products(generate_products(120, seed=3, images=False))
EXTRACT = EntityExtractor()


def understood(text: str, intent: str, confidence: float = 0.9, runner_up: str = "", second: float = 0.0,
               sentiment: Sentiment = Sentiment(0.0)) -> Understanding:
    return Understanding(text, intent, confidence, runner_up, second, EXTRACT.extract(text, LEXICON), sentiment)


@pytest.mark.parametrize("text, expected", [
    ("track ORD-482913 please", {"order_number": "ORD-482913"}),
    ("where is ord-482913", {"order_number": "ORD-482913"}),
    ("my order is 12345", {"order_reference": "12345"}),
    ("order #4821", {"order_reference": "4821"}),
    ("my email is jo.lee@example.com", {"email": "jo.lee@example.com"}),
    ("the second one, size 9", {"position": 2, "size": "9"}),
    ("number 3", {"position": 3}),
    ("the last one", {"position": -1}),
    ("where is my last order?", {}),
    ("red sneakers under 80", {"colour": "red", "product_type": "sneakers", "max_price": 80.0}),
])
def test_entities_come_from_regexes_positions_and_the_catalog(text, expected):
    values = EXTRACT.extract(text, LEXICON).values
    assert {k: v for k, v in values.items() if k != "reference"} == expected


def test_positions_for_comparisons():
    assert positions("compare 1 and 3") == [1, 3]
    assert positions("compare the first two") == [1, 2]
    assert positions("the second vs the last") == [2, -1]


def test_state_round_trips_through_json_and_keeps_what_other_skills_store():
    state = DialogState.from_dict({"last_search": {"query": "tent"}, "last_results": ["a", "b"], "tryon": {"x": 1}})
    state.apply({"selected": "b", "awaiting_answer": {"skill": "returns", "argument": "reason"}})
    again = DialogState.from_dict(state.to_dict())
    assert (again.search, again.results, again.selected, again.extra) == ({"query": "tent"}, ["a", "b"], "b",
                                                                         {"tryon": {"x": 1}})
    again.apply({"last_results": None})
    assert again.results == []
    again.new_topic()
    assert again.search is None and again.selected is None and again.awaiting


def test_sentiment_reads_anger_and_frustration():
    analyzer = SentimentAnalyzer()
    assert analyzer.score("I hate this, worst service ever").compound <= -0.5
    assert analyzer.score("this is useless").frustrated
    assert not analyzer.score("red sneakers in size 9").frustrated


def test_handoff_policy_offers_a_person_for_the_right_reasons():
    policy, state = HandoffPolicy(failed_turns=2, negative_sentiment=-0.5), DialogState()
    assert policy.reason(Sentiment(0.0), state, error=True) == "error"
    assert policy.reason(Sentiment(-0.7), state, error=False) == "negative_sentiment"
    assert policy.reason(Sentiment(-0.2, frustrated=True), state, error=False) == "negative_sentiment"
    assert policy.reason(Sentiment(0.1), state, error=False) is None
    assert policy.reason(Sentiment(-0.6), state, error=False, productive=True) is None  # "I hate wet feet"
    assert policy.reason(Sentiment(-0.3, frustrated=True), state, error=False, productive=True)
    state.failed_turns = 2
    assert policy.reason(Sentiment(0.0), state, error=False) == "failed_turns"
    state.declined_turn, state.turns = 4, 5  # "No thanks" a turn ago: not asked again so soon
    assert policy.reason(Sentiment(-0.9), state, error=False) is None
    state.handoff = {"status": "requested"}
    assert policy.reason(Sentiment(0.0), state, error=True) is None


@pytest.fixture
def policy(tmp_path):
    orders = SQLiteOrderStore.open(tmp_path / "orders.db")
    skills = [SmalltalkSkill(), HandoffSkill(), OrderStatusSkill(orders), ReturnSkill(orders), CancelOrderSkill(orders)]
    return DialogPolicy(skills, DialogConfig(clarify_margin=0.15))


def test_close_intents_of_different_skills_get_a_question(policy):
    plan = policy.plan(understood("my order is wrong", "order_status", 0.36, "complaint", 0.27), DialogState())
    assert plan.reply is not None and plan.reply.quick_replies == ("Track an order", "Make a complaint")
    assert set(plan.offered) == {"track an order", "make a complaint"}


def test_close_intents_of_one_skill_and_clear_ones_need_no_question(policy):
    same_skill = understood("hello, help", "greet", 0.40, "help", 0.35)
    assert policy.plan(same_skill, DialogState()).decision.skill == "smalltalk"
    clear = understood("where is my order", "order_status", 0.8, "cancel_order", 0.1)
    assert policy.plan(clear, DialogState()).reply is None


def test_an_awaited_answer_goes_back_to_the_skill_that_asked(policy):
    state = DialogState(awaiting={"skill": "cancel_order", "intent": "cancel_order", "argument": "confirm",
                                  "args": {"order_number": "ORD-111111"}})
    plan = policy.plan(understood("yes please", "affirm"), state)
    assert (plan.decision.skill, plan.decision.arguments) == ("cancel_order",
                                                               {"order_number": "ORD-111111", "confirm": True})
    state.awaiting = {"skill": "order_status", "intent": "order_status", "argument": "order_number", "args": {}}
    assert policy.plan(understood("12-34", "out_of_scope", 0.2), state).decision.arguments == {"order_number": "12-34"}
    new_request = policy.plan(understood("I want to speak to a human", "human_handoff", 0.9), state)
    assert new_request.decision.skill == "handoff" and not new_request.answers_question


def test_a_weak_intent_saved_by_catalog_words_is_searched_not_questioned(policy, tmp_path):
    embedder = HashingEmbedder(dim=64)
    model = cached_intent_model(read_nlu_data("agent/defaults/nlu.yml"), embedder, tmp_path)
    router = EmbeddingRouter(embedder, model, LEXICON, threshold=0.99)  # every score is "too unsure"
    understanding = router.understand("blue sneakers")
    assert (understanding.intent, understanding.runner_up) == ("search_products", "")
    assert policy.plan(understanding, DialogState()).decision.skill == "search"


def test_skills_not_switched_on_get_an_honest_reply(policy):
    plan = policy.plan(understood("what do you recommend?", "recommend"), DialogState())
    assert plan.reply is not None and "can't" in plan.reply.text and plan.reply.data["failed"]


def test_arguments_follow_the_conversation():
    state = DialogState(handoff_offer="failed_turns")
    assert arguments_for("human_handoff", understood("yes, a person", "human_handoff"), state) == {
        "action": "accept", "reason": "failed_turns"}
    assert arguments_for("refine", understood("not Nimbus, something else", "refine"), DialogState()) == {
        "exclude_brands": ["nimbus"]}  # ruled out for the rest of the conversation
    assert arguments_for("refine", understood("not Nimbus, something cheaper", "refine"), DialogState()) == {
        "change": "cheaper", "exclude_brands": ["nimbus"]}
    assert arguments_for("refine", understood("a different brand in blue", "refine"), DialogState()) == {
        "change": "other_brand", "colour": "blue"}
