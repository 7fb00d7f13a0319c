"""The parts of a shopping request that are not catalog values: who it is for, what it is for, what is
ruled out, how to order, how pricey, and whether sold-out products may be shown.

Works on lower-case text and blanks out each phrase it reads, so the words are not searched for again::

    words, rest = read_request_words("running shoes for my wife, she's a size 7, nothing black")
    words.recipient, words.gender, words.negated      # ('wife', 'women', ['black'])

Recipient words are everyday kinship and age words; the activity or occasion ("for the gym", "camping
next weekend") is only found here: what it means in a given shop is decided later, against that
catalog's own content (`knowledge.occasions`), never by a list of occasions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_WOMEN = "wife girlfriend mum mom mother mommy mummy sister grandma grandmother granny aunt auntie fiancee bride"
_MEN = "husband boyfriend dad father daddy brother grandpa grandfather uncle fiance groom"
_CHILDREN = {"son": "", "daughter": "", "niece": "", "nephew": "", "grandson": "", "granddaughter": "",
             "kid": "", "kids": "", "child": "", "children": "", "toddler": "", "baby": "", "newborn": "",
             "boy": "", "girl": "", "little one": "", "little boy": "", "little girl": ""}
KINSHIP: dict[str, tuple[str, str]] = {  # word -> (gender, age group); "" where the word does not say
    **{word: ("women", "adults") for word in _WOMEN.split()},
    **{word: ("men", "adults") for word in _MEN.split()},
    **{word: ("", "kids") for word in _CHILDREN},
    "partner": ("", "adults"), "teenager": ("", ""), "teen": ("", ""),
}
AGE_GROUPS = ("kids", "adults")
KIDS_UNTIL = 12
SORTS = ("price_asc", "price_desc", "rating")
PRICE_LEVELS = ("low", "high")

_KIN = "|".join(sorted(KINSHIP, key=len, reverse=True))
_RECIPIENT = re.compile(rf"\b(?:(?:for|to|gift for|present for)\s+)?(?:my|our|a|an|the|his|her)\s+"
                        rf"(?:little\s+|young\s+|teenage\s+|grown[- ]up\s+|\d{{1,2}}[- ]?(?:year|yr)s?[- ]?old\s+)?"
                        rf"({_KIN})\b|\bfor\s+(?:the\s+)?({_KIN})\b")
_AGE = re.compile(r"\b(?:a\s+|an\s+|my\s+)?(\d{1,2})[- ]?(?:year|yr)s?[- ]?old(?:s)?\b|\b(\d{1,2})\s*(?:yo|y/o)\b|"
                  r"\baged?\s+(\d{1,2})\b")
_PRONOUN = re.compile(r"\b(she|he)(?:'s| is| wears| takes)\b")
_INTEREST = re.compile(r"\b(?:who\s+|that\s+)?(?:loves?|likes?|enjoys?|is into|into|is a fan of|fan of|"
                       r"is passionate about|passionate about|is obsessed with|obsessed with|is big on)\s+"
                       r"([a-z][a-z-]+(?:\s+[a-z][a-z-]+)?)")
_NEGATION = re.compile(r"\b(?:but\s+)?(?:aren'?t|isn'?t|are not|is not|weren'?t|free of|"
                       r"not|no|nothing|without|except|excluding|avoid|never|anything but|"
                       r"don'?t want|do not want|don'?t like|do not like|dislike|hate|nothing in|not in|no more|"
                       r"not made of|nothing made of|none in|non)[\s-]+(?:any\s+|in\s+|made of\s+|from\s+|by\s+|"
                       r"of\s+|the\s+)?([a-z][a-z&' -]*?)(?=\s*(?:[,.;!?]|\bplease\b|\bthough\b|\bthanks\b|"
                       r"\bthat\b|\bunder\b|\bover\b|\bfor\b|\bin size\b|\bsize\b|$))")
_SORTS = (
    ("price_asc", r"\bcheapest\b|\bleast expensive\b|\blowest[- ]price[ds]?\b|\blow(?:est)? to high(?:est)?\b|"
                  r"\b(?:lowest|cheapest|low) (?:ones? )?first\b|"
                  r"\bmost affordable\b|\bsort(?:ed)? by price\b|\bby price\b"),
    ("price_desc", r"\bmost expensive\b|\bpriciest\b|\bhighest[- ]price[ds]?\b|\bhigh(?:est)? to low(?:est)?\b|"
                   r"\b(?:highest|dearest|most expensive|high) (?:ones? )?first\b|"
                   r"\bmost premium\b|\bmost luxurious\b"),
    ("rating", r"\b(?:best|top|highest|well)[- ]rated\b|\bbest[- ]reviewed\b|\b(?:best|top|good) reviews\b|"
               r"\bhighest ratings?\b|\bbest ratings?\b|\bby rating\b"),
)
_PRICE_LEVELS = (
    ("low", r"\bnot (?:too |very |that |so )?(?:expensive|pricey|costly)\b|\bcheap(?:ish)?\b|\binexpensive\b|"
            r"\baffordable\b|\bless expensive\b|\bbudget(?:[- ]friendly)?\b|\blow[- ]cost\b|\bbargains?\b|\bon a budget\b"),
    ("high", r"\b(?:more )?premium\b|\bluxur(?:y|ious)\b|\bhigh[- ]end\b|\bupscale\b|\bfancy\b|\bdesigner\b|"
             r"\btop[- ]of[- ]the[- ]range\b|(?<!less )(?<!too )(?<!more )\bexpensive\b|\bsplurge\b"),
)
_ANY_STOCK = re.compile(r"\b(?:includ\w*|even(?: if)?(?: it'?s| they'?re| they are| it is)?|also|show(?: me)?|with)\s+"
                        r"(?:the\s+)?(?:ones?\s+)?(?:that\s+are\s+)?(?:out[- ]of[- ]stock|sold[- ]out|unavailable)"
                        r"(?:\s+(?:ones|items|products))?\b|\b(?:out[- ]of[- ]stock|sold[- ]out)(?:\s+ones)?\s+"
                        r"(?:too|as well|also|(?:is|are) (?:fine|ok|okay))\b|\bdon'?t care (?:if|whether) "
                        r"(?:it'?s|they'?re) in stock\b")
_OCCASION_FOR = re.compile(r"\bfor\s+(?:(?:a|an|the|my|our|some|this|next)\s+)?([a-z][a-z-]+(?:\s+(?:trip|day|night|"
                           r"party|season|holiday|break|weekend|session|class|run|wedding))?)\b")
_OCCASION_ING = re.compile(r"\b(?:go(?:ing)?\s+)?([a-z]{3,}ing)(?:\s+(?:trip|holiday|weekend|day))?\b")
_LEADS_ACTIVITY = frozenset("""for go going i i'm im we we're were love loves like likes enjoy enjoys into do does
a an some my our the on about while when after before and or to of with new""".split())
_TRIP = re.compile(r"\b([a-z]{3,})\s+(?:trip|holiday|vacation|getaway)\b")
_NOT_OCCASIONS = frozenset("""me you him her them us it sale less more under over about around between something anything
everything gift gifts present presents idea ideas everyday daily now today tomorrow weekend sure real
someone somebody myself yourself himself herself women men kids ladies gents unisex boys girls children
size sizes everything nothing thing things one ones pair pairs instead example sure now then once good
this that these those all everyone everybody free change me""".split())
_FUNCTION_WORDS = frozenset("""a an the to for of in on at by with from and or but nor it its this that these those them
his her my our your their some any maybe perhaps just also very so too buy get got find see need want""".split())
"""Words that never open an occasion or an interest ("looking for for women", "I'd like to buy")."""
_NOT_ACTIVITY = frozenset("""something anything nothing everything thing king ring bring during morning evening
looking shopping wedding clothing bedding string sing spring sling ceiling building earring earrings
sibling darling pudding stocking trainning""".split())


@dataclass
class RequestWords:
    """What one message said about the request beyond catalog values (empty fields: not said)."""

    recipient: str = ""
    gender: str = ""
    age_group: str = ""
    interest: str = ""
    negated: list[str] = field(default_factory=list)
    sort: str = ""
    price_level: str = ""
    include_out_of_stock: bool = False


def read_request_words(text: str) -> tuple[RequestWords, str]:
    """The request words in lower-case ``text`` and the text with them blanked out; the occasion is read
    later, by :func:`find_occasion`, from the words no catalog term claimed."""
    words = RequestWords()
    text = _read_stock(words, text)
    text = _read_recipient(words, text)
    text = _read_interest(words, text)
    text = _read_sort_and_level(words, text)  # before negations: "not too expensive" is a price level
    text = _read_negations(words, text)
    return words, text


def _blank(text: str, match: re.Match[str]) -> str:
    return text[:match.start()] + " " * (match.end() - match.start()) + text[match.end():]


def _read_stock(words: RequestWords, text: str) -> str:
    match = _ANY_STOCK.search(text)
    if match:
        words.include_out_of_stock = True
        text = _blank(text, match)
    return text


def _read_recipient(words: RequestWords, text: str) -> str:
    match = _RECIPIENT.search(text)
    if match:
        word = match.group(1) or match.group(2)
        words.recipient = word
        words.gender, words.age_group = KINSHIP[word]
        text = _blank(text, match)
    age = _AGE.search(text)
    if age:
        years = int(next(group for group in age.groups() if group))
        words.recipient = words.recipient or f"{years}-year-old"
        words.age_group = "kids" if years <= KIDS_UNTIL else "adults" if years >= 18 else words.age_group
        text = _blank(text, age)
    pronoun = _PRONOUN.search(text)
    if pronoun and not words.gender and words.age_group != "kids":
        words.gender = "women" if pronoun.group(1) == "she" else "men"
    return re.sub(r"\b(?:she|he)(?:'s)?\b", " ", text)


def _read_interest(words: RequestWords, text: str) -> str:
    match = next((m for m in _INTEREST.finditer(text) if m.group(1).split()[0] not in _FUNCTION_WORDS), None)
    if match:
        phrase = match.group(1).split()
        words.interest = " ".join(phrase[:1] if len(phrase) > 1 and phrase[1] in ("and", "or", "but") else phrase)
        text = _blank(text, match)
    return text


def _read_negations(words: RequestWords, text: str) -> str:
    """'nothing black', 'not red or pink', 'no Nimbus', 'without leather': the phrases ruled out."""
    for match in list(_NEGATION.finditer(text)):
        phrase = match.group(1).strip()
        parts = [p.strip() for p in re.split(r"\s*(?:,|\bor\b|\band\b|\bnor\b|/)\s*", phrase) if p.strip()]
        words.negated += [p for p in parts if p not in ("too", "so", "very", "one", "ones")]
        text = _blank(text, match)
    return text


def _read_sort_and_level(words: RequestWords, text: str) -> str:
    for sort, pattern in _SORTS:
        match = re.search(pattern, text)
        if match:
            words.sort = sort
            text = _blank(text, match)
            break
    for level, pattern in _PRICE_LEVELS:
        match = re.search(pattern, text)
        if match:
            words.price_level = level
            text = _blank(text, match)
            break
    return text


def find_occasion(text: str) -> str:
    """An activity or occasion in the words left once catalog terms are read ("for the gym" -> "gym",
    "camping next weekend" -> "camping"); "" when there is none. It stays in the search text too."""
    for pattern in (_TRIP, _OCCASION_FOR, _OCCASION_ING):
        for match in pattern.finditer(text):
            phrase = match.group(1)
            head = phrase.split()[0]
            if head in _NOT_OCCASIONS or head in _FUNCTION_WORDS or (head in _NOT_ACTIVITY and pattern is _OCCASION_ING):
                continue
            if pattern is _OCCASION_ING and _modifies(text, match.start(1)):
                continue  # "noise cancelling", "moisture wicking", "fast charging": a feature, not an activity
            article = re.match(r"for\s+(the|a|an)\s", match.group(0)) if pattern is _OCCASION_FOR else None
            return f"{article.group(1)} {phrase}" if article else phrase
    return ""


def _modifies(text: str, start: int) -> bool:
    """An -ing word right after a content word modifies it as a feature ("noise cancelling"), where an
    activity opens the message or follows a word such as "for", "go", "love" ("hiking boots", "for running")."""
    before = text[:start].split()
    return bool(before) and before[-1].strip(",.;:!?") not in _LEADS_ACTIVITY
