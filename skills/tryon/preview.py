"""The embedded default: a quick Pillow overlay of the garment on the photo, labelled as a preview.

No model, no GPU, no service: the garment's picture is cut out from its plain background, scaled to
where that kind of garment sits on a person standing in the middle of the frame, and laid over the
photo. The result carries a visible "PREVIEW" band, and `TryOnImage.preview` is True so the reply
says so too. It shows the colour and cut next to the shopper; it does not fit the garment to the body.
A service (`tryon.backend: http | task | gradio`) does that.

    image = await PreviewBackend().render(request)
    image.preview
    # -> True
"""
from __future__ import annotations

import asyncio
import io

from PIL import Image, ImageDraw, ImageFont, ImageOps

from skills.tryon.backend import TryOnFailed, TryOnImage, TryOnRequest

LABEL = "PREVIEW · rough overlay, not a real try-on"
MAX_SIDE = 1024
BACKGROUND_TOLERANCE = 80  # summed over the channels: takes soft shadows on the backdrop, stops at outlines
# Where a garment sits, as fractions of the photo: (centre x, top, width, height).
PLACEMENT = {
    "upper_body": (0.5, 0.20, 0.58, 0.36),
    "lower_body": (0.5, 0.50, 0.44, 0.44),
    "dress": (0.5, 0.21, 0.54, 0.64),
}
COLOURS = {
    "red": (206, 46, 52), "blue": (44, 104, 196), "black": (38, 38, 42), "white": (246, 246, 242),
    "green": (52, 150, 82), "grey": (134, 138, 144), "gray": (134, 138, 144), "navy": (30, 44, 92),
    "pink": (236, 130, 170), "beige": (222, 200, 164), "brown": (124, 80, 48), "yellow": (244, 202, 48),
    "orange": (240, 126, 36), "purple": (120, 70, 168), "silver": (192, 196, 204),
}


class PreviewBackend:
    name = "preview"

    async def render(self, request: TryOnRequest) -> TryOnImage:
        return await asyncio.to_thread(compose_preview, request)


def compose_preview(request: TryOnRequest) -> TryOnImage:
    try:
        person = Image.open(io.BytesIO(request.person)).convert("RGB")
    except OSError as exc:
        raise TryOnFailed(f"the person photo cannot be read: {exc}", PreviewBackend.name) from None
    person.thumbnail((MAX_SIDE, MAX_SIDE))
    garment = _garment_cutout(request)
    centre, top, width, height = PLACEMENT[request.category]
    box_w, box_h = int(person.width * width), int(person.height * height)
    garment = ImageOps.contain(garment, (box_w, box_h), Image.Resampling.LANCZOS)  # up or down to the box
    alpha = garment.getchannel("A").point(lambda a: a * 95 // 100)
    x = int(person.width * centre - garment.width / 2)
    y = int(person.height * top)
    person.paste(garment.convert("RGB"), (x, y), alpha)
    _label(person)
    out = io.BytesIO()
    person.save(out, "JPEG", quality=88)
    return TryOnImage(out.getvalue(), "image/jpeg", preview=True)


def _garment_cutout(request: TryOnRequest) -> Image.Image:
    """The garment picture with its background made transparent, cropped to the garment."""
    if not request.garment:
        return _silhouette(request.category, COLOURS.get(request.colour.lower(), (120, 120, 128)))
    try:
        picture = Image.open(io.BytesIO(request.garment)).convert("RGBA")
    except OSError as exc:
        raise TryOnFailed(f"the garment image cannot be read: {exc}", PreviewBackend.name) from None
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    _clear_background(picture)
    box = picture.getchannel("A").getbbox()
    return picture.crop(box) if box else picture


def _clear_background(picture: Image.Image) -> None:
    """Flood the plain background from each corner with a marker colour, then make the marker transparent.

    Flooding (not colour keying) keeps a white shirt on a white background as long as its edge shows:
    only pixels connected to a corner go.
    """
    if picture.getchannel("A").getextrema()[0] < 255:
        return  # already cut out
    marker = (255, 0, 255, 0)
    width, height = picture.size
    for corner in ((0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1)):
        if picture.getpixel(corner) != marker:
            ImageDraw.floodfill(picture, corner, marker, thresh=BACKGROUND_TOLERANCE)


def _silhouette(category: str, colour: tuple[int, int, int]) -> Image.Image:
    """A plain garment shape in the product's colour, for products without a picture."""
    image = Image.new("RGBA", (300, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    outline = tuple(max(c - 60, 0) for c in colour)
    if category == "upper_body":
        shape = [(90, 20), (210, 20), (295, 110), (250, 150), (230, 130), (230, 300), (70, 300), (70, 130),
                 (50, 150), (5, 110)]
    elif category == "lower_body":
        shape = [(60, 10), (240, 10), (270, 390), (170, 390), (150, 120), (130, 390), (30, 390)]
    else:
        shape = [(105, 10), (195, 10), (215, 140), (285, 390), (15, 390), (85, 140)]
    draw.polygon(shape, fill=colour + (255,), outline=outline + (255,), width=4)
    return image.crop(image.getchannel("A").getbbox())


def _label(image: Image.Image) -> None:
    """A dark band along the bottom with the preview notice, sized to the photo."""
    band = max(24, image.height // 14)
    overlay = Image.new("RGBA", (image.width, band), (20, 20, 24, 190))
    image.paste(overlay.convert("RGB"), (0, image.height - band), overlay.getchannel("A"))
    font = _font(int(band * 0.5))
    draw = ImageDraw.Draw(image)
    text_w = draw.textlength(LABEL, font=font)
    while text_w > image.width * 0.94 and getattr(font, "size", 0) > 8:
        font = _font(int(font.size * 0.85))
        text_w = draw.textlength(LABEL, font=font)
    draw.text(((image.width - text_w) / 2, image.height - band * 0.78), LABEL, fill=(255, 255, 255), font=font)


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=max(size, 8))
    except (TypeError, OSError):  # Pillow without FreeType has only the fixed bitmap font
        return ImageFont.load_default()
