"""Skills describe themselves: every intent has one skill, a label and its own training examples in its folder."""
from pathlib import Path

import pytest

from agent.dialog_replies import clarifying_question, unavailable
from agent.nlu.nlu_data import read_nlu_data, read_nlu_yaml
from agent.skill_catalog import CATALOG, SkillCatalog
from skills.base import IntentDeclaration, SkillDeclaration, SkillParts
from skills.registry import SkillRegistry
from skills.smalltalk import SmalltalkSkill

SKILLS = Path(__file__).resolve().parents[2] / "skills"


def test_each_skill_folder_holds_the_examples_of_its_own_intents_and_no_others():
    for declaration in CATALOG:
        data = read_nlu_yaml(declaration.nlu)
        assert set(data.intents) == {intent.name for intent in declaration.intents}, declaration.name
        assert declaration.nlu.parent.parent == SKILLS, declaration.nlu


def test_the_shipped_nlu_data_is_the_shared_entities_plus_every_skills_examples():
    data = read_nlu_data("agent/defaults/nlu.yml")
    assert set(data.intents) == set(CATALOG.intent_skills)
    assert read_nlu_yaml("agent/defaults/nlu.yml", examples_required=False).examples == ()
    assert data.synonyms["trainers"] == "sneakers" and data.regexes["order_number"]
    assert min(sum(e.intent == intent for e in data.examples) for intent in data.intents) >= 10


def test_a_shops_file_with_examples_of_its_own_is_its_whole_training_set(tmp_path):
    own = tmp_path / "nlu.yml"
    own.write_text("nlu:\n- intent: greet\n  examples: |\n    - hi\n- intent: loyalty\n  examples: |\n"
                   "    - how many points do I have\n", encoding="utf-8")
    assert read_nlu_data(own).intents == ["greet", "loyalty"]
    entities_only = tmp_path / "entities.yml"
    entities_only.write_text("nlu:\n- synonym: sneakers\n  examples: |\n    - kicks\n", encoding="utf-8")
    merged = read_nlu_data(entities_only)
    assert set(merged.intents) == set(CATALOG.intent_skills) and merged.synonyms == {"kicks": "sneakers"}
    assert merged.checksum != read_nlu_data("agent/defaults/nlu.yml").checksum  # the intent cache tells them apart


def test_labels_and_apologies_come_from_the_declarations():
    question = clarifying_question("order_status", "return_or_refund")
    assert question.quick_replies == ("Track an order", "Return an item")
    assert unavailable("try_on").text.startswith("Sorry, I can't show products on a photo of you yet.")
    assert unavailable("view_cart").text.startswith("Sorry, I can't keep a cart here yet.")


def test_an_intent_claimed_by_two_skills_is_refused_with_both_names():
    first = SkillDeclaration("one", (IntentDeclaration("hours", "Opening hours"),))
    second = SkillDeclaration("two", (IntentDeclaration("hours", "Store hours"),))
    with pytest.raises(ValueError, match="'hours' is declared by both 'one' and 'two'"):
        SkillCatalog([first, second])


def test_an_undeclared_intent_goes_out_of_scope_and_keeps_its_name_as_argument():
    assert CATALOG.skill_for("tell_a_joke") == "out_of_scope"
    assert CATALOG.arguments("greet", None, None) == {"intent": "greet"}
    assert CATALOG.label("tell_a_joke") == "Tell a joke"


def test_skills_built_from_the_shared_parts_are_switched_on_with_their_generated_tool_schemas():
    skills = SkillRegistry()
    CATALOG.register_built(skills, SkillParts(retriever=None))
    assert [skill.name for skill in skills] == ["smalltalk", "out_of_scope", "size_guide"]
    tool = next(schema for schema in skills.tool_schemas() if schema["function"]["name"] == "size_guide")
    assert tool["function"]["parameters"]["properties"]["wanted"]["enum"] == ["us_men", "us_women", "uk", "eu", "cm"]


def test_a_declaration_that_builds_a_differently_named_skill_is_refused():
    wrong = SkillDeclaration("greeter", build=lambda parts: SmalltalkSkill())
    with pytest.raises(ValueError, match="'greeter' built a skill named 'smalltalk'"):
        SkillCatalog([wrong]).register_built(SkillRegistry(), SkillParts(retriever=None))
