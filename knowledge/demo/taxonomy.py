"""The invented shop behind the demo catalog: categories, product kinds, brands and colours.

Every brand here is made up. Prices are in USD and sized so that common questions ("red
sneakers under $80") have several answers.
"""
from __future__ import annotations

from dataclasses import dataclass

PALETTE: dict[str, tuple[int, int, int]] = {
    "red": (206, 46, 52),
    "blue": (44, 104, 196),
    "black": (38, 38, 42),
    "white": (246, 246, 242),
    "green": (52, 150, 82),
    "grey": (134, 138, 144),
    "navy": (30, 44, 92),
    "pink": (236, 130, 170),
    "beige": (222, 200, 164),
    "brown": (124, 80, 48),
    "yellow": (244, 202, 48),
    "orange": (240, 126, 36),
    "purple": (120, 70, 168),
    "silver": (192, 196, 204),
}
COLOUR_WEIGHTS: dict[str, int] = {
    "red": 14, "blue": 10, "black": 12, "white": 10, "green": 6, "grey": 7, "navy": 6,
    "pink": 5, "beige": 5, "brown": 5, "yellow": 4, "orange": 4, "purple": 4, "silver": 4,
}

SHOE_SIZES = tuple(str(n) for n in range(6, 13))
APPAREL_SIZES = ("XS", "S", "M", "L", "XL")
WAIST_SIZES = ("28", "30", "32", "34", "36")
RING_SIZES = ("5", "6", "7", "8", "9")
SIZE_SETS: dict[str, tuple[str, ...]] = {
    "shoe": SHOE_SIZES, "apparel": APPAREL_SIZES, "waist": WAIST_SIZES, "ring": RING_SIZES, "none": (),
}
ADULT = ("women", "men", "unisex")
EVERYONE = ("women", "men", "unisex", "kids")


@dataclass(frozen=True, slots=True)
class ProductKind:
    """One product type: how it is priced, sized, made, named and drawn."""

    product_type: str
    noun: str
    price: tuple[float, float]
    sizes: str
    materials: tuple[str, ...]
    genders: tuple[str, ...]
    shape: str
    features: tuple[str, ...]
    weight: int = 1
    colours: tuple[str, ...] = ()


def _k(product_type: str, noun: str, price: tuple[float, float], sizes: str, materials: str, genders: tuple[str, ...],
       shape: str, features: tuple[str, ...], weight: int = 1, colours: str = "") -> ProductKind:
    return ProductKind(product_type, noun, price, sizes, tuple(materials.split(",")), genders, shape, features,
                       weight, tuple(colours.split(",")) if colours else ())


_SHOE_FEEL = ("a cushioned footbed for all-day comfort", "a grippy rubber outsole", "a padded collar and heel tab")
_SOFT = ("a relaxed everyday fit", "soft, breathable fabric", "reinforced seams that hold their shape wash after wash")

