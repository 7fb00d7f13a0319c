"""Demo icons for things people wear or carry: shoes, clothes, accessories, bags, jewellery."""
from __future__ import annotations

from knowledge.demo.pen import METAL, Pen, Shape


def sneaker(p: Pen) -> None:
    p.rect(10, 64, 92, 76, fill=p.accent, radius=5)
    p.poly([(14, 66), (14, 44), (24, 38), (36, 42), (48, 50), (66, 54), (82, 56), (90, 62), (90, 66)])
    p.poly([(36, 60), (70, 57), (74, 62), (38, 64)], fill=p.light)
    for x in (44, 50, 56):
        p.line([(x, 48), (x + 5, 55)], fill=p.accent, width=2)
    p.line([(12, 70), (92, 70)], fill=p.dark, width=1)


def boot(p: Pen) -> None:
    p.rect(16, 74, 90, 82, fill=p.dark, radius=3)
    p.poly([(20, 74), (20, 18), (44, 18), (46, 50), (70, 56), (86, 62), (88, 74)])
    p.rect(20, 18, 44, 24, fill=p.light, radius=2)
    for y in (30, 38, 46):
        p.line([(40, y), (46, y + 2)], fill=p.accent, width=2)


def sandal(p: Pen) -> None:
    p.arc((14, 52, 40, 84), 180, 280, width=4)
    p.chord((30, 46, 86, 90), 180, 360)
    p.arc((38, 54, 78, 86), 200, 340, width=2.5, fill=p.light)
    p.rect(10, 66, 92, 73, fill=p.accent, radius=4)
    p.rect(12, 72, 90, 77, fill=p.dark, radius=3)


def loafer(p: Pen) -> None:
    p.rect(12, 68, 90, 74, fill=p.dark, radius=3)
    p.poly([(12, 68), (12, 48), (26, 44), (56, 46), (78, 50), (90, 58), (90, 68)])
    p.rect(50, 48, 64, 55, fill=p.accent, radius=2)
    p.line([(26, 50), (50, 52)], fill=p.light, width=2)


def heel(p: Pen) -> None:
    p.poly([(20, 50), (30, 52), (28, 86), (23, 86)], fill=p.dark)
    p.poly([(14, 36), (26, 36), (36, 52), (56, 54), (80, 54), (92, 64), (90, 72), (58, 72), (34, 62), (22, 52)])
    p.poly([(26, 39), (36, 53), (56, 56), (40, 59), (28, 50)], fill=p.light)


def _torso(p: Pen, long_sleeves: bool) -> None:
    if long_sleeves:
        p.poly([(30, 20), (42, 20), (50, 26), (58, 20), (70, 20), (84, 30), (92, 78), (80, 80), (72, 44), (72, 86),
                (28, 86), (28, 44), (20, 80), (8, 78), (16, 30)])
    else:
        p.poly([(30, 20), (42, 20), (50, 26), (58, 20), (70, 20), (88, 34), (80, 46), (72, 40), (72, 86), (28, 86),
                (28, 40), (20, 46), (12, 34)])


def tshirt(p: Pen) -> None:
    _torso(p, long_sleeves=False)
    p.arc((40, 12, 60, 30), 20, 160, width=2.5, fill=p.dark)
    p.line([(30, 80), (70, 80)], fill=p.light, width=1.5)


def sweater(p: Pen) -> None:
    _torso(p, long_sleeves=True)
    p.arc((40, 12, 60, 30), 20, 160, width=3, fill=p.dark)
    p.rect(28, 80, 72, 86, fill=p.light)
    p.line([(8, 74), (20, 76)], fill=p.light, width=3)
    p.line([(80, 76), (92, 74)], fill=p.light, width=3)


def hoodie(p: Pen) -> None:
    _torso(p, long_sleeves=True)
    p.poly([(36, 22), (40, 10), (60, 10), (64, 22), (56, 30), (44, 30)], fill=p.dark)
    p.rect(36, 58, 64, 74, fill=p.light, radius=4)
    p.line([(46, 30), (45, 44)], fill=p.accent, width=1.5)
    p.line([(54, 30), (55, 44)], fill=p.accent, width=1.5)


def jacket(p: Pen) -> None:
    _torso(p, long_sleeves=True)
    p.line([(50, 26), (50, 86)], fill=p.accent, width=2)
    p.poly([(42, 20), (50, 26), (44, 38), (36, 24)], fill=p.light)
    p.poly([(58, 20), (50, 26), (56, 38), (64, 24)], fill=p.light)
    p.rect(32, 60, 42, 64, fill=p.dark)
    p.rect(58, 60, 68, 64, fill=p.dark)


def jeans(p: Pen) -> None:
    p.poly([(30, 14), (70, 14), (76, 88), (56, 88), (50, 36), (44, 88), (24, 88)])
    p.rect(30, 14, 70, 21, fill=p.dark)
    p.arc((30, 14, 46, 36), 0, 90, width=1.5, fill=p.light)
    p.arc((54, 14, 70, 36), 90, 180, width=1.5, fill=p.light)
    p.rect(48, 15, 52, 20, fill=METAL)


def shorts(p: Pen) -> None:
    p.poly([(28, 26), (72, 26), (80, 68), (54, 70), (50, 46), (46, 70), (20, 68)])
    p.rect(28, 26, 72, 33, fill=p.dark)
    p.line([(22, 62), (46, 64)], fill=p.light, width=1.5)
    p.line([(54, 64), (78, 62)], fill=p.light, width=1.5)


