"""Draw a small, recognisable product picture for the demo catalog: a flat icon on a soft background.

Shapes are drawn on a 100x100 design grid at twice the output size, then scaled down for smooth
edges and stored as a palette PNG so thousands of images stay small::

    png_bytes = render_product_image("sneaker", (206, 46, 52), variant=1)
"""
from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw

RGB = tuple[int, int, int]
Point = tuple[float, float]

IMAGE_SIZE = 160
_SUPERSAMPLE = 2
_PNG_COLOURS = 48
_WHITE: RGB = (255, 255, 255)
_ACCENTS: tuple[RGB, ...] = ((246, 246, 240), (52, 52, 58), (226, 218, 200))
_NEUTRAL_BACKGROUND: RGB = (226, 232, 242)
METAL: RGB = (196, 200, 208)


def mix(a: RGB, b: RGB, amount: float) -> RGB:
    """The colour ``amount`` of the way from ``a`` to ``b``."""
    return tuple(round(x + (y - x) * amount) for x, y in zip(a, b))  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Pen:
    """Draws on the 100x100 design grid with the product's colours; each shape gets an outline."""

    draw: ImageDraw.ImageDraw
    scale: float
    main: RGB
    accent: RGB

    @property
    def dark(self) -> RGB:
        return mix(self.main, (0, 0, 0), 0.45)

    @property
    def light(self) -> RGB:
        return mix(self.main, _WHITE, 0.45)

    @property
    def _width(self) -> int:
        return max(1, round(1.1 * self.scale))

    def _xy(self, points: Iterable[Point]) -> list[Point]:
        return [(x * self.scale, y * self.scale) for x, y in points]

    def box(self, x0: float, y0: float, x1: float, y1: float) -> list[float]:
        return [x0 * self.scale, y0 * self.scale, x1 * self.scale, y1 * self.scale]

    def poly(self, points: Sequence[Point], fill: RGB | None = None) -> None:
        self.draw.polygon(self._xy(points), fill=fill or self.main, outline=self.dark, width=self._width)

    def rect(self, x0: float, y0: float, x1: float, y1: float, fill: RGB | None = None, radius: float = 0) -> None:
        self.draw.rounded_rectangle(self.box(x0, y0, x1, y1), radius=radius * self.scale,
                                    fill=fill or self.main, outline=self.dark, width=self._width)

    def ellipse(self, x0: float, y0: float, x1: float, y1: float, fill: RGB | None = None) -> None:
        self.draw.ellipse(self.box(x0, y0, x1, y1), fill=fill or self.main, outline=self.dark, width=self._width)

    def chord(self, box: tuple[float, float, float, float], start: float, end: float, fill: RGB | None = None) -> None:
        self.draw.chord(self.box(*box), start, end, fill=fill or self.main, outline=self.dark, width=self._width)

    def arc(self, box: tuple[float, float, float, float], start: float, end: float, width: float = 4,
            fill: RGB | None = None) -> None:
        self.draw.arc(self.box(*box), start, end, fill=fill or self.main, width=round(width * self.scale))

    def line(self, points: Sequence[Point], width: float = 1.5, fill: RGB | None = None) -> None:
        self.draw.line(self._xy(points), fill=fill or self.dark, width=max(1, round(width * self.scale)))


Shape = Callable[[Pen], None]


def _registry() -> dict[str, Shape]:
    from knowledge.demo_shapes_goods import GOODS_SHAPES
    from knowledge.demo_shapes_wear import WEAR_SHAPES

    return {**WEAR_SHAPES, **GOODS_SHAPES}


def shape_names() -> tuple[str, ...]:
    """Every shape :func:`render_product_image` can draw."""
    return tuple(sorted(_registry()))


def background_for(colour: RGB) -> RGB:
    """A soft tint of the product colour, or a cool neutral when the product itself is pale."""
    if min(colour) > 150 or max(colour) - min(colour) < 20:
        return _NEUTRAL_BACKGROUND
    return mix(colour, _WHITE, 0.86)


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
