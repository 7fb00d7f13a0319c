"""What the agent knows about the shopping skills after a search: refine, select, product questions, compare."""
from __future__ import annotations

from pathlib import Path

from skills.base import IntentDeclaration, SkillDeclaration, about_one_product
from skills.shopping.arguments import compare_arguments, refine_arguments, select_arguments

_HERE = Path(__file__).parent

REFINE = SkillDeclaration("refine", (IntentDeclaration("refine", "Change the search", refine_arguments,
                                                       shopping=True),), _HERE / "refine.yml")
SELECT = SkillDeclaration("select", (IntentDeclaration("select", "Pick a product", select_arguments,
                                                       shopping=True),), _HERE / "select.yml")
PRODUCT_QUESTION = SkillDeclaration(
    "product_question",
    (IntentDeclaration("product_question", "Ask about a product", about_one_product, shopping=True),),
    _HERE / "product_question.yml")
COMPARE = SkillDeclaration("compare", (IntentDeclaration("compare", "Compare products", compare_arguments,
                                                         shopping=True),), _HERE / "compare.yml")
