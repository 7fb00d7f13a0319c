"""A photo's decoding is bounded in pixels and memory before it is decoded (issue 17, defect 3).

A 6300×6300 PNG compresses to about 100 KB but decodes to 119 MB, and the cleaning steps used to
copy it several times (735 MB, 14 s). Measured in a child process, so the peak memory is the photo's.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHILD = textwrap.dedent("""
    import json, resource, struct, sys, time, zlib
    from agent.config import MediaConfig
    from knowledge.photo_intake import PhotoLimits, PhotoRejected, clean_photo

    def real_png(width, height):
        # a complete, valid RGB PNG (a striped picture), written row by row so this process stays small
        def chunk(kind, body):
            return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        packer, parts = zlib.compressobj(9), []
        for y in range(height):
            shade = bytes([y % 256, 90, 200 - y % 120])
            parts.append(packer.compress(b"\\x00" + shade * width))
        parts.append(packer.flush())
        header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
        return b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(parts)) + chunk(b"IEND", b"")

    data = real_png(6300, 6300)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    try:
        clean_photo(data, PhotoLimits(max_pixels=MediaConfig().max_pixels))
        outcome = "accepted"
    except PhotoRejected as exc:
        outcome = str(exc)
    print(json.dumps({"bytes": len(data), "outcome": outcome, "seconds": time.monotonic() - started,
                      "grew_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024}))
""")


def test_a_6300_square_png_is_refused_at_once_without_decoding_it():
    done = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    measured = json.loads(done.stdout)
    assert measured["bytes"] < 2_000_000  # small on the wire
    assert "too large to process (6300×6300 px)" in measured["outcome"]
    assert measured["seconds"] < 1.0 and measured["grew_mb"] < 40, measured


def test_a_camera_jpeg_over_the_budget_is_decoded_scaled_down_but_a_png_that_size_is_refused():
    import io

    from PIL import Image

    from knowledge.photo_intake import PhotoLimits, PhotoRejected, clean_photo

    big = Image.new("L", (6000, 4000), 128)  # 24 MP, twice the budget
    jpeg, png = io.BytesIO(), io.BytesIO()
    big.save(jpeg, "JPEG", quality=70)
    big.save(png, "PNG")
    limits = PhotoLimits(max_pixels=12_000_000, max_side=2048)
    clean = clean_photo(jpeg.getvalue(), limits)  # decoded at 1/2 scale straight from the file
    assert (clean.width, clean.height) == (2048, 1365)
    try:
        clean_photo(png.getvalue(), limits)
    except PhotoRejected as exc:
        assert "6000×4000" in str(exc)
    else:
        raise AssertionError("a 24 MP PNG was decoded")
