"""Complete the look: which kinds of product go with which, for the demo shop's taxonomy.

Shoes and a bag go with a dress, headphones with a phone, a sleeping bag with a tent. A shop with
another taxonomy passes its own map; kinds it does not list fall back to what shoppers look at
together across kinds (item-to-item co-occurrence)::

    complements_of("dress")        # ('heels', 'sandals', 'crossbody bag', 'earrings', 'necklace', ...)
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

DEMO_COMPLEMENTS: dict[str, tuple[str, ...]] = {
    # apparel
    "dress": ("heels", "sandals", "crossbody bag", "earrings", "necklace", "sunglasses"),
    "jeans": ("t-shirt", "sneakers", "belt", "jacket", "sweater"),
    "t-shirt": ("jeans", "shorts", "sneakers", "cap", "sunglasses"),
    "hoodie": ("jeans", "sneakers", "cap", "backpack"),
    "jacket": ("jeans", "sweater", "scarf", "boots"),
    "sweater": ("jeans", "scarf", "boots", "loafers"),
    "shorts": ("t-shirt", "sandals", "sneakers", "cap", "sunglasses"),
    # shoes
    "sneakers": ("jeans", "t-shirt", "hoodie", "shorts", "backpack"),
    "running shoes": ("shorts", "t-shirt", "water bottle", "headphones", "watch"),
    "boots": ("jeans", "jacket", "sweater", "scarf"),
    "sandals": ("shorts", "dress", "sunglasses", "tote bag"),
    "loafers": ("jeans", "belt", "sweater", "watch"),
    "heels": ("dress", "crossbody bag", "earrings", "necklace"),
    # accessories, bags, jewelry
    "cap": ("t-shirt", "sneakers", "sunglasses"),
    "scarf": ("jacket", "sweater", "boots"),
    "sunglasses": ("cap", "t-shirt", "sandals"),
    "belt": ("jeans", "loafers"),
    "watch": ("belt", "loafers", "ring"),
    "backpack": ("laptop", "water bottle", "headphones"),
    "tote bag": ("dress", "sandals", "sunglasses"),
    "crossbody bag": ("dress", "heels", "earrings"),
    "duffel bag": ("sneakers", "water bottle", "yoga mat"),
    "ring": ("necklace", "earrings", "watch"),
    "necklace": ("earrings", "ring", "dress"),
    "earrings": ("necklace", "ring", "dress"),
    # electronics
    "smartphone": ("headphones", "speaker"),
    "laptop": ("backpack", "headphones", "speaker"),
    "headphones": ("smartphone", "laptop", "backpack"),
    "speaker": ("smartphone", "laptop"),
    # home, furniture, kitchen
    "sofa": ("cushion", "throw blanket", "coffee table", "lamp"),
    "armchair": ("cushion", "throw blanket", "lamp"),
    "coffee table": ("vase", "lamp", "mug"),
    "lamp": ("vase", "cushion"),
    "cushion": ("throw blanket", "sofa"),
    "vase": ("lamp", "coffee table"),
    "throw blanket": ("cushion", "sofa", "armchair"),
    "mug": ("kettle",),
    "kettle": ("mug",),
    "frying pan": ("chef knife",),
    "chef knife": ("frying pan",),
    # beauty, sports, outdoor, toys
    "lipstick": ("perfume", "face cream"),
    "perfume": ("lipstick", "face cream"),
    "face cream": ("lipstick", "perfume"),
    "yoga mat": ("water bottle", "shorts", "t-shirt"),
    "dumbbell set": ("water bottle", "yoga mat"),
    "football": ("running shoes", "water bottle", "shorts"),
    "water bottle": ("yoga mat", "running shoes", "backpack"),
    "tent": ("sleeping bag", "camping chair"),
    "sleeping bag": ("tent", "camping chair"),
    "camping chair": ("tent", "sleeping bag"),
    "teddy bear": ("building blocks", "toy car"),
    "building blocks": ("toy car", "teddy bear"),
    "toy car": ("building blocks", "teddy bear"),
}

NEUTRAL_COLOURS = frozenset({"black", "white", "grey", "navy", "beige", "brown", "silver"})


def complements_of(product_type: str, table: Mapping[str, tuple[str, ...]] = DEMO_COMPLEMENTS) -> tuple[str, ...]:
    """The kinds of product that complete a look built around `product_type` (best first)."""
    return table.get(product_type.lower().strip(), ())


def look_arrays(anchor_colour: str, anchor_gender: str, colours: np.ndarray, genders: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """How well each product goes with the anchor, as arrays (lower-case inputs): colour 1 for the same
    colour, 0.7 when either is a neutral (or unknown), else 0.3; gender fits when either is unisex or
    unknown, or both are the same (a women's dress goes with women's or unisex shoes, not men's)."""
    anchor_colour, anchor_gender = anchor_colour.lower(), anchor_gender.lower()
    neutral = np.isin(colours, list(NEUTRAL_COLOURS)) | (anchor_colour in NEUTRAL_COLOURS)
    match = np.where(colours == anchor_colour, 1.0, np.where(neutral, 0.7, 0.3))
    if not anchor_colour:
        match = np.full(len(colours), 0.7)
    match = np.where(colours == "", 0.7, match)
    if not anchor_gender or anchor_gender == "unisex":
        return match, np.ones(len(genders), dtype=bool)
    return match, (genders == "") | (genders == "unisex") | (genders == anchor_gender)

