"""The pen the demo catalog's product pictures are drawn with: a 100x100 design grid, the product's
colours and an outline on every shape. Shapes (`demo_shapes_wear`, `demo_shapes_goods`) are plain
functions of a `Pen`; `demo_images` renders them."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from PIL import ImageDraw

RGB = tuple[int, int, int]
Point = tuple[float, float]

WHITE: RGB = (255, 255, 255)
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
        return mix(self.main, WHITE, 0.45)

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
