"""Demo icons for goods: home, furniture, kitchen, electronics, beauty, sports, toys, outdoor."""
from __future__ import annotations

from knowledge.demo.pen import METAL, Pen, Shape

_SCREEN = (34, 40, 56)
_TYRE = (40, 40, 44)


def lamp(p: Pen) -> None:
    p.rect(47, 48, 53, 80, fill=METAL)
    p.ellipse(30, 76, 70, 88)
    p.poly([(30, 16), (70, 16), (82, 50), (18, 50)])
    p.line([(26, 44), (74, 44)], fill=p.light, width=1.5)


def cushion(p: Pen) -> None:
    p.poly([(16, 20), (50, 24), (84, 20), (80, 52), (84, 84), (50, 80), (16, 84), (20, 52)])
    p.poly([(30, 34), (70, 34), (66, 52), (70, 70), (30, 70), (34, 52)], fill=p.light)
    p.ellipse(46, 48, 54, 56, fill=p.accent)


def vase(p: Pen) -> None:
    p.poly([(40, 12), (60, 12), (58, 24), (74, 44), (68, 84), (32, 84), (26, 44), (42, 24)])
    p.ellipse(40, 9, 60, 15, fill=p.dark)
    p.line([(34, 44), (36, 70)], fill=p.light, width=2.5)


def blanket(p: Pen) -> None:
    p.rect(14, 62, 86, 80, radius=5)
    p.rect(16, 46, 84, 64, radius=5, fill=p.light)
    p.rect(18, 30, 82, 48, radius=5)
    for x in range(20, 84, 6):
        p.line([(x, 80), (x, 86)], width=1.5)


def _seat(p: Pen, left: float, right: float, top: float) -> None:
    for x in (left + 6, right - 10):
        p.rect(x, 74, x + 4, 84, fill=p.dark)
    p.rect(left + 6, top, right - 6, 60, radius=6)
    p.rect(left + 8, 56, right - 8, 72, fill=p.light, radius=4)
    p.rect(left, 44, left + 14, 76, radius=5)
    p.rect(right - 14, 44, right, 76, radius=5)


def sofa(p: Pen) -> None:
    _seat(p, 6, 94, 30)
    p.line([(50, 58), (50, 72)], width=1.5)


def armchair(p: Pen) -> None:
    _seat(p, 20, 80, 20)


def table(p: Pen) -> None:
    p.rect(16, 50, 22, 84, fill=p.dark)
    p.rect(78, 50, 84, 84, fill=p.dark)
    p.rect(18, 70, 82, 75, fill=p.light)
    p.rect(8, 42, 92, 51, radius=3)


def mug(p: Pen) -> None:
    p.arc((54, 40, 84, 72), 270, 90, width=6)
    p.rect(20, 28, 64, 84, radius=7)
    p.ellipse(20, 24, 64, 34, fill=p.light)
    p.line([(28, 42), (28, 72)], fill=p.light, width=2)


def pan(p: Pen) -> None:
    p.rect(60, 52, 96, 61, fill=_TYRE, radius=4)
    p.ellipse(6, 36, 66, 78)
    p.ellipse(12, 41, 60, 73, fill=_SCREEN)
    p.arc((18, 46, 54, 68), 200, 260, width=2, fill=(90, 96, 110))


def knife(p: Pen) -> None:
    p.poly([(8, 56), (60, 44), (60, 60), (20, 60)], fill=METAL)
    p.line([(14, 57), (58, 48)], fill=(236, 238, 242), width=1.5)
    p.rect(60, 44, 94, 60, radius=5)
    for x in (68, 78, 88):
        p.ellipse(x - 2, 50, x + 2, 54, fill=METAL)


def kettle(p: Pen) -> None:
    p.arc((30, 14, 70, 50), 180, 360, width=5, fill=p.dark)
    p.poly([(74, 48), (92, 34), (94, 38), (78, 62)])
    p.poly([(28, 34), (72, 34), (80, 84), (20, 84)])
    p.ellipse(40, 28, 60, 38, fill=p.light)
    p.rect(20, 80, 80, 88, fill=p.dark, radius=3)


def headphones(p: Pen) -> None:
    p.arc((18, 12, 82, 84), 180, 360, width=7)
    p.rect(10, 44, 30, 80, radius=8)
    p.rect(70, 44, 90, 80, radius=8)
    p.rect(26, 48, 32, 76, fill=p.dark, radius=3)
    p.rect(68, 48, 74, 76, fill=p.dark, radius=3)


def phone(p: Pen) -> None:
    p.rect(30, 8, 70, 92, radius=8)
    p.rect(34, 16, 66, 82, fill=_SCREEN, radius=3)
    p.line([(38, 24), (54, 24)], fill=(90, 110, 150), width=2)
    p.ellipse(47, 84, 53, 90, fill=p.light)


def speaker(p: Pen) -> None:
    p.rect(28, 14, 72, 88, radius=18)
    p.ellipse(34, 42, 66, 74, fill=p.dark)
    p.ellipse(42, 50, 58, 66, fill=p.light)
    p.ellipse(46, 22, 54, 30, fill=p.accent)


def laptop(p: Pen) -> None:
    p.rect(20, 18, 80, 64, radius=3)
    p.rect(24, 22, 76, 60, fill=_SCREEN)
    p.poly([(12, 64), (88, 64), (96, 76), (4, 76)])
    p.line([(42, 70), (58, 70)], width=2)


