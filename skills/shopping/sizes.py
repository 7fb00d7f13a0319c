"""One size up or down, within the sizes a product comes in."""
from __future__ import annotations

from knowledge.product import Product
from skills.base import SkillResult
from skills.shopping.common import has_size, size_key, size_list


def step_size(direction: str, product: Product | None, current: str | None) -> str | SkillResult:
    """The next size ``direction`` ("bigger"/"smaller") from ``current``, or a reply saying why there is none."""
    if product is None:
        return SkillResult("Bigger or smaller than which product? Pick one first, for example “the first one”.",
                           data={"failed": True})
    if not product.sizes:
        return SkillResult(f"The {product.title} comes in one size only.", products=(product,))
    ladder = sorted(product.sizes, key=size_key)
    if not current or not has_size(product, current):
        return SkillResult(f"Which size would you like? The {product.title} comes in {size_list(product)}.",
                           products=(product,), quick_replies=tuple(f"Size {s}" for s in ladder[:6]))
    index = [s.upper() for s in ladder].index(current.upper()) + (1 if direction == "bigger" else -1)
    if not 0 <= index < len(ladder):
        end = "largest" if direction == "bigger" else "smallest"
        return SkillResult(f"Size {current} is the {end} size the {product.title} comes in "
                           f"({size_list(product)}).", products=(product,))
    return ladder[index]
