"""The embedded preview: the garment where that kind of garment sits, and the PREVIEW band on every picture."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from skills.tryon.backend import TryOnRequest
from skills.tryon.preview import PreviewBackend
from tests.tryon.kit import garment_picture, person_photo

RED = (200, 40, 50)


def reddish(pixel) -> bool:
    r, g, b = pixel[:3]
    return r > 150 and g < 90 and b < 100


@pytest.mark.parametrize("category, inside, outside", [
    ("upper_body", 0.35, 0.80),
    ("lower_body", 0.75, 0.30),
    ("dress", 0.55, 0.12),
])
async def test_the_garment_lands_where_it_is_worn_and_the_picture_says_preview(category, inside, outside):
    request = TryOnRequest(person=person_photo(), garment=garment_picture(RED, "long"), category=category)
    image = await PreviewBackend().render(request)
    assert image.preview and image.content_type == "image/jpeg"
    picture = Image.open(io.BytesIO(image.data)).convert("RGB")
    width, height = picture.size
    assert reddish(picture.getpixel((width // 2, int(height * inside))))
    assert not reddish(picture.getpixel((width // 2, int(height * outside))))
    band = picture.crop((0, height - 20, width, height)).convert("L")
    assert band.getextrema()[1] > 200 and sum(band.getdata()) / (width * 20) < 110  # white text on a dark band


async def test_a_product_without_a_picture_is_drawn_in_its_colour():
    request = TryOnRequest(person=person_photo(), garment=b"", category="upper_body", colour="red")
    picture = Image.open(io.BytesIO((await PreviewBackend().render(request)).data)).convert("RGB")
    assert reddish(picture.getpixel((picture.width // 2, int(picture.height * 0.35))))


async def test_a_white_shirt_on_a_white_backdrop_keeps_its_outline():
    shirt = garment_picture((250, 250, 250))
    request = TryOnRequest(person=person_photo(), garment=shirt, category="upper_body")
    picture = Image.open(io.BytesIO((await PreviewBackend().render(request)).data)).convert("RGB")
    r, g, b = picture.getpixel((picture.width // 2, int(picture.height * 0.35)))
    assert min(r, g, b) > 215  # the shirt, not the dark body under it
