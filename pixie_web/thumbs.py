"""Library thumbnails: made once per artefact, kept under ``<data dir>/thumbs/<id>.webp``.

The library shows dozens of cards per page; sending each full-size image would cost megabytes,
so an image artefact gets a ~256 px WebP the first time it is asked for, written atomically (a
temporary file, then a rename) so a concurrent request never reads half a file. Artefact ids are
never reused (AUTOINCREMENT), so the id names the thumbnail for good; the retention sweep removes
it with its artefact. Anything Pillow cannot read (SVG, CSV, a corrupt PNG) gets a small SVG
placeholder naming the type instead of an error, so a card always has something to draw.
"""

from __future__ import annotations

import logging
import os
import tempfile
from html import escape
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

log = logging.getLogger(__name__)

MAX_EDGE = 256
QUALITY = 80
# Larger images get the placeholder: a small file can claim a huge picture (a decompression
# bomb), and decoding 50 megapixels already takes about 200 MB for a moment. (Pillow's own guard
# only warns below twice its limit.)
MAX_PIXELS = 50_000_000
RASTER_FAMILIES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/tiff")


def thumbs_dir(data_dir: Path) -> Path:
    return data_dir / "thumbs"


def thumb_path(data_dir: Path, artefact_id: int) -> Path:
    return thumbs_dir(data_dir) / f"{artefact_id}.webp"


def can_thumbnail(mime: str) -> bool:
    return mime in RASTER_FAMILIES


def make_thumbnail(source: Path, target: Path) -> bool:
    """Write ``target`` from ``source`` (blocking: call it in a thread); False if it cannot be read."""
    try:
        with Image.open(source) as opened:
            if opened.width * opened.height > MAX_PIXELS:  # known from the header, before decoding
                raise ValueError(f"{opened.width}x{opened.height} is more than {MAX_PIXELS:,} pixels")
            opened.draft("RGB", (MAX_EDGE * 2, MAX_EDGE * 2))  # JPEG: decode at a reduced scale
            image: Image.Image = ImageOps.exif_transpose(opened)
            image.thumbnail((MAX_EDGE, MAX_EDGE))
            if image.mode not in ("RGB", "RGBA"):
                image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".thumb-", suffix=".webp")
            try:
                with os.fdopen(handle, "wb") as out:
                    image.save(out, "WEBP", quality=QUALITY)
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError) as exc:
        log.info("no thumbnail for %s: %s", source, exc)
        return False
    return True


def placeholder_svg(mime: str, filename: str) -> bytes:
    """A 256x256 card naming the file's type (e.g. CSV, SVG, PDF), in neutral colours."""
    subtype = mime.split("/", 1)[-1].split("+", 1)[0]
    suffix = Path(filename).suffix.lstrip(".")
    word = escape((suffix or subtype or "file")[:8].upper())
    kind = escape(mime[:40])
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">'
        '<rect width="256" height="256" rx="16" fill="#eceff3"/>'
        '<text x="128" y="132" font-family="sans-serif" font-size="40" font-weight="700" '
        f'fill="#4a5568" text-anchor="middle">{word}</text>'
        '<text x="128" y="172" font-family="sans-serif" font-size="14" fill="#718096" '
        f'text-anchor="middle">{kind}</text></svg>'
    ).encode()


def remove_thumbnails(data_dir: Path, artefact_ids: list[int]) -> int:
    """Delete the thumbnails of purged artefacts; returns how many files went."""
    removed = 0
    for artefact_id in artefact_ids:
        path = thumb_path(data_dir, artefact_id)
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            pass
    return removed