def dress(p: Pen) -> None:
    p.poly([(38, 12), (44, 12), (50, 20), (56, 12), (62, 12), (62, 34), (82, 88), (18, 88), (38, 34)])
    p.rect(38, 33, 62, 39, fill=p.accent)
    p.line([(40, 60), (36, 86)], fill=p.light, width=1.5)
    p.line([(60, 60), (64, 86)], fill=p.light, width=1.5)


def cap(p: Pen) -> None:
    p.poly([(56, 60), (94, 62), (92, 68), (56, 66)], fill=p.dark)
    p.chord((20, 28, 80, 92), 180, 360)
    p.ellipse(46, 26, 54, 32, fill=p.accent)
    p.line([(50, 30), (50, 60)], fill=p.light, width=1.5)


def scarf(p: Pen) -> None:
    p.arc((24, 12, 76, 52), 0, 360, width=9)
    p.rect(36, 40, 50, 84, radius=3)
    p.rect(50, 40, 64, 76, radius=3, fill=p.light)
    for x in range(38, 50, 3):
        p.line([(x, 84), (x, 90)], width=1)


def sunglasses(p: Pen) -> None:
    p.line([(8, 46), (14, 48)], width=3, fill=p.main)
    p.line([(86, 48), (92, 46)], width=3, fill=p.main)
    p.arc((42, 40, 58, 56), 200, 340, width=3)
    p.ellipse(12, 40, 46, 66, fill=p.dark)
    p.ellipse(54, 40, 88, 66, fill=p.dark)
    p.line([(20, 48), (28, 46)], fill=p.light, width=2)
    p.line([(62, 48), (70, 46)], fill=p.light, width=2)


def belt(p: Pen) -> None:
    p.rect(8, 44, 92, 58, radius=3)
    p.rect(18, 40, 34, 62, fill=METAL, radius=3)
    p.rect(22, 44, 30, 58, fill=p.main)
    for x in (60, 68, 76):
        p.ellipse(x, 49, x + 3, 53, fill=p.dark)


def watch(p: Pen) -> None:
    p.rect(40, 8, 60, 92, radius=4)
    p.ellipse(28, 30, 72, 74, fill=METAL)
    p.ellipse(32, 34, 68, 70, fill=p.accent)
    p.line([(50, 52), (50, 40)], width=2)
    p.line([(50, 52), (60, 56)], width=2)


def backpack(p: Pen) -> None:
    p.arc((38, 8, 62, 30), 180, 360, width=3, fill=p.dark)
    p.rect(22, 20, 78, 88, radius=14)
    p.rect(32, 54, 68, 82, fill=p.light, radius=6)
    p.line([(32, 62), (68, 62)], fill=p.accent, width=1.5)
    p.arc((30, 24, 70, 50), 200, 340, width=1.5, fill=p.dark)


def tote(p: Pen) -> None:
    p.arc((28, 14, 50, 60), 180, 360, width=3.5, fill=p.dark)
    p.arc((50, 14, 72, 60), 180, 360, width=3.5, fill=p.dark)
    p.poly([(18, 38), (82, 38), (88, 88), (12, 88)])
    p.rect(38, 56, 62, 70, fill=p.accent, radius=2)


def crossbody(p: Pen) -> None:
    p.line([(24, 50), (50, 10), (76, 50)], width=2, fill=p.dark)
    p.rect(20, 44, 80, 84, radius=8)
    p.chord((20, 24, 80, 66), 0, 180, fill=p.light)
    p.rect(46, 60, 54, 68, fill=METAL, radius=2)


def duffel(p: Pen) -> None:
    p.arc((34, 22, 66, 58), 180, 360, width=4, fill=p.dark)
    p.rect(10, 38, 90, 80, radius=18)
    p.ellipse(6, 42, 22, 76, fill=p.dark)
    p.ellipse(78, 42, 94, 76, fill=p.dark)
    p.line([(22, 44), (78, 44)], fill=p.accent, width=2)


def ring(p: Pen) -> None:
    p.arc((26, 36, 74, 84), 0, 360, width=8)
    p.poly([(40, 28), (60, 28), (66, 36), (50, 46), (34, 36)], fill=p.accent)
    p.line([(40, 28), (50, 46), (60, 28)], width=1)


def necklace(p: Pen) -> None:
    p.arc((18, 6, 82, 66), 20, 160, width=2.5, fill=p.dark)
    p.arc((18, 6, 82, 66), 200, 340, width=1.5, fill=p.light)
    p.poly([(50, 60), (60, 72), (50, 88), (40, 72)])
    p.ellipse(46, 68, 54, 76, fill=p.accent)


def earrings(p: Pen) -> None:
    for x in (28, 64):
        p.arc((x - 6, 16, x + 6, 32), 180, 360, width=2, fill=METAL)
        p.line([(x + 6, 24), (x + 6, 40)], fill=METAL, width=2)
        p.ellipse(x - 6, 40, x + 18, 72)
        p.ellipse(x, 48, x + 8, 56, fill=p.accent)


WEAR_SHAPES: dict[str, Shape] = {
    "sneaker": sneaker, "boot": boot, "sandal": sandal, "loafer": loafer, "heel": heel,
    "tshirt": tshirt, "sweater": sweater, "hoodie": hoodie, "jacket": jacket, "jeans": jeans,
    "shorts": shorts, "dress": dress, "cap": cap, "scarf": scarf, "sunglasses": sunglasses,
    "belt": belt, "watch": watch, "backpack": backpack, "tote": tote, "crossbody": crossbody,
    "duffel": duffel, "ring": ring, "necklace": necklace, "earrings": earrings,
}
