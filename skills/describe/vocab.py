"""The words a product text can state facts with: colours, materials, genders, sizes, claims.

The grounding check looks for these in a generated text and asks the product's attributes for
each one it finds. A word missing from these lists is not checked, so the lists lean wide: a
false alarm only costs a regeneration, a miss shows a shopper something untrue.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

COLOURS = frozenset("""
red blue black white green grey gray brown yellow pink beige gold maroon orange silver purple
burgundy khaki navy lavender mustard magenta charcoal rose platinum bronze peach turquoise teal
olive tan cream ivory coral violet indigo lilac mauve mint aqua cyan fuchsia rust copper camel
taupe nude off-white multicolour multicolor multi-coloured
""".split())

COLOUR_SYNONYMS = {"gray": "grey", "multicolor": "multicolour", "multi-coloured": "multicolour"}

MATERIALS = frozenset("""
cotton leather suede silk wool linen denim polyester nylon canvas mesh knit rubber cork satin
ceramic glass steel stainless metal wood wooden bamboo cashmere velvet silicone plastic acrylic
viscose rayon spandex elastane lycra fleece jersey chiffon georgette crepe lace brass aluminium
aluminum iron copper porcelain stoneware marble jute gold-plated silver-plated sterling
faux-leather pu tpu tweed corduroy modal merino alpaca mohair organza tulle
""".split())

# "gold", "silver" and "copper" are colours and materials at once; either role needs support.

GENDER_WORDS = {
    "women": "women", "woman": "women", "womens": "women", "women's": "women", "ladies": "women",
    "men": "men", "man": "men", "mens": "men", "men's": "men",
    "boys": "boys", "boy": "boys", "boy's": "boys", "girls": "girls", "girl": "girls", "girl's": "girls",
    "kids": "kids", "kid's": "kids", "children": "kids", "children's": "kids", "unisex": "unisex",
}
# Which stated audiences each catalog gender supports.
GENDER_SUPPORT = {
    "women": {"women"}, "men": {"men"}, "unisex": {"unisex", "men", "women"},
    "boys": {"boys", "kids"}, "girls": {"girls", "kids"}, "kids": {"kids", "boys", "girls"},
    "unisex kids": {"kids", "boys", "girls", "unisex"},
}

LETTER_SIZES = frozenset({"xxs", "xs", "s", "m", "l", "xl", "xxl", "xxxl", "2xl", "3xl", "4xl"})

NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12, "twenty": 20, "fifty": 50, "hundred": 100,
}

CURRENCY_MARKS = {"$": "USD", "usd": "USD", "€": "EUR", "eur": "EUR", "£": "GBP", "gbp": "GBP",
                  "₹": "INR", "rs": "INR", "rs.": "INR", "inr": "INR"}


@dataclass(frozen=True, slots=True)
class Claim:
    """A claim a text can make, and the attribute wording that backs it."""

    name: str
    kind: str  # "property", "superlative" or "health"
    stated: re.Pattern[str]
    backed_by: re.Pattern[str]


def _claim(name: str, stated: str, backed_by: str | None = None, kind: str = "property") -> Claim:
    return Claim(name, kind, re.compile(stated, re.I), re.compile(backed_by or stated, re.I))


CLAIMS: tuple[Claim, ...] = (
    _claim("waterproof", r"\bwater[- ]?proof\b"),
    _claim("water-resistant", r"\bwater[- ]?(?:resistant|resistance|repellent)\b",
           r"\bwater[- ]?(?:resistant|resistance|repellent|proof)\b"),
    _claim("windproof", r"\bwind[- ]?proof\b"),
    _claim("organic", r"\borganic\b"),
    _claim("handmade", r"\bhand[- ]?(?:made|crafted|woven|knitted|painted)\b|\bmade by hand\b"),
    _claim("hypoallergenic", r"\bhypo[- ]?allergenic\b"),
    _claim("vegan", r"\bvegan\b"),
    _claim("recycled", r"\brecycled\b"),
    _claim("sustainable", r"\beco[- ]?friendly\b|\bsustainabl[ey]\b|\benvironmentally friendly\b|\bbiodegradable\b"),
    _claim("breathable", r"\bbreathable\b"),
    _claim("lightweight", r"\blight[- ]?weight\b|\bfeather[- ]?light\b"),
    _claim("stretch", r"\bstretch(?:able|y)?\b"),
    _claim("machine washable", r"\bmachine[- ]?washable\b"),
    _claim("wrinkle-free", r"\bwrinkle[- ]?(?:free|resistant)\b|\bnon[- ]?iron\b"),
    _claim("stain-resistant", r"\bstain[- ]?(?:resistant|proof)\b"),
    _claim("uv protection", r"\buv\b|\bspf\b"),
    _claim("antibacterial", r"\banti[- ]?(?:bacterial|microbial)\b"),
    _claim("non-toxic", r"\bnon[- ]?toxic\b|\bbpa[- ]?free\b"),
    _claim("dishwasher-safe", r"\b(?:dishwasher|microwave|oven)[- ]?safe\b"),
    _claim("genuine", r"\b(?:genuine|real|authentic|pure)\s+(?:leather|silk|wool|cashmere|gold|silver)\b"),
    _claim("warranty", r"\bwarrant(?:y|ies|ied)\b|\bguarantee[ds]?\b"),
    _claim("free delivery", r"\bfree (?:shipping|delivery|returns?)\b"),
    _claim("limited edition", r"\blimited[- ]edition\b|\bexclusive\b"),
    _claim("certified", r"\bcertified\b"),
    _claim("best", r"\bbest\b|\bbest[- ]?sell(?:er|ers|ing)\b", kind="superlative"),
    _claim("#1", r"#\s?1\b|\bnumber one\b|\bno\.\s?1\b", kind="superlative"),
    _claim("top-rated", r"\btop[- ]?rated\b|\baward[- ]?winning\b|\bworld'?s\b|\bunbeatable\b", kind="superlative"),
    _claim("cheapest", r"\bcheapest\b|\blowest price\b", kind="superlative"),
    _claim("health", r"\bcur(?:e|es|ed|ing)\b|\bheal(?:s|ing)?\b|\btreat(?:s|ment)\b|\bprevents?\b|\bdetox\w*|"
           r"\bimmun\w*|\banti[- ]?ag(?:e|ing)\b|\bclinically\b|\bdermatologist\w*|\bweight[- ]loss\b|"
           r"\bpain[- ]relief\b|\btherapeutic\b|\bmedical\b", kind="health"),
)

DEFAULT_ALLOWED_PHRASES = ("best of both worlds", "easy to style", "wardrobe staple")

SCARCITY = re.compile(r"\bselling fast\b|\balmost gone\b|\blast (?:few|chance)\b|\bwhile stocks? lasts?\b|"
                      r"\bonly \d+ left\b|\bhurry\b|\blow (?:in )?stock\b|\bfew left\b", re.I)
IN_STOCK = re.compile(r"\bin stock\b|\bavailable now\b|\bready to ship\b", re.I)

# Brands that are also everyday words ("Only", "Next", "Nature", "Apple") are read as brands only
# where they are written as one: after "by" or "from", or capitalised inside a sentence. At the
# start of a sentence, in lower case or in capitals for emphasis they are the everyday word.
# (Colours, materials, number words and product kinds count as everyday words too.)
COMMON_WORDS = frozenset("""
only next here now people being style free fresh urban pure daily basic basics classic new
today trend trends mode kind true bold simple smart street native united wild your you my our
the this that hello hi go play rare wear home chic lush fame forever always sassy hush
a about above after again all also am an and any are as at be because been before both but by can
could did do does each even few for from further had has have he her here him his how i id if in
into is it its just me more most no nor not of off on once or other out over own same she should
so some such than then there these they those through to too under until up very was we were what
when where which while who why will with would yes
nature apple mango police fortune liberty simply metro fox envy ether genius duke zeal voyage
frozen killer coolers kittens madame guess gap cat ants gods gas fever hammer obsessions urbane
campus titan sonata newport newton harvard athena genie globus oomph chemistry selected soles
arrow elle equinox fossil puma jaguar dove lux olay oasis mast harbour levi levis target
essentials everyday life living love lady golden royal spring summer winter autumn sun moon star
peach berry honey cherry pearl crystal diamond coral orchid lotus rose lily daisy sunflower
""".split())
