"""Photos, hostile files, a small wardrobe and a keyword router for the try-on tests."""
from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path

from PIL import ExifTags, Image, ImageDraw

from knowledge.product import Product


def person_photo(width: int = 600, height: int = 900, fmt: str = "JPEG", exif: Image.Exif | None = None) -> bytes:
    """A plain figure on a wall: enough to be a real photo for every check."""
    image = Image.new("RGB", (width, height), (214, 206, 196))
    draw = ImageDraw.Draw(image)
    cx = width // 2
    draw.ellipse((cx - width // 10, height // 12, cx + width // 10, height // 12 + width // 5), fill=(224, 180, 150))
    draw.rectangle((cx - width // 6, height // 4, cx + width // 6, int(height * 0.62)), fill=(90, 90, 110))
    draw.rectangle((cx - width // 7, int(height * 0.62), cx + width // 7, int(height * 0.95)), fill=(60, 60, 70))
    out = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def gps_exif() -> Image.Exif:
    """EXIF as a phone writes it: camera make, orientation (rotated) and a GPS position."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    exif[ExifTags.Base.Orientation] = 6
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 29.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 17.0, 40.0)
    return exif


def png_bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A tiny PNG that declares `width`×`height` greyscale pixels: 2.5 GB once decoded."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width + 1) * 64, 9)  # a few rows; the rest is "missing"
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


SVG_WITH_SCRIPT = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="800" height="800" '
                   b'onload="alert(1)"><script>fetch("/steal?c="+document.cookie)</script>'
                   b'<rect width="800" height="800" fill="red"/></svg>')


def garment_picture(colour: tuple[int, int, int], kind: str = "tshirt") -> bytes:
    """A garment drawn on the light background catalog photos have, with the edge a photo shows."""
    image = Image.new("RGB", (320, 400), (244, 242, 238))
    draw = ImageDraw.Draw(image)
    if kind == "tshirt":
        draw.polygon([(100, 40), (220, 40), (300, 120), (260, 160), (240, 140), (240, 360), (80, 360), (80, 140),
                      (60, 160), (20, 120)], fill=colour, outline=(130, 130, 130), width=3)
    else:
        draw.rectangle((90, 30, 230, 380), fill=colour, outline=(130, 130, 130), width=3)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


WARDROBE = [
    Product(id="tee-red", title="Everyday Cotton T-Shirt", category="apparel", product_type="t-shirt", colour="red",
            brand="Loop & Co", price=19.0, image="images/tee-red.png", stock=5),
    Product(id="jeans-blue", title="Straight Jeans", category="apparel", product_type="jeans", colour="blue",
            brand="Oakline", price=59.0, image="images/jeans-blue.png", stock=5),
    Product(id="dress-green", title="Linen Summer Dress", category="apparel", product_type="dress", colour="green",
            brand="Loop & Co", price=79.0, image="images/dress-green.png", stock=5),
    Product(id="mug-white", title="Stoneware Mug", category="kitchen", product_type="mug", colour="white",
            price=12.0, image="images/mug-white.png", stock=5),
]
_PAINT = {"red": (200, 40, 50), "blue": (40, 80, 170), "green": (40, 140, 80), "white": (250, 250, 250)}


def write_wardrobe(folder: Path) -> Path:
    """The wardrobe as a JSONL catalog with a picture for every product; returns the catalog path."""
    (folder / "images").mkdir(parents=True, exist_ok=True)
    for product in WARDROBE:
        kind = "tshirt" if product.product_type == "t-shirt" else "long"
        (folder / product.image).write_bytes(garment_picture(_PAINT[product.colour], kind))
    path = folder / "catalog.jsonl"
    path.write_text("".join(json.dumps(p.to_dict()) + "\n" for p in WARDROBE))
    return path


class KeywordRouter:
    """A router (`agent.parts.Router`) with intents from a few keywords and entities from the real extractor.

    Try-on tests then do not depend on how the intent model was trained, only on the turn loop,
    the dialog policy and the skills.
    """

    def __init__(self, products=WARDROBE) -> None:
        from agent.nlu.entities import EntityExtractor
        from knowledge.query_parse import Lexicon

        self.extractor = EntityExtractor()
        self.lexicon = Lexicon.from_products(list(products))

    def understand(self, text: str):
        from agent.nlu.understanding import Understanding

        return Understanding(text, _keyword_intent(text), 1.0, entities=self.extractor.extract(text, self.lexicon))

    async def read(self, text: str, turn):
        from agent.parts import Reading

        return Reading(self.understand(text))


def _keyword_intent(text: str) -> str:
    lowered = text.lower().strip()
    words = lowered.replace(",", " ").split()
    if "try" in words and ("on" in words or "again" in words):
        return "try_on"
    if words and words[0] in ("yes", "yeah", "ok", "okay", "sure"):
        return "affirm"
    if words and words[0] in ("no", "nope", "not"):
        return "deny"
    if lowered in ("hi", "hello"):
        return "greet"
    return "search_products"
