"""What kind of product a text calls the product: a T-shirt must not be called a dress.

>>> KINDS.stated("A breezy dress for summer, pair it with sneakers.")
{'dress': 'dress'}
>>> KINDS.named_in("Parx Men Green Printed Polo Collar T-shirt")
{'t-shirt'}

Each kind has its spellings (singular, plural, common synonyms); kinds of one family share the
family's generic words ("shoes" is true of sneakers and of boots, not of a mug). A kind mentioned
as something to wear or use *with* the product ("pair it with jeans", "layer it over a T-shirt")
is not a claim about the product, so a few words after such a cue are not read as one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# family -> kind -> spellings (the kind's name is how a violation names it)
FAMILIES: dict[str, dict[str, tuple[str, ...]]] = {
    "footwear": {
        "sneakers": ("sneaker", "sneakers", "trainer", "trainers", "running shoe", "running shoes"),
        "boots": ("boots", "ankle boots", "chelsea boots"),
        "sandals": ("sandal", "sandals", "flip-flop", "flip-flops", "flip flops", "sliders"),
        "heels": ("heels", "stilettos", "high heels"),
        "loafers": ("loafer", "loafers", "moccasin", "moccasins"),
        "flats": ("flats", "ballet flats", "ballerinas"),
        "slippers": ("slipper", "slippers"),
    },
    "clothing": {
        "t-shirt": ("t-shirt", "t-shirts", "tshirt", "tshirts", "t shirt", "tee", "tees"),
        "shirt": ("shirt", "shirts"),
        "blouse": ("blouse", "blouses"),
        "kurta": ("kurta", "kurtas", "kurti", "kurtis"),
        "hoodie": ("hoodie", "hoodies", "sweatshirt", "sweatshirts"),
        "sweater": ("sweater", "sweaters", "jumper", "jumpers", "pullover", "pullovers", "cardigan", "cardigans"),
        "jacket": ("jacket", "jackets", "blazer", "blazers"),
        "coat": ("coat", "coats", "overcoat", "raincoat", "trench coat"),
        "dress": ("dress", "dresses", "gown", "gowns", "frock", "frocks"),
        "skirt": ("skirt", "skirts"),
        "jeans": ("jeans",),
        "trousers": ("trousers", "pants", "chinos", "joggers", "track pants", "palazzos", "palazzo"),
        "shorts": ("shorts",),
        "leggings": ("leggings", "jeggings", "tights"),
        "saree": ("saree", "sarees", "sari", "saris"),
        "jumpsuit": ("jumpsuit", "jumpsuits", "playsuit", "romper"),
        "swimwear": ("swimsuit", "swimsuits", "bikini", "swim shorts"),
        "nightwear": ("pyjamas", "pajamas", "nightdress", "nightsuit"),
    },
    "accessories": {
        "scarf": ("scarf", "scarves", "dupatta"),
        "hat": ("hat", "hats", "cap", "caps", "beanie", "beanies"),
        "belt": ("belt", "belts"),
        "watch": ("watch", "watches", "wristwatch", "smartwatch"),
        "sunglasses": ("sunglasses",),
        "wallet": ("wallet", "wallets", "purse"),
    },
    "bags": {
        "backpack": ("backpack", "backpacks", "rucksack"),
        "handbag": ("handbag", "handbags", "tote", "totes", "tote bag", "clutch", "crossbody bag", "sling bag"),
        "luggage": ("suitcase", "suitcases", "trolley bag", "luggage", "duffel bag", "duffle bag"),
    },
    "jewellery": {
        "earrings": ("earring", "earrings"),
        "necklace": ("necklace", "necklaces", "pendant", "chain necklace"),
        "bracelet": ("bracelet", "bracelets", "bangle", "bangles", "anklet"),
    },
    "electronics": {
        "headphones": ("headphones", "headphone", "earphones", "earbuds", "headset"),
        "smartphone": ("smartphone", "smartphones", "mobile phone"),
        "laptop": ("laptop", "laptops", "notebook computer"),
        "speaker": ("speaker", "speakers"),
    },
    "beauty": {
        "lipstick": ("lipstick", "lipsticks", "lip colour", "lip color"),
        "perfume": ("perfume", "perfumes", "eau de parfum", "eau de toilette", "cologne", "deodorant"),
        "cream": ("face cream", "moisturiser", "moisturizer", "lotion"),
        "shampoo": ("shampoo", "shampoos"),
    },
    "home": {
        "vase": ("vase", "vases"),
        "cushion": ("cushion", "cushions", "pillow", "pillows"),
        "lamp": ("lamp", "lamps"),
        "rug": ("rug", "rugs", "carpet", "carpets"),
        "curtains": ("curtain", "curtains"),
        "bedding": ("bedsheet", "bedsheets", "duvet", "comforter"),
        "blanket": ("blanket", "blankets", "throw blanket"),
        "towel": ("towel", "towels"),
        "candle": ("candle", "candles"),
    },
    "kitchen": {
        "mug": ("mug", "mugs"),
        "kettle": ("kettle", "kettles"),
        "knife": ("knife", "knives", "chef knife"),
        "pan": ("frying pan", "saucepan", "skillet", "wok"),
    },
    "furniture": {
        "sofa": ("sofa", "sofas", "couch", "couches"),
        "armchair": ("armchair", "armchairs"),
        "table": ("coffee table", "dining table", "side table"),
    },
}
# Words true of any kind in the family: calling sneakers "shoes" is fine, calling a mug "shoes" is not.
GENERIC = {"footwear": ("shoes", "footwear"), "jewellery": ("jewellery", "jewelry")}

# A kind named shortly after one of these is what the product goes with, not what it is.
PAIRING_CUES = frozenset("""
with pair pairs paired pairing match matches matching team teamed teaming over under beneath underneath
alongside complement complements complementing layer layered
""".split())
PAIRING_WINDOW = 6  # words
# A kind's word before one of these is a part, a cut or a verb: "blouse piece", "shirt collar",
# "bracelet strap", "cap sleeves", "belt loops", "dress it up", "watch heads turn".
_PART_OF = r"\s+(?:piece|pieces|fabric|material|collar|strap|style|styled|sleeves?|loops?|dress)\b"
_NOT_A_NOUN = {"dress": r"\s+(?:it|them|up|down)\b", "watch": r"\s+(?:heads|out|it|them|the|as|how|what|your|you)\b",
               "tee": r"\s+(?:off|time)\b"}
_WORDS = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")


@dataclass(frozen=True)
class Kinds:
    """The lexicon, compiled: spelling -> kind, kind -> family."""

    kind_of: dict[str, str]
    family_of: dict[str, str]
    pattern: re.Pattern[str]

    @classmethod
    def build(cls) -> Kinds:
        kind_of = {}
        family_of = {}
        for family, kinds in FAMILIES.items():
            for kind, spellings in kinds.items():
                family_of[kind] = family
                kind_of.update({s: kind for s in spellings})
            kind_of.update({word: f"any {family}" for word in GENERIC.get(family, ())})
            family_of[f"any {family}"] = family
        alternatives = "|".join(_spelling_pattern(s) for s in sorted(kind_of, key=len, reverse=True))
        return cls(kind_of, family_of, re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])"))

    def named_in(self, lowered: str) -> set[str]:
        """Every kind the text names, wherever it names it."""
        return {self._kind(m.group(0)) for m in self.pattern.finditer(lowered.lower())}

    def stated(self, text: str) -> dict[str, str]:
        """{kind: the words that say it} for what the text calls the product (not what it pairs with)."""
        lowered = text.lower()
        found: dict[str, str] = {}
        for match in self.pattern.finditer(lowered):
            if not _after_pairing_cue(lowered[:match.start()]):
                found.setdefault(self._kind(match.group(0)), match.group(0))
        return found

    def backed(self, kind: str, product_kinds: set[str] | frozenset[str]) -> bool:
        """Whether calling the product `kind` is true of a product of `product_kinds`.

        A generic word ("shoes") needs a product of its family. A specific kind needs to be one of
        the product's, unless all the catalog says is the family ("shoes"): then it cannot be told.
        """
        if kind in product_kinds:
            return True
        family = self.family_of[kind]
        if kind.startswith("any "):
            return any(self.family_of[k] == family for k in product_kinds)
        return f"any {family}" in product_kinds and not any(
            self.family_of[k] == family for k in product_kinds if not k.startswith("any "))

    def _kind(self, spelling: str) -> str:
        """The kind of a matched spelling; "running-shoes" or "running  shoes" read as "running shoes"."""
        for candidate in (spelling, re.sub(r"[\s-]+", " ", spelling), re.sub(r"[\s-]+", "-", spelling)):
            if candidate in self.kind_of:
                return self.kind_of[candidate]
        raise KeyError(spelling)


def _spelling_pattern(spelling: str) -> str:
    pattern = re.escape(spelling).replace(r"\ ", r"[\s-]+") + f"(?!{_PART_OF})"
    return pattern + f"(?!{_NOT_A_NOUN[spelling]})" if spelling in _NOT_A_NOUN else pattern


def _after_pairing_cue(before: str) -> bool:
    """A pairing word among the last few words of the same sentence."""
    sentence = re.split(r"[.!?;:\n]", before[-120:])[-1]
    return bool(PAIRING_CUES.intersection(_WORDS.findall(sentence)[-PAIRING_WINDOW:]))


KINDS = Kinds.build()