def lipstick(p: Pen) -> None:
    p.rect(36, 56, 64, 90, fill=(60, 60, 66), radius=3)
    p.rect(38, 42, 62, 58, fill=METAL)
    p.poly([(41, 42), (41, 22), (59, 10), (59, 42)])
    p.line([(44, 24), (44, 40)], fill=p.light, width=2)


def perfume(p: Pen) -> None:
    p.rect(42, 14, 58, 30, fill=p.dark, radius=3)
    p.rect(46, 28, 54, 38, fill=METAL)
    p.rect(24, 36, 76, 88, radius=10)
    p.rect(34, 54, 66, 70, fill=p.light, radius=3)


def jar(p: Pen) -> None:
    p.rect(22, 44, 78, 84, radius=8, fill=p.light)
    p.rect(18, 30, 82, 46, radius=4)
    p.rect(32, 56, 68, 72, fill=p.accent, radius=3)


def mat(p: Pen) -> None:
    p.rect(10, 38, 74, 72)
    p.ellipse(62, 38, 90, 72, fill=p.light)
    p.ellipse(70, 48, 82, 62, fill=p.main)
    p.line([(10, 55), (66, 55)], fill=p.light, width=1)


def dumbbell(p: Pen) -> None:
    p.rect(24, 46, 76, 54, fill=METAL)
    p.rect(8, 36, 16, 64, radius=2)
    p.rect(84, 36, 92, 64, radius=2)
    p.rect(16, 26, 30, 74, radius=3)
    p.rect(70, 26, 84, 74, radius=3)


def ball(p: Pen) -> None:
    p.ellipse(18, 18, 82, 82)
    for end in ((50, 20), (79, 42), (69, 76), (31, 76), (21, 42)):
        p.line([(50, 50), end], width=1)
    p.poly([(50, 38), (61, 46), (57, 59), (43, 59), (39, 46)], fill=p.dark)


def bottle(p: Pen) -> None:
    p.rect(40, 10, 60, 24, fill=p.dark, radius=3)
    p.rect(32, 22, 68, 90, radius=10)
    p.rect(32, 46, 68, 58, fill=p.accent)
    p.line([(38, 30), (38, 84)], fill=p.light, width=2)


def bear(p: Pen) -> None:
    p.ellipse(26, 50, 74, 92)
    p.ellipse(22, 12, 38, 28)
    p.ellipse(62, 12, 78, 28)
    p.ellipse(26, 16, 74, 60)
    p.ellipse(38, 38, 62, 56, fill=p.light)
    for x in (38, 56):
        p.ellipse(x, 28, x + 6, 34, fill=_TYRE)
    p.ellipse(46, 40, 54, 46, fill=_TYRE)
    p.ellipse(38, 62, 62, 84, fill=p.light)


def blocks(p: Pen) -> None:
    for x0, y0, x1, y1, colour in ((14, 58, 54, 86, p.main), (50, 58, 88, 86, p.accent), (30, 30, 70, 58, p.light)):
        for stud in range(int(x0) + 6, int(x1) - 4, 12):
            p.rect(stud, y0 - 5, stud + 8, y0 + 1, fill=colour, radius=1)
        p.rect(x0, y0, x1, y1, fill=colour, radius=2)


def car(p: Pen) -> None:
    p.poly([(30, 46), (38, 30), (64, 30), (74, 46)], fill=p.light)
    p.rect(8, 44, 92, 70, radius=8)
    p.line([(51, 32), (51, 46)], width=2)
    for x in (16, 64):
        p.ellipse(x, 60, x + 20, 80, fill=_TYRE)
        p.ellipse(x + 6, 66, x + 14, 74, fill=METAL)


def tent(p: Pen) -> None:
    p.poly([(8, 84), (50, 16), (92, 84)])
    p.poly([(38, 84), (50, 48), (62, 84)], fill=p.dark)
    p.line([(50, 16), (50, 10)], width=2)
    p.line([(4, 86), (96, 86)], width=2)


def sleepingbag(p: Pen) -> None:
    p.rect(28, 10, 72, 90, radius=18)
    p.ellipse(34, 14, 66, 36, fill=p.light)
    p.line([(66, 36), (66, 84)], fill=p.accent, width=2)
    for y in (46, 58, 70):
        p.line([(30, y), (70, y)], width=1)


def chair(p: Pen) -> None:
    p.line([(24, 88), (74, 50)], width=3, fill=_TYRE)
    p.line([(76, 88), (26, 50)], width=3, fill=_TYRE)
    p.rect(22, 16, 78, 54, radius=4)
    p.poly([(20, 52), (80, 52), (74, 62), (26, 62)], fill=p.dark)
    p.rect(30, 22, 44, 30, fill=p.accent, radius=2)


GOODS_SHAPES: dict[str, Shape] = {
    "lamp": lamp, "cushion": cushion, "vase": vase, "blanket": blanket, "sofa": sofa,
    "armchair": armchair, "table": table, "mug": mug, "pan": pan, "knife": knife, "kettle": kettle,
    "headphones": headphones, "phone": phone, "speaker": speaker, "laptop": laptop,
    "lipstick": lipstick, "perfume": perfume, "jar": jar, "mat": mat, "dumbbell": dumbbell,
    "ball": ball, "bottle": bottle, "bear": bear, "blocks": blocks, "car": car, "tent": tent,
    "sleepingbag": sleepingbag, "chair": chair,
}
