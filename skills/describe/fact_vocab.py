"""What kind of fact a shop's field holds, and how facts are found in a merchant's own prose.

>>> fact_name("Number of Contents in Sales Package")
'pack size'
>>> fact_name("Upper Material"), fact_name("Fabric Care"), fact_name("Dial Shape")
('material', 'care', 'dial shape')
>>> bookkeeping("crawl_timestamp"), bookkeeping("Fabric")
(True, False)

A key names its fact by the words in it (a "Strap Material" is a material); a key no rule knows
keeps its own words as the fact's name ("dial shape"). Bookkeeping columns (ids, links, images,
ratings, timestamps) are no facts about the product and are never read.
"""
from __future__ import annotations

import re

# (fact name, words any of which in a key name it); the first rule that matches wins
KEY_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("care", ("care", "wash", "cleaning")),
    ("pack size", ("number of contents", "pack of", "pack size", "number of pieces", "quantity", "pieces")),
    ("in the box", ("sales package", "in the box", "box contents", "package contents")),
    ("material", ("fabric", "material", "composition", "made of")),
    ("colour", ("colour", "color", "shade")),
    ("pattern", ("pattern", "print")),
    ("fit", ("fit",)),
    ("neckline", ("neck", "collar")),
    ("sleeves", ("sleeve",)),
    ("closure", ("closure", "fastening", "fastener")),
    ("capacity", ("capacity", "volume", "storage")),
    ("weight", ("weight",)),
    ("dimensions", ("dimension", "width", "height", "depth", "diameter", "size (", "measurements")),
    ("occasion", ("occasion", "suitable for", "usage")),
    ("audience", ("ideal for", "gender", "age group")),
    ("feature", ("feature", "highlight", "key features")),
)
IDENTIFIER_KEYS = ("style code", "model number", "model id", "sku", "part number", "item code", "ean", "upc")
_BOOKKEEPING = re.compile(
    r"(?:^|[\s_-])(?:id|pid|uniq(?:ue)?(?:[\s_]id)?|sku|url|link|image|images|img|photo|timestamp|date|time|"
    r"rating|ratings|reviews?|ean|upc|gtin|barcode|stock|inventory|price|mrp|cost|currency|num[\s_]images|"
    r"is[\s_]\w+|handle|vendor)(?:$|[\s_-])", re.I)
NEGATIVE_VALUES = frozenset({"no", "false", "n", "na", "n/a", "none", "nil", "-", "not applicable", "0"})

COUNT_WORD = r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
# Facts that a merchant's prose states, found by their shape (name, pattern). Each match is one fact.
PROSE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(pattern, re.I)) for name, pattern in (
    ("pack size", rf"\b(?:pack|set|combo) of {COUNT_WORD}\b|\b{COUNT_WORD}[- ](?:pack|piece|pcs)\b"),
    ("dimensions", r"\b\d+(?:\.\d+)?\s*(?:cm|mm|in|inch)?\s*[x×]\s*\d+(?:\.\d+)?(?:\s*(?:cm|mm|in|inch)?\s*[x×]\s*"
                   r"\d+(?:\.\d+)?)?\s*(?:cm|mm|m|inches|inch|in|ft)\b"),
    ("capacity", r"\b\d+(?:\.\d+)?\s*(?:ml|millilitres?|l|litres?|liters?|gb|tb|mah)\b"),
    ("weight", r"\b\d+(?:\.\d+)?\s*(?:g|gm|gms|grams?|kg)\b"),
    ("care", r"\b(?:machine[- ]wash(?:able)?(?: (?:cold|warm|in lukewarm water))?|hand[- ]wash(?: only)?|dry[- ]clean"
             r"(?: only)?|do not bleach|wipe (?:it )?with a (?:clean |dry |damp |soft )*cloth)\b"),
    ("fit", r"\b(?:super |extra )?(?:slim|skinny|regular|relaxed|loose|straight|tapered|comfort|tailored|"
            r"oversized|boxy|bootcut|athletic) fit\b"),
    ("closure", r"\b(?:[a-z-]+ )?(?:zip|zipper|button|buckle|velcro|hook|snap|magnetic|drawstring|press[- ]stud|"
                r"lace-up|slip-on|elasticated|toggle)s?(?: and (?:zip|button|hook|buckle)s?)? closures?\b|"
                r"\bslip-on\b|\blace-ups?\b"),
    ("pattern", r"\b(?:printed|solid|striped|checked|checkered|floral(?: print)?|embroidered|self[- ]design|graphic|"
                r"colourblocked|colour-blocked|textured|geometric|abstract|polka dots?|camouflage|tie[- ]dye|"
                r"ethnic motifs?|paisley|animal print|typography|woven design|washed|quilted|sequinned|embellished)\b"),
    ("neckline", r"\b(?:round|v|crew|mandarin|polo|shirt|spread|button-down|boat|square|high|cowl|scoop|"
                 r"sweetheart|keyhole|hooded|henley|shawl|notched|turtle)[- ](?:neck|collar|lapel)\b"),
    ("sleeves", r"\b(?:short|long|three-quarter|3/4th|half|full|cap|puff|flared|roll-up|bell|raglan) sleeves?\b|"
                r"\bsleeveless\b"),
    ("length", r"\b(?:knee|ankle|calf|thigh|floor|mid-calf|hip|waist|cropped|regular|above knee|below knee) length\b"),
))
# A clause of the merchant's prose that names one of these is a feature worth stating.
FEATURE_NOUNS = frozenset("""
pocket pockets compartment compartments strap straps handle handles wheel wheels lining hood cuffs hem hemline
waistband belt loops placket sole outsole insole footbed heel toe dial bezel crown chain clasp pendant stones
slots slot lid spout base lock zips zip panel panels detail details trim mesh cushioning padding padded vents
seams buttons tassels fringes drawcord tie ties flap gusset ruffles pleats yoke darts print motifs lace
""".split())
_NOT_FEATURES = re.compile(r"specifications? of|key features of|price\s*:|\brs\.|flipkart|genuine products|"
                           r"free shipping|cash on delivery|buy\b|online\b|warranty|\bmodel (?:name|number)", re.I)
MAX_FEATURE_WORDS = 10


def fact_name(key: str) -> str:
    """The fact a field called `key` holds: a known name, or the key's own words."""
    lowered = " ".join(re.sub(r"[_\-]+", " ", key).lower().split())
    if any(word in lowered for word in IDENTIFIER_KEYS):
        return "identifier"
    for name, words in KEY_RULES:
        if any(word in lowered for word in words):
            return name
    return lowered or "detail"


def bookkeeping(key: str) -> bool:
    """A column that says nothing about the product itself: ids, links, images, ratings, times, prices."""
    return bool(_BOOKKEEPING.search(f" {key} "))


def negative(value: str) -> bool:
    return value.strip().lower() in NEGATIVE_VALUES


def feature_clause(clause: str) -> bool:
    """A short clause of prose naming a part or detail ("two zip pockets", "a padded laptop sleeve")."""
    words = re.findall(r"[a-z0-9]+", clause.lower())
    return (2 <= len(words) <= MAX_FEATURE_WORDS and bool(FEATURE_NOUNS.intersection(words))
            and not _NOT_FEATURES.search(clause))
