"""The conversation-test checks: each kind passes on a turn that meets it and fails, in words, on one that does not;
a malformed file names the file, the conversation, the turn and the bad key."""
from pathlib import Path

import pytest

from agent.errors import ConfigError
from knowledge.product import Product
from training.conversations import TurnSpec, check_turn, read_conversations
from training.turn_checks import TurnView, parse_checks, run_checks

SNEAKER = Product(id="a", title="Nimbus Red Canvas Sneakers", description="A grippy rubber outsole.",
                  product_type="sneakers", category="shoes", price=49.5, colour="red", sizes=("7", "8", "9"),
                  material="canvas", gender="women", stock=12)
BOOT = Product(id="b", title="Loma Black Leather Boots", description="A waterproof lining and a lug sole.",
               product_type="boots", category="shoes", price=120.0, colour="black", sizes=("8", "10"),
               material="leather", gender="unisex", stock=0)
MUG = Product(id="c", title="Brewden Blue Mug", product_type="mug", category="kitchen", price=12.99, colour="blue",
              material="ceramic", stock=3)


def failures(checks: dict, reply: str = "", products=(), previous=()) -> list[str]:
    return run_checks(parse_checks(checks, "test"), TurnView(reply, list(products), list(previous)))


# (checks, a turn that passes, a turn that fails): each turn is (reply, products shown, products shown before)
CASES = {
    "every_product": ({"every_product": {"colour": {"not": ["black"]}, "gender": {"in": ["women", "unisex"]},
                                         "sizes": {"contains": "7"}, "price": {"max": 60}, "in_stock": True}},
                      ("", [SNEAKER], []), ("", [SNEAKER, BOOT], [])),
    "every_product on nothing": ({"every_product": {"product_type": "sneakers"}}, ("", [SNEAKER], []), ("", [], [])),
    "any_product": ({"any_product": {"material": "leather"}}, ("", [SNEAKER, BOOT], []), ("", [SNEAKER, MUG], [])),
    "products true": ({"products": True}, ("", [MUG], []), ("", [], [])),
    "products false": ({"products": False}, ("hello", [], []), ("", [MUG], [])),
    "products min": ({"products": {"min": 2}}, ("", [MUG, BOOT], []), ("", [MUG], [])),
    "sorted_by": ({"sorted_by": "price asc"}, ("", [MUG, SNEAKER, BOOT], []), ("", [BOOT, MUG], [])),
    "reply list": ({"reply": ["red", "sneakers"]}, ("Red sneakers!", [], []), ("Red boots", [], [])),
    "reply contains_any": ({"reply": {"contains_any": ["none", "sorry"]}}, ("Sorry, none.", [], []),
                           ("Here you go", [], [])),
    "reply not_contains": ({"reply": {"not_contains": ["black"]}}, ("Red ones", [], []), ("Black ones", [], [])),
    "reply matches": ({"reply": {"matches": ["size 7", r"\bno\b"]}}, ("No size 7, sorry", [], []),
                      ("Size 7 here", [], [])),
    "reply not_matches": ({"reply": {"not_matches": "shall i"}}, ("Done.", [], []), ("Shall I?", [], [])),
    "names_product": ({"names_product": "cheapest"}, ("The Brewden Blue Mug is cheapest", [], [BOOT, MUG]),
                      ("The Loma Black Leather Boots", [], [BOOT, MUG])),
    "names_product by card": ({"names_product": [1, 2]}, ("", [BOOT, MUG], [BOOT, MUG, SNEAKER]),
                              ("", [SNEAKER], [BOOT, MUG, SNEAKER])),
    "states": ({"states": {"product": 2, "field": "sizes"}}, ("It comes in 7, 8 and 9.", [], [BOOT, SNEAKER]),
               ("It comes in 7 and 8.", [], [BOOT, SNEAKER])),
    "states price": ({"states": {"product": "first", "field": "price"}}, ("It costs $120.", [], [BOOT]),
                     ("It costs $12.", [], [BOOT])),
    "grounded yes": ({"grounded": {"product": 1, "field": "description", "is": {"matches": "waterproof"}}},
                     ("Yes, it has a waterproof lining.", [], [BOOT, MUG]), ("No.", [], [BOOT, MUG])),
    "grounded no": ({"grounded": {"product": "any", "field": "material", "is": "leather"}},
                    ("No, none of them are leather.", [], [SNEAKER, MUG]), ("Here they are", [], [SNEAKER, MUG])),
    "price_vs_before": ({"price_vs_before": "lower"}, ("", [MUG], [SNEAKER, BOOT]), ("", [BOOT], [SNEAKER, BOOT])),
    "kept_or_named kept": ({"kept_or_named": {"colour": {"is": "red", "named": "red"}}}, ("", [SNEAKER], []),
                           ("Here are boots", [BOOT], [])),
    "kept_or_named named": ({"kept_or_named": {"sizes": {"is": {"contains": "13"}, "named": r"\b13\b"}}},
                            ("None in size 13; the closest:", [SNEAKER], []), ("Here you go", [SNEAKER], [])),
    "either": ({"either": [{"every_product": {"colour": "green"}}, {"reply": {"matches": "no green"}}]},
               ("There are no green ones", [SNEAKER], []), ("Here are some", [SNEAKER], [])),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_each_check_passes_when_met_and_says_why_when_not(kind):
    checks, good, bad = CASES[kind]
    assert failures(checks, *good) == []
    problems = failures(checks, *bad)
    assert problems and all(isinstance(p, str) and p for p in problems)
    assert problems[0].split(":")[0].split()[0] in (*checks, "either", "grounded")


def test_a_failure_names_the_product_and_the_broken_constraint():
    [problem] = failures({"every_product": {"colour": {"not": ["black"]}}}, "", [SNEAKER, BOOT])
    assert "Loma Black Leather Boots" in problem and "colour" in problem and "black" in problem


def test_kept_or_named_needs_each_constraint_kept_or_named_on_its_own():
    checks = {"kept_or_named": {"material": {"is": "leather", "named": "leather"},
                                "price": {"is": {"max": 20}, "named": r"\b20\b"}}}
    problems = failures(checks, "I found no backpacks under $20; the closest are:", [SNEAKER])
    assert len(problems) == 1 and "material" in problems[0]  # the price was named, the leather was dropped


def test_old_format_turns_still_check_intent_skill_slots_reply_and_products():
    spec = TurnSpec("hi", intent="greet", skill="smalltalk", slots={"last_search.colour": "red"},
                    checks=parse_checks({"reply": ["welcome"], "products": False}, "test"))
    assert check_turn(spec, "greet", "smalltalk", TurnView("You're welcome"), {"last_search": {"colour": "Red"}}) == []
    problems = check_turn(spec, "goodbye", "search", TurnView("Bye", [MUG]), {})
    assert "intent: expected greet, got goodbye" in problems and "products: expected none, got 1" in problems
    assert any(p.startswith("slot last_search.colour") for p in problems)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "convs.yml"
    path.write_text(text, encoding="utf-8")
    return path


BAD_FILES = {
    "unknown check": ("  - name: dresses\n    turns:\n      - user: hi\n        every_products: {colour: red}\n",
                      "conversation 1 (dresses), turn 1: unknown key 'every_products'"),
    "unknown attribute": ("  - name: dresses\n    turns:\n      - user: hi\n        every_product: {hue: red}\n",
                          "turn 1: every_product: unknown product attribute 'hue'"),
    "unknown condition": ("  - name: dresses\n    turns:\n      - user: hi\n"
                          "        every_product: {price: {below: 40}}\n", "price: unknown condition 'below'"),
    "bad number": ("  - name: x\n    turns:\n      - user: hi\n        every_product: {price: {max: cheap}}\n",
                   "'cheap' is not a number"),
    "bad regex": ("  - name: x\n    turns:\n      - user: hi\n        reply: {matches: '(unclosed'}\n",
                  "is not a valid regular expression"),
    "bad sort": ("  - name: x\n    turns:\n      - user: hi\n        sorted_by: price upwards\n",
                 "sorted_by = 'price upwards' is not valid"),
    "short either": ("  - name: x\n    turns:\n      - user: hi\n        either: [{products: true}]\n",
                     "either: expected a list of at least two alternatives"),
    "bad either branch": ("  - name: x\n    turns:\n      - user: hi\n"
                          "        either: [{products: true}, {colour: red}]\n", "either[2]: unknown check 'colour'"),
    "bad pick": ("  - name: x\n    turns:\n      - user: hi\n        names_product: the red one\n",
                 "'the red one' is not a product of those shown"),
    "bad kept_or_named": ("  - name: x\n    turns:\n      - user: hi\n        kept_or_named: {colour: red}\n",
                          "kept_or_named.colour: expected {is: <condition>, named:"),
    "conversation key": ("  - name: x\n    turn:\n      - user: hi\n", "expected a mapping with a non-empty 'turns:'"),
    "unknown conversation key": ("  - name: x\n    categroy: sizes\n    turns:\n      - user: hi\n",
                                 "conversation 1 (x): unknown key 'categroy'"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_malformed_file_names_where_and_what(tmp_path, case):
    body, expected = BAD_FILES[case]
    path = write(tmp_path, "conversations:\n" + body)
    with pytest.raises(ConfigError) as error:
        read_conversations(path)
    assert str(path) in str(error.value) and expected in str(error.value)


def test_categories_come_from_the_file_or_the_conversation_and_anchors_are_shared(tmp_path):
    path = write(tmp_path, "category: sizes\ndefine:\n  - &seven {contains: '7'}\nconversations:\n"
                           "  - name: a\n    turns:\n      - user: size 7 shoes\n        every_product: {sizes: *seven}\n"
                           "  - name: b\n    category: stock\n    turns:\n      - user: hi\n")
    first, second = read_conversations(path)
    assert (first.category, second.category) == ("sizes", "stock")
    assert failures({"every_product": {"sizes": {"contains": "7"}}}, "", [SNEAKER]) == []
    assert read_conversations(write(tmp_path, "conversations:\n  - turns:\n      - user: hi\n"))[0].category == "convs"


def test_every_file_of_the_suite_reads_and_every_category_has_several_conversations():
    suite = Path(__file__).resolve().parents[1] / "conversations"
    specs = [spec for path in sorted(suite.glob("*.yml")) for spec in read_conversations(path)]
    assert len(specs) >= 60
    categories = {spec.category for spec in specs}
    assert {"negation", "sizes", "recipients", "price", "sort", "occasion", "stock", "typos", "held_constraints",
            "relaxed", "shown_products", "handoff", "policies", "long_messages", "languages",
            "regressions"} <= categories
    assert max(len(spec.turns) for spec in specs) >= 8


def test_a_yes_answer_may_show_just_the_products_that_fit():
    checks = {"grounded": {"product": "any", "field": "material", "is": "leather"}}
    assert failures(checks, "Here is the leather one:", [BOOT], [SNEAKER, BOOT, MUG]) == []
    assert failures(checks, "Here you go:", [SNEAKER], [SNEAKER, BOOT, MUG]) != []
