"""Thumbnails from real image files with Pillow, and the images that get none."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from pixie_web.thumbs import MAX_EDGE, MAX_PIXELS, make_thumbnail

pytestmark = pytest.mark.timeout(30)


def black_png(width: int, height: int, *, rows: int | None = None) -> bytes:
    """A real black RGB PNG, a few hundred KB however large (zeros compress well); ``rows`` cuts
    its data short, so that only the header tells its size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    packer = zlib.compressobj()
    row = b"\x00" * (1 + 3 * width)
    data = b"".join(packer.compress(row) for _ in range(height if rows is None else rows)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def test_a_photo_gets_a_small_webp(tmp_path: Path) -> None:
    source, target = tmp_path / "photo.png", tmp_path / "thumbs" / "1.webp"
    Image.new("RGB", (1200, 800), (200, 40, 40)).save(source)
    assert make_thumbnail(source, target)
    with Image.open(target) as thumb:
        assert thumb.format == "WEBP"
        assert max(thumb.size) == MAX_EDGE


def test_an_image_of_too_many_pixels_is_not_decoded(tmp_path: Path) -> None:
    source, target = tmp_path / "large.png", tmp_path / "thumbs" / "2.webp"
    source.write_bytes(black_png(8_000, MAX_PIXELS // 8_000 + 1))  # a valid image, just too large
    assert not make_thumbnail(source, target)
    assert not target.exists()


def test_a_small_file_claiming_a_huge_image_is_refused_from_its_header(tmp_path: Path) -> None:
    source = tmp_path / "bomb.png"
    source.write_bytes(black_png(14_000, 14_000, rows=10))
    assert not make_thumbnail(source, tmp_path / "thumbs" / "3.webp")


def test_an_unreadable_file_gets_no_thumbnail(tmp_path: Path) -> None:
    source = tmp_path / "broken.png"
    source.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    assert not make_thumbnail(source, tmp_path / "3.webp")
