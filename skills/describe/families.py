"""Which family a product belongs to, and the phrasing that fits it: a watch is not "for everyday wear".

>>> family_of(Product(id="1", title="Sicons All Purpose Dog Shampoo")).name
'pet'
>>> family_of(Product(id="2", title="Maserati Time R885 Analog Watch - For Boys")).name
'watches'
>>> family_of(Product(id="3", title="Parx Men Blue Slim Fit Casual Shirt")).name
'apparel'

A family is found from the words of the category path first, then the product type, then the
title; the first family whose words appear wins, in an order that puts the more particular first
(a dog shampoo is pet care before it is beauty; cycling shorts are clothing before sports). A
product no family knows gets the neutral phrasing of `general`, which suits anything.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge.product import Product
from skills.describe.product_types import FAMILIES as KIND_FAMILIES


@dataclass(frozen=True, slots=True)
class Family:
    """The words that place a product in the family, and how a text about one reads."""

    name: str
    words: frozenset[str]
    hooks: tuple[str, ...]  # what the product is for, after "the X is ..."
    closers: tuple[str, ...]
    wearable: bool = False


def _kinds(*families: str) -> set[str]:
    return {s for f in families for spellings in KIND_FAMILIES[f].values() for s in spellings if " " not in s}


def _family(name: str, words: str | set[str], hooks: tuple[str, ...], closers: tuple[str, ...],
            wearable: bool = False) -> Family:
    found = set(words.split()) if isinstance(words, str) else set(words)
    return Family(name, frozenset(found), hooks, closers, wearable)


FAMILIES: tuple[Family, ...] = (
    _family("books", "book books novel novels cookbook paperback hardcover ebook audiobook magazine comics",
            ("a read worth making time for", "a book to keep close at hand"), ("A good read to add to your shelf.",)),
    _family("pet", "dog dogs cat cats pet pets puppy puppies kennel aquarium leash kitten",
            ("made for the pets in your care", "a pick for your pet's routine"),
            ("A thoughtful pick for your pet.", "Add it to your pet-care shelf.")),
    _family("baby", "baby babies infant infants newborn diaper diapers toddler",
            ("made for your little one", "a pick for the nursery"), ("A thoughtful pick for your little one.",)),
    _family("watches", "watch watches wristwatch smartwatch chronograph timepiece",
            ("a watch with the details that matter", "a timepiece made to be worn and noticed"),
            ("A watch to keep time in style.", "Time, told with character."), wearable=True),
    _family("jewellery", {"ring", "rings", "mangalsutra", "jewellery", "jewelry", "pendant", "pendants", "studs",
                          "anklet", "anklets", "chandbalis", "jhumkas", "jhumka", "hoops", "drops", "nosepin"} | _kinds("jewellery"),
            ("a piece made to finish a look", "jewellery with a finish worth noticing"),
            ("A piece to wear and to give.", "The finishing touch for your look."), wearable=True),
    _family("eyewear", "sunglasses spectacles eyewear goggles",
            ("eyewear that frames your look",), ("A frame to make your own.",), wearable=True),
    _family("footwear", {"shoes", "shoe", "footwear", "bellies", "clogs", "wedges", "floaters", "boots", "sneakers",
                         "ballerinas", "mojaris", "juttis", "sandals", "slippers"} | _kinds("footwear"),
            ("a pair made for days on your feet", "a pair to step out in"),
            ("A pair to wear on repeat.", "Step out in them today."), wearable=True),
    _family("bags", {"bag", "bags", "wallet", "wallets", "clutch", "clutches", "pouch", "potli", "trolley", "suitcase",
                     "luggage", "duffel", "duffle", "sling"} | _kinds("bags"),
            ("made to carry what you need", "a bag for the places you go"),
            ("Pack it and go.", "A carry-all to count on.")),
    _family("beauty", "shampoo conditioner lipstick eyeshadow kajal eyeliner mascara nail perfume deodorant fragrance "
            "cream lotion serum makeup cosmetics beauty cologne face lip foundation compact trimmer",
            ("a pick for your beauty routine", "made for your daily routine"),
            ("A pick for your routine.", "Add it to your shelf.")),
    _family("apparel", {"clothing", "apparel", "top", "tops", "tunic", "kurta", "kurti", "shorts", "cargos", "leggings",
                        "lingerie", "bra", "briefs", "trunks", "boxers", "socks", "waistcoat", "dungaree", "necktie",
                        "tie", "stole", "dupatta", "suit", "lehenga", "choli", "salwar", "churidar", "innerwear",
                        "sleepwear", "nightwear", "tracksuit", "tights", "camisole", "shrug", "capris"}
            | _kinds("clothing"),
            ("made for easy everyday wear", "a piece to wear and style your way"),
            ("A wardrobe staple to wear on repeat.", "Ready for your everyday."), wearable=True),
    _family("accessories", "belt belts cap caps hat hats scarf scarves muffler gloves umbrella keychain cufflinks",
            ("an accessory to finish your look",), ("The finishing touch for your look.",), wearable=True),
    _family("kitchen", "mug mugs cup cups bottle bottles kettle pan cookware tiffin lunch container containers jar jars "
            "plate plates bowl bowls knife spoon kitchen dining tumbler flask casserole tray cooker",
            ("made for your kitchen", "a kitchen pick for every meal"), ("A good fit for your kitchen.",)),
    _family("furniture", "sofa bed table chair shelf shelves rack wardrobe furniture stool cabinet diwan",
            ("made for your living space",), ("A piece to build a room around.",)),
    _family("home", "bedsheet bedsheets curtain curtains cushion cushions towel towels blanket blankets rug rugs "
            "carpet showpiece clock vase lamp decor furnishing plant sticker candle pillow pillows quilt dohar "
            "comforter mat mats",
            ("made to bring character to your home", "a touch of style for your home"),
            ("A home pick to enjoy every day.", "Make your space yours.")),
    _family("electronics", "mobile mobiles phone laptop charger cable adapter speaker speakers headphones headphone earphones "
            "usb powerbank case cover panel guard mouse keyboard camera router connector sensor controller mixer "
            "computer computers tablet",
            ("built for the way you use your devices", "a practical pick for your tech"), ("A smart addition to your setup.",)),
    _family("stationery", "pen pens notebook notebooks diary diaries paper stationery pencil pencils file folder",
            ("made for your desk and your notes",), ("A good companion for your desk.",)),
    _family("toys", "toy toys puzzle puzzles doll dolls game games blocks", ("made for play",), ("Let the fun begin.",)),
    _family("sports", "fitness gym dumbbell dumbbells yoga cricket football skates pads racket badminton sports "
            "cycling", ("made for your training",), ("Gear up and get going.",)),
    _family("automotive", "car bike helmet automotive vehicle", ("made for your vehicle",), ("A fit for your ride.",)),
    _family("tools", "drill tool tools hardware screwdriver spanner", ("made for the job at hand",), ("Ready for the job.",)),
    _family("food", "food gainer protein snack snacks tea coffee spices", ("a pick for your pantry",),
            ("A pantry pick worth trying.",)),
)
GENERAL = _family("general", "", ("a considered pick for your home or for a gift", "a well-made pick worth a look"),
                  ("A considered choice.", "Have a closer look."))
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")


def family_of(product: Product) -> Family:
    """The product's family, from its category path, then its type, then its title."""
    for text in (product.category, product.product_type, product.title):
        words = set(_WORD.findall(text.lower()))
        words |= {part for word in words for part in word.split("-")}
        for family in FAMILIES:
            if family.words & words:
                return family
    return GENERAL


def phrases_of(family: Family) -> tuple[str, ...]:
    """Everything a family says about what the product is for (to test that no other family says it)."""
    return family.hooks + family.closers
