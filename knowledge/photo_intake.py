"""Making a shopper's photo safe to keep: real image, sane size, no metadata.

A photo arrives as bytes from a browser or a messaging app. Before anything else touches it,
`clean_photo` decides by its first bytes whether it is a JPEG, PNG or WebP (the claimed content type
is ignored), refuses files that are too large, too small, damaged or built to exhaust memory
(decompression bombs), turns it upright, drops every piece of metadata (EXIF with GPS position,
ICC profiles, text chunks) and re-encodes it as a fresh JPEG.

    clean = clean_photo(upload_bytes, PhotoLimits(max_bytes=10 * 1024 * 1024, min_side=256))
    clean.content_type, clean.width >= 256
    # -> ('image/jpeg', True)
"""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps

from knowledge.errors import AisleError

_SIGNATURES = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
)
_FORMATS = ("JPEG", "PNG", "WEBP")


class PhotoRejected(AisleError):
    """A photo that cannot be used; the message is written for the shopper."""


@dataclass(frozen=True, slots=True)
class PhotoLimits:
    """What an accepted photo looks like.

    `max_pixels` is the decoding budget, checked on the size the file declares before a pixel is
    decoded: 12 MP (a phone's photo) decodes to about 36 MB; a PNG or WebP above it is refused. A
    JPEG is decoded straight at a reduced scale (1/2, 1/4 or 1/8, `Image.draft`) no smaller than
    what is kept, so a 24 MP camera JPEG costs what a 6 MP one does. `max_side` is the size a kept
    photo is scaled down to, which is plenty for try-on models (768×1024).
    """

    max_bytes: int = 10 * 1024 * 1024
    min_side: int = 256
    max_pixels: int = 12_000_000
    max_side: int = 2048
    quality: int = 90


@dataclass(frozen=True, slots=True)
class CleanPhoto:
    data: bytes
    width: int
    height: int
    content_type: str = "image/jpeg"


def sniff_format(data: bytes) -> str | None:
    """`JPEG`, `PNG` or `WEBP` from the file's first bytes; None for anything else (SVG, GIF, HEIC, ...)."""
    for signature, name in _SIGNATURES:
        if data.startswith(signature):
            return name
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def clean_photo(data: bytes, limits: PhotoLimits = PhotoLimits()) -> CleanPhoto:
    """Validate `data` and return it re-encoded without metadata; `PhotoRejected` says why not."""
    if len(data) > limits.max_bytes:
        raise PhotoRejected(f"That photo is larger than {_megabytes(limits.max_bytes)}. Please send a smaller one.")
    kind = sniff_format(data)
    if kind is None:
        raise PhotoRejected("That file is not a photo I can use: please send a JPEG, PNG or WebP image.")
    image = _decode(data, kind, limits)
    if min(image.size) < limits.min_side:
        raise PhotoRejected(
            f"That photo is too small ({image.width}×{image.height} px). Please send one at least "
            f"{limits.min_side} px on its shorter side."
        )
    return _reencode(image, limits)


def _decode(data: bytes, kind: str, limits: PhotoLimits) -> Image.Image:
    """Open with only the sniffed decoder, check the size it will decode to, then decode."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[kind])
            width, height = image.size
            if kind == "JPEG" and max(width, height) > limits.max_side:
                image.draft("RGB", _draft_size(width, height, limits.max_side))
            if image.width * image.height > limits.max_pixels:
                raise PhotoRejected(_too_many_pixels(width, height))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected("That image declares an enormous size and was refused. Please send a normal photo.") from None
    except PhotoRejected:
        raise
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise PhotoRejected("That photo seems damaged or incomplete. Please send it again.") from exc
    if image.format not in _FORMATS:  # pragma: no cover - `formats=` already restricts the decoder
        raise PhotoRejected("That file is not a photo I can use: please send a JPEG, PNG or WebP image.")
    return image


def _draft_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    """The request to `Image.draft`: the photo scaled so its longer side is `max_side`, which is what
    is kept (the decoder picks the smallest of 1/1, 1/2, 1/4, 1/8 that is still at least this)."""
    scale = max(width, height) / max_side
    return max(1, int(width / scale)), max(1, int(height / scale))


def _reencode(image: Image.Image, limits: PhotoLimits) -> CleanPhoto:
    """Upright, RGB, at most `max_side`, saved with no EXIF, ICC profile or comments.

    Scaled down first, in place, so the copies that turning and flattening make are small."""
    image.thumbnail((limits.max_side, limits.max_side), Image.Resampling.LANCZOS)
    upright = ImageOps.exif_transpose(image)
    rgb = _flatten(upright)
    out = io.BytesIO()
    rgb.save(out, "JPEG", quality=limits.quality, optimize=True)
    return CleanPhoto(out.getvalue(), rgb.width, rgb.height)


def _flatten(image: Image.Image) -> Image.Image:
    """A plain RGB copy: transparency over white, palettes and greyscale expanded, no `info` carried."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    rgb = image.convert("RGB")
    return Image.frombytes("RGB", rgb.size, rgb.tobytes())


def _too_many_pixels(width: int, height: int) -> str:
    return f"That image is too large to process ({width}×{height} px). Please send a normal photo."


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"
