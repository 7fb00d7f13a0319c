"""Shopping beyond the first search: refining the results, picking one, asking about it, comparing."""
from skills.shopping.compare import CompareInput, CompareSkill
from skills.shopping.product_qa import ProductQuestionInput, ProductQuestionSkill
from skills.shopping.refine import RefineInput, RefineSkill
from skills.shopping.select import SelectInput, SelectSkill

# What other skills may use: the products on screen, positions, sizes in order, prices in words.
__interface__ = ("common",)
__all__ = ["CompareInput", "CompareSkill", "ProductQuestionInput", "ProductQuestionSkill", "RefineInput",
           "RefineSkill", "SelectInput", "SelectSkill"]
