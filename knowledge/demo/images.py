"""Draw a small, recognisable product picture for the demo catalog: a flat icon on a soft background.

Shapes are drawn on a 100x100 design grid at twice the output size, then scaled down for smooth
edges and stored as a palette PNG so thousands of images stay small::

    png_bytes = render_product_image("sneaker", (206, 46, 52), variant=1)
"""
from __future__ import annotations

import io

from PIL import Image, ImageDraw

from knowledge.demo.pen import RGB, WHITE, Pen, Shape, mix
from knowledge.demo.shapes_goods import GOODS_SHAPES
from knowledge.demo.shapes_wear import WEAR_SHAPES

IMAGE_SIZE = 160
_SUPERSAMPLE = 2
_PNG_COLOURS = 48
_ACCENTS: tuple[RGB, ...] = ((246, 246, 240), (52, 52, 58), (226, 218, 200))
_NEUTRAL_BACKGROUND: RGB = (226, 232, 242)


def _registry() -> dict[str, Shape]:
    return {**WEAR_SHAPES, **GOODS_SHAPES}


def shape_names() -> tuple[str, ...]:
    """Every shape :func:`render_product_image` can draw."""
    return tuple(sorted(_registry()))


def background_for(colour: RGB) -> RGB:
    """A soft tint of the product colour, or a cool neutral when the product itself is pale."""
    if min(colour) > 150 or max(colour) - min(colour) < 20:
        return _NEUTRAL_BACKGROUND
    return mix(colour, WHITE, 0.86)


def render_product_image(shape: str, colour: RGB, variant: int = 0, size: int = IMAGE_SIZE) -> bytes:
    """PNG bytes of ``shape`` in ``colour``; ``variant`` picks the accent colour of soles, straps and trims."""
    shapes = _registry()
    if shape not in shapes:
        raise ValueError(f"unknown shape {shape!r}; choose one of {', '.join(sorted(shapes))}")
    canvas = size * _SUPERSAMPLE
    background = background_for(colour)
    image = Image.new("RGB", (canvas, canvas), background)
    draw = ImageDraw.Draw(image)
    pen = Pen(draw, canvas / 100, colour, _ACCENTS[variant % len(_ACCENTS)])
    shadow = mix(background, (0, 0, 0), 0.10)
    draw.ellipse(pen.box(16, 86, 84, 94), fill=shadow)
    shapes[shape](pen)
    small = image.resize((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    paletted = small.quantize(_PNG_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    paletted.save(out, "PNG", optimize=True)
    return out.getvalue()
