"""Shoppers' photos: only real, sane images get in, and nothing but their pixels is kept."""
from __future__ import annotations

import io

import pytest
from PIL import ExifTags, Image

from knowledge.photo_intake import PhotoLimits, PhotoRejected, clean_photo, sniff_format
from tests.tryon.kit import SVG_WITH_SCRIPT, gps_exif, person_photo, png_bomb


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_are_accepted_and_come_out_as_jpeg(fmt):
    clean = clean_photo(person_photo(fmt=fmt))
    assert clean.content_type == "image/jpeg" and (clean.width, clean.height) == (600, 900)
    assert Image.open(io.BytesIO(clean.data)).format == "JPEG"


def test_gps_and_every_other_exif_tag_are_removed_and_the_photo_stays_upright():
    original = person_photo(exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo has GPS
    clean = clean_photo(original)
    kept = Image.open(io.BytesIO(clean.data))
    assert dict(kept.getexif()) == {}
    assert b"Exif" not in clean.data and b"PhoneCo" not in clean.data
    assert "icc_profile" not in kept.info and "exif" not in kept.info
    assert kept.size == (900, 600)  # orientation 6 was applied before the tag went


def test_a_huge_photo_is_scaled_down_to_what_try_on_needs():
    clean = clean_photo(person_photo(3000, 4000), PhotoLimits(max_side=1024))
    assert (clean.width, clean.height) == (768, 1024)


@pytest.mark.parametrize("data, message", [
    (b"GIF89a" + b"\x00" * 2000, "not a photo I can use: please send a JPEG, PNG or WebP"),
    (SVG_WITH_SCRIPT, "not a photo I can use"),
    (b"%PDF-1.7\n" + b"0" * 4000, "not a photo I can use"),
    (person_photo()[: len(person_photo()) // 2], "damaged or incomplete"),
    (png_bomb(), "enormous size"),
    (person_photo(200, 180), "too small (200×180 px)"),
])
def test_hostile_and_unusable_files_are_refused_with_a_clear_message(data, message):
    with pytest.raises(PhotoRejected, match=message.replace("(", r"\(").replace(")", r"\)")):
        clean_photo(data)


def test_a_declared_size_over_the_pixel_limit_is_refused_before_decoding():
    with pytest.raises(PhotoRejected, match=r"too large to process \(8000×6000 px\)"):
        clean_photo(png_bomb(8000, 6000), PhotoLimits(max_pixels=40_000_000))


def test_fifty_megabytes_are_refused_without_decoding():
    with pytest.raises(PhotoRejected, match="larger than 10 MB"):
        clean_photo(b"\xff\xd8\xff" + b"\x00" * (50 * 1024 * 1024))


def test_the_claimed_type_does_not_matter_only_the_bytes():
    assert sniff_format(SVG_WITH_SCRIPT) is None
    assert sniff_format(person_photo(fmt="WEBP")) == "WEBP"
    assert sniff_format(b"RIFF\x00\x00\x00\x00WAVEfmt ") is None
