"""The brand finder matches exactly what one alternation of every brand matches, only faster."""
import random
import re

from skills.describe.brand_names import BrandNames

BRANDS = ["Levi's", "H&M", "Nike", "Nike Pro", "ONLY", "Next", "U.S. Polo Assn.", "Puma", "Roadster", "The North Face",
          "North", "&Other Stories", "Mango", "Mango Man", "W", "Ab", "Van Heusen", "Allen Solly", "Vero Moda"]
TEXTS = [
    "Nike Pro tights, not H&M or Levi's.", "ONLY 4 LEFT from the north face of Roadster", "by &Other Stories",
    "a u.s. polo assn. shirt", "Nikes and pumas", "Mango Man, mango, MANGO MAN", "van heusen-style ab workout",
    "NorthFace", "The North Face jacket by Next", "", "no brand here", "Levi'sjeans", "PumaNike Nike-Pro",
]


def whole_alternation(names):
    """Every name in one case-insensitive, whole-word alternation, the longest first: the slow way."""
    ordered = sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=lambda n: (-len(n), n))
    return re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, ordered))})(?!\w)", re.I)


def spans(matches):
    return [(m.span(), m.group(0)) for m in matches]


def test_the_same_mentions_as_one_alternation_of_every_brand():
    slow, fast = whole_alternation(BRANDS), BrandNames(BRANDS)
    rng = random.Random(0)
    words = " ".join(TEXTS + BRANDS).split()
    shuffled = [" ".join(rng.choice(words) for _ in range(12)) for _ in range(300)]
    for text in TEXTS + shuffled:
        assert spans(fast.finditer(text)) == spans(slow.finditer(text)), text


def test_the_longest_brand_wins_and_case_does_not_matter():
    names = BrandNames(BRANDS)
    assert [m.group(0) for m in names.finditer("NIKE PRO and nike")] == ["NIKE PRO", "nike"]


def test_no_brands_is_false_and_finds_nothing():
    assert not BrandNames(["", " x "]) and list(BrandNames(["Nike"]).finditer("puma")) == []