CATEGORIES: dict[str, tuple[ProductKind, ...]] = {
    "shoes": (
        _k("sneakers", "Sneakers", (35, 170), "shoe", "leather,canvas,suede,mesh", EVERYONE, "sneaker", _SHOE_FEEL, 10),
        _k("running shoes", "Running Shoes", (50, 200), "shoe", "mesh,knit", EVERYONE, "sneaker",
           ("a responsive foam midsole", "a breathable knit upper", "reflective details for early runs"), 4),
        _k("boots", "Boots", (70, 260), "shoe", "leather,suede,rubber", ADULT, "boot",
           ("a lug sole for wet streets", "a side zip for easy on and off", "a warm lining"), 3),
        _k("sandals", "Sandals", (20, 90), "shoe", "leather,rubber,cork", EVERYONE, "sandal",
           ("adjustable straps", "a contoured footbed", "a lightweight sole"), 2),
        _k("loafers", "Loafers", (60, 190), "shoe", "leather,suede", ADULT, "loafer",
           ("a slip-on design", "a hand-stitched moc toe", "a flexible leather sole"), 2),
        _k("heels", "Heels", (45, 220), "shoe", "leather,suede,satin", ("women",), "heel",
           ("a 7 cm block heel", "a padded insole", "an ankle strap with a buckle"), 2),
    ),
    "apparel": (
        _k("t-shirt", "T-Shirt", (12, 45), "apparel", "cotton,organic cotton,linen", EVERYONE, "tshirt", _SOFT, 5),
        _k("hoodie", "Hoodie", (30, 95), "apparel", "cotton,fleece", EVERYONE, "hoodie",
           ("a brushed fleece lining", "a kangaroo pocket", "ribbed cuffs"), 3),
        _k("jeans", "Jeans", (35, 140), "waist", "denim,stretch denim", ADULT, "jeans",
           ("a mid-rise straight leg", "five-pocket styling", "a touch of stretch for comfort"), 3),
        _k("dress", "Dress", (30, 160), "apparel", "cotton,linen,silk,viscose", ("women", "kids"), "dress",
           ("a flattering A-line cut", "a midi length", "hidden side pockets"), 3),
        _k("jacket", "Jacket", (50, 280), "apparel", "nylon,leather,denim,wool", EVERYONE, "jacket",
           ("a water-repellent finish", "a two-way zip", "deep hand pockets"), 3),
        _k("sweater", "Sweater", (35, 150), "apparel", "wool,merino wool,cashmere,cotton", EVERYONE, "sweater",
           ("a classic crew neck", "ribbed trims", "a soft hand feel"), 2),
        _k("shorts", "Shorts", (15, 60), "apparel", "cotton,nylon,linen", EVERYONE, "shorts", _SOFT, 2),
    ),
    "accessories": (
        _k("cap", "Cap", (12, 40), "none", "cotton,wool", EVERYONE, "cap",
           ("an adjustable strap", "a curved brim", "an embroidered logo")),
        _k("scarf", "Scarf", (15, 90), "none", "wool,cashmere,silk", ADULT, "scarf",
           ("a generous length", "fringed ends", "a soft brushed finish")),
        _k("sunglasses", "Sunglasses", (20, 180), "none", "acetate,metal", ADULT, "sunglasses",
           ("UV400 polarised lenses", "spring hinges", "a protective case")),
        _k("belt", "Belt", (18, 85), "waist", "leather,canvas", ADULT, "belt",
           ("a brushed metal buckle", "a reversible strap", "five adjustment holes")),
        _k("watch", "Watch", (40, 320), "none", "stainless steel,leather,silicone", ADULT, "watch",
           ("water resistance to 50 m", "a scratch-resistant glass", "a quick-release strap")),
    ),
    "bags": (
        _k("backpack", "Backpack", (30, 160), "none", "nylon,canvas,leather", EVERYONE, "backpack",
           ("a padded laptop sleeve", "water-resistant zips", "comfortable mesh straps"), 2),
        _k("tote bag", "Tote Bag", (20, 120), "none", "canvas,leather,cotton", ("women", "unisex"), "tote",
           ("an inner zip pocket", "sturdy shoulder handles", "a roomy main compartment")),
        _k("crossbody bag", "Crossbody Bag", (35, 220), "none", "leather,nylon", ("women", "unisex"), "crossbody",
           ("an adjustable strap", "a magnetic flap", "card slots inside")),
        _k("duffel bag", "Duffel Bag", (40, 180), "none", "nylon,canvas,leather", ("unisex",), "duffel",
           ("a separate shoe compartment", "a detachable shoulder strap", "a wipe-clean lining")),
    ),
    "home": (
        _k("lamp", "Table Lamp", (25, 160), "none", "ceramic,metal,glass", ("",), "lamp",
           ("a warm dimmable glow", "a linen shade", "an in-line switch")),
        _k("cushion", "Cushion", (15, 60), "none", "cotton,linen,velvet", ("",), "cushion",
           ("a feather-soft filling", "a removable, washable cover", "a hidden zip")),
        _k("vase", "Vase", (18, 90), "none", "ceramic,glass", ("",), "vase",
           ("a hand-glazed finish", "a weighted base", "a watertight inner coat")),
        _k("throw blanket", "Throw Blanket", (25, 120), "none", "wool,cotton,fleece", ("",), "blanket",
           ("a chunky knit", "tasselled edges", "a size that covers a sofa")),
    ),
    "furniture": (
        _k("sofa", "Sofa", (350, 1800), "none", "linen,velvet,leather", ("",), "sofa",
           ("deep seat cushions", "solid oak legs", "a removable cover")),
        _k("armchair", "Armchair", (180, 900), "none", "linen,velvet,leather", ("",), "armchair",
           ("a high supportive back", "solid wooden legs", "pocket-sprung seating")),
        _k("coffee table", "Coffee Table", (90, 600), "none", "oak,walnut,glass", ("",), "table",
           ("rounded corners", "a lower storage shelf", "a wipe-clean top"), colours="brown,black,white,beige"),
    ),
    "kitchen": (
        _k("mug", "Mug", (8, 30), "none", "ceramic,stoneware,enamel", ("",), "mug",
           ("a 350 ml capacity", "a comfortable handle", "dishwasher-safe glaze"), 2),
        _k("frying pan", "Frying Pan", (20, 140), "none", "cast iron,stainless steel,aluminium", ("",), "pan",
           ("a non-stick coating", "a stay-cool handle", "an induction-ready base")),
        _k("chef knife", "Chef Knife", (25, 200), "none", "stainless steel,carbon steel", ("",), "knife",
           ("a 20 cm blade", "a full tang", "a balanced ergonomic grip"), colours="silver,black"),
        _k("kettle", "Kettle", (25, 130), "none", "stainless steel,glass", ("",), "kettle",
           ("a 1.7 litre capacity", "rapid boil", "automatic shut-off")),
    ),
    "electronics": (
        _k("headphones", "Headphones", (30, 350), "none", "plastic,aluminium", ("unisex",), "headphones",
           ("active noise cancelling", "30 hours of battery life", "soft memory-foam ear cushions"), 2,
           "black,white,silver,blue,red,pink,navy,grey"),
        _k("smartphone", "Smartphone", (180, 1100), "none", "aluminium,glass", ("unisex",), "phone",
           ("a 6.1-inch OLED screen", "a triple-lens camera", "all-day battery life"), 1,
           "black,white,silver,blue,purple"),
        _k("speaker", "Bluetooth Speaker", (25, 250), "none", "fabric,plastic", ("unisex",), "speaker",
           ("deep 360-degree sound", "a splash-proof body", "12 hours of playtime")),
        _k("laptop", "Laptop", (450, 2200), "none", "aluminium", ("unisex",), "laptop",
           ("a 14-inch display", "16 GB of memory", "a backlit keyboard"), 1, "silver,grey,black"),
    ),
    "beauty": (
        _k("lipstick", "Lipstick", (8, 42), "none", "satin,matte", ("women",), "lipstick",
           ("a long-wearing formula", "a hydrating finish", "rich, even colour"),
           colours="red,pink,brown,purple,orange,beige"),
        _k("perfume", "Perfume", (30, 150), "none", "glass", ADULT, "perfume",
           ("notes of bergamot and cedar", "a long-lasting trail", "a refillable bottle")),
        _k("face cream", "Face Cream", (12, 90), "none", "plant-based", ADULT, "jar",
           ("hyaluronic acid", "a light, fast-absorbing texture", "no added fragrance"),
           colours="white,pink,beige,green"),
    ),
    "sports": (
        _k("yoga mat", "Yoga Mat", (18, 90), "none", "natural rubber,TPE,cork", ("unisex",), "mat",
           ("a non-slip grip", "6 mm of cushioning", "a carry strap")),
        _k("dumbbell set", "Dumbbell Set", (30, 220), "none", "cast iron,neoprene", ("unisex",), "dumbbell",
           ("hexagonal heads that do not roll", "knurled handles", "a storage rack")),
        _k("football", "Football", (15, 60), "none", "synthetic leather", ("unisex", "kids"), "ball",
           ("a size 5 match ball", "machine-stitched panels", "a butyl bladder for air retention")),
        _k("water bottle", "Water Bottle", (10, 45), "none", "stainless steel,plastic", ("unisex",), "bottle",
           ("double-wall insulation", "a leak-proof lid", "a 750 ml capacity")),
    ),
    "toys": (
        _k("teddy bear", "Teddy Bear", (12, 60), "none", "plush,organic cotton", ("kids",), "bear",
           ("embroidered eyes that are safe for babies", "an extra-soft plush", "machine washable")),
        _k("building blocks", "Building Blocks", (15, 120), "none", "plastic,wood", ("kids",), "blocks",
           ("120 colourful pieces", "a storage box", "pieces that fit every major brand")),
        _k("toy car", "Toy Car", (8, 70), "none", "die-cast metal,plastic", ("kids",), "car",
           ("pull-back action", "rubber tyres", "opening doors")),
    ),
    "outdoor": (
        _k("tent", "Tent", (60, 450), "none", "polyester,nylon", ("unisex",), "tent",
           ("a 2-person footprint", "a quick-pitch frame", "a waterproof flysheet")),
        _k("sleeping bag", "Sleeping Bag", (40, 260), "none", "down,synthetic fill", ("unisex",), "sleepingbag",
           ("a comfort rating of 2 °C", "a compression sack", "a two-way zip")),
        _k("camping chair", "Camping Chair", (25, 110), "none", "aluminium,polyester", ("unisex",), "chair",
           ("a cup holder", "a folding frame", "a 120 kg load rating")),
    ),
    "jewelry": (
        _k("ring", "Ring", (25, 400), "ring", "sterling silver,gold-plated brass,titanium", ("women", "men", "unisex"),
           "ring", ("a polished finish", "a comfort-fit band", "a hypoallergenic metal"),
           colours="silver,yellow,black"),
        _k("necklace", "Necklace", (30, 500), "none", "sterling silver,gold-plated brass", ("women", "unisex"),
           "necklace", ("a 45 cm chain", "a lobster clasp", "a delicate pendant"),
           colours="silver,yellow,pink,blue,green"),
        _k("earrings", "Earrings", (20, 300), "none", "sterling silver,gold-plated brass,pearl", ("women",),
           "earrings", ("hypoallergenic posts", "a secure butterfly back", "a brilliant polish"),
           colours="silver,yellow,white,pink,blue"),
    ),
}

