"""Generate a demo shop: a realistic, deterministic catalog with one drawn picture per product.

    from pathlib import Path
    catalog_path = generate_demo_catalog(Path("var/demo"), n=2400, seed=0)

or from a shell::

    python -m knowledge.demo.catalog var/demo --n 2400
"""
from __future__ import annotations

import argparse
import math
import random
import zlib
from collections.abc import Sequence
from pathlib import Path

from knowledge.catalog_io import write_jsonl
from knowledge.demo.taxonomy import (
    BRANDS, CATEGORIES, CATEGORY_WEIGHTS, COLOUR_WEIGHTS, PALETTE, SIZE_SETS, STYLES, ProductKind,
)
from knowledge.inflect import is_plural
from knowledge.product import Product

CATALOG_NAME = "catalog.jsonl"
IMAGES_DIR = "images"
KIND_BY_TYPE: dict[str, ProductKind] = {kind.product_type: kind for kinds in CATEGORIES.values() for kind in kinds}
_GENDER_WORDS = {"women": "Women's", "men": "Men's", "kids": "Kids'"}
_GENDER_SENTENCES = {
    "women": "Cut for women", "men": "Cut for men", "unisex": "A unisex design", "kids": "Made for kids",
}


def generate_products(n: int, seed: int = 0, images: bool = True) -> list[Product]:
    """``n`` demo products; the first ones walk through every category so a small ``n`` still covers all."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    rng = random.Random(seed)
    categories = list(CATEGORIES)
    weights = [CATEGORY_WEIGHTS[name] for name in categories]
    width = max(5, len(str(n)))
    products = []
    for number in range(1, n + 1):
        category = categories[number - 1] if number <= len(categories) else rng.choices(categories, weights)[0]
        product_id = f"sku-{number:0{width}d}"
        products.append(_product(rng, product_id, category, images))
    return products


def generate_demo_catalog(out_dir: Path, n: int = 2400, seed: int = 0, progress: bool = False,
                          images: bool = True) -> Path:
    """Write ``out_dir/catalog.jsonl`` and, with ``images``, ``out_dir/images/<id>.png``; returns the catalog path."""
    out_dir = Path(out_dir)
    products = generate_products(n, seed, images)
    if images:
        _write_images(products, out_dir / IMAGES_DIR, progress)
    return write_jsonl(products, out_dir / CATALOG_NAME)


def _product(rng: random.Random, product_id: str, category: str, with_image: bool) -> Product:
    kinds = CATEGORIES[category]
    kind = rng.choices(kinds, [k.weight for k in kinds])[0]
    palette = kind.colours or tuple(PALETTE)
    colour = rng.choices(palette, [COLOUR_WEIGHTS[c] for c in palette])[0]
    brand = rng.choice(BRANDS[category])
    style = rng.choice(STYLES[category])
    material = rng.choice(kind.materials)
    gender = rng.choice(kind.genders)
    features = rng.sample(kind.features, 2)
    sizes = _sizes(rng, SIZE_SETS[kind.sizes])
    return Product(
        id=product_id,
        title=_title(rng, brand, style, colour, material, kind, gender),
        description=_description(rng, brand, colour, material, kind, gender, features, sizes),
        brand=brand,
        category=category,
        product_type=kind.product_type,
        price=_price(rng, kind.price),
        colour=colour,
        sizes=sizes,
        material=material,
        gender=gender,
        image=f"{IMAGES_DIR}/{product_id}.png" if with_image else "",
        url=f"/products/{product_id}",
        stock=0 if rng.random() < 0.1 else rng.randint(1, 80),
        attributes={"style": style.lower(), "feature": features[0]},
    )


def _price(rng: random.Random, bounds: tuple[float, float]) -> float:
    low, high = bounds
    raw = rng.triangular(low, high, low + (high - low) * 0.2)
    ending = rng.choice((0.99, 0.99, 0.99, 0.5, 0.0))
    return round(max(low, math.floor(raw)) + ending, 2)


def _sizes(rng: random.Random, available: tuple[str, ...]) -> tuple[str, ...]:
    kept = tuple(size for size in available if rng.random() < 0.85)
    return kept or available[:1]


def _title_case(text: str) -> str:
    return " ".join(word if word.isupper() else word[:1].upper() + word[1:] for word in text.split())


def _title(rng: random.Random, brand: str, style: str, colour: str, material: str, kind: ProductKind,
           gender: str) -> str:
    noun = kind.noun
    if gender in _GENDER_WORDS and rng.random() < 0.4:
        noun = f"{_GENDER_WORDS[gender]} {noun}"
    pattern = rng.randrange(3)
    if pattern == 0:
        return f"{brand} {colour.title()} {_title_case(material)} {noun}"
    if pattern == 1:
        return f"{brand} {style} {colour.title()} {noun}"
    return f"{brand} {style} {noun} in {colour.title()}"


def _description(rng: random.Random, brand: str, colour: str, material: str, kind: ProductKind, gender: str,
                 features: Sequence[str], sizes: tuple[str, ...]) -> str:
    plural = is_plural(kind.product_type)
    subject = f"{'These' if plural else 'This'} {colour} {material} {kind.product_type} from {brand}"
    verb = rng.choice(("feature", "come with", "offer"))
    if not plural:
        verb = {"feature": "features", "come with": "comes with", "offer": "offers"}[verb]
    sentences = [f"{subject} {verb} {features[0]} and {features[1]}."]
    if gender:
        sentences.append(f"{_GENDER_SENTENCES[gender]}, true to size." if sizes else f"{_GENDER_SENTENCES[gender]}.")
    if sizes:
        span = sizes[0] if len(sizes) == 1 else f"{sizes[0]} to {sizes[-1]}"
        sentences.append(f"Available in size {span}." if len(sizes) == 1 else f"Available in sizes {span}.")
    elif not gender:
        sentences.append(f"A {rng.choice(('dependable', 'thoughtful', 'well-made'))} pick for everyday use.")
    return " ".join(sentences)


def _write_images(products: Sequence[Product], images_dir: Path, progress: bool) -> None:
    from tqdm import tqdm

    from knowledge.demo.images import render_product_image

    images_dir.mkdir(parents=True, exist_ok=True)
    for product in tqdm(products, desc="drawing images", unit="img", disable=not progress):
        kind = KIND_BY_TYPE[product.product_type]
        variant = zlib.crc32(product.id.encode()) % 3
        png = render_product_image(kind.shape, PALETTE[product.colour], variant)
        (images_dir / f"{product.id}.png").write_bytes(png)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry: ``python -m knowledge.demo.catalog OUT_DIR [--n N] [--seed S] [--no-images]``."""
    parser = argparse.ArgumentParser(prog="python -m knowledge.demo.catalog", description=main.__doc__)
    parser.add_argument("out_dir", type=Path, help="folder for catalog.jsonl and images/")
    parser.add_argument("--n", type=int, default=2400, help="number of products (default 2400)")
    parser.add_argument("--seed", type=int, default=0, help="random seed; the same seed gives the same files")
    parser.add_argument("--no-images", action="store_true", help="write the catalog only")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error(f"--n must be at least 1, got {args.n}")
    path = generate_demo_catalog(args.out_dir, n=args.n, seed=args.seed, progress=True, images=not args.no_images)
    print(f"wrote {args.n} products to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