CATEGORY_WEIGHTS: dict[str, int] = {
    "shoes": 20, "apparel": 20, "accessories": 8, "bags": 7, "home": 6, "furniture": 4, "kitchen": 6,
    "electronics": 7, "beauty": 5, "sports": 6, "toys": 4, "outdoor": 4, "jewelry": 5,
}

BRANDS: dict[str, tuple[str, ...]] = {
    "shoes": ("Nimbus", "Strider", "Pavemark", "Loma", "Cobbleway"),
    "apparel": ("Threadhouse", "Northloom", "Sundry & Co", "Paloma Row", "Kestrel"),
    "accessories": ("Brimwell", "Ostra", "Halden", "Kestrel"),
    "bags": ("Carryall Studio", "Voyagio", "Satchelry", "Ostra"),
    "home": ("Hearthly", "Casa Lune", "Willowmere"),
    "furniture": ("Oakhaven", "Casa Lune", "Settle & Sit"),
    "kitchen": ("Copperleaf", "Panterra", "Brewden"),
    "electronics": ("Voltaro", "Sonique", "Pixelon", "Arclight"),
    "beauty": ("Lumiere Lab", "Petalwise", "Dewdrop"),
    "sports": ("Fitforge", "Pacebound", "Kinetica"),
    "toys": ("Tumbletot", "Wonderbloc", "Pipsqueak"),
    "outdoor": ("Ridgeline", "Campfire Co", "Trailhaven"),
    "jewelry": ("Aurelle", "Glintworks", "Marisol"),
}

STYLES: dict[str, tuple[str, ...]] = {
    "shoes": ("Classic", "Urban", "Trail", "Retro", "Everyday", "Cloud"),
    "apparel": ("Essential", "Relaxed", "Slim", "Vintage", "Weekend", "Studio"),
    "accessories": ("Classic", "Minimal", "Heritage", "Coastal"),
    "bags": ("Commuter", "Weekend", "Minimal", "Explorer"),
    "home": ("Nordic", "Rustic", "Modern", "Coastal"),
    "furniture": ("Nordic", "Mid-Century", "Modern", "Cosy"),
    "kitchen": ("Pro", "Everyday", "Artisan", "Classic"),
    "electronics": ("Pro", "Lite", "Max", "Go"),
    "beauty": ("Velvet", "Glow", "Pure", "Bloom"),
    "sports": ("Pro", "Core", "Active", "Endurance"),
    "toys": ("Happy", "Little", "Adventure", "Rainbow"),
    "outdoor": ("Alpine", "Summit", "Basecamp", "Trek"),
    "jewelry": ("Luna", "Solstice", "Petite", "Heirloom"),
}
