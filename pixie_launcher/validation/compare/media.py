"""Comparators for images, audio, video and files.

The intended comparisons are perceptual (SSIM for images, a mel-spectrogram distance for audio,
extracted text for PDFs) and need optional libraries. Without them, and for video always, the
comparison degrades to byte size plus SHA-256: exact, so it never passes something it should
not, but it fails on any re-encoding. The metric then starts with "degraded:" and names what is
missing, and the result carries ``degraded=True``.
"""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import io
import json
import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pixie_launcher.validation.compare import optional
from pixie_launcher.validation.compare.base import Comparison, Tol, as_list, field, first_difference, kind_of
from pixie_launcher.validation.compare.scalars import text_difference
from pixie_launcher.validation.compare.structured import compare_table

_NUMERIC = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_URLSAFE = str.maketrans("-_", "+/")
_EXTENSIONS = {
    ".json": "application/json",
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".pdf": "application/pdf",
}


@dataclass(frozen=True)
class Blob:
    """Decoded media: its bytes, or only a URL when the tool linked instead of inlining."""

    data: bytes | None
    mime: str | None = None
    url: str | None = None


def _decode_data_url(text: str) -> Blob | str:
    header, comma, payload = text[5:].partition(",")
    if not comma:
        return "a data URL without a comma"
    params = header.split(";")
    mime = params[0].strip().lower() or None
    if "base64" not in params[1:]:
        return Blob(urllib.parse.unquote_to_bytes(payload), mime)
    data = _base64(payload)
    return "a data URL whose base64 does not decode" if data is None else Blob(data, mime)


def _base64(text: str) -> bytes | None:
    compact = re.sub(r"\s+", "", text)
    padded = compact + "=" * (-len(compact) % 4)
    for candidate in (padded, padded.translate(_URLSAFE)):
        try:
            return base64.b64decode(candidate, validate=True)
        except (binascii.Error, ValueError):
            continue
    return None


def read_blob(value: object, text_fallback: bool = False) -> Blob | str:
    """Bytes from a data URL, plain base64, or an object holding one; a URL is kept as a URL.

    With ``text_fallback`` a string that is none of these is taken as UTF-8 text (file contents).
    """
    mime = None
    inner = value
    if isinstance(value, Mapping):
        inner = field(value, "data", "data_url", "content", "image", "value", "url", "src")
        found = field(value, "mime", "mime_type", "content_type")
        mime = found.lower() if isinstance(found, str) else None
        name = value.get("filename")
        if mime is None and isinstance(name, str):
            mime = next((m for ext, m in _EXTENSIONS.items() if name.lower().endswith(ext)), None)
    if not isinstance(inner, str):
        return f"{kind_of(inner)}, not a data URL, URL or base64 string"
    if inner.startswith("data:"):
        blob = _decode_data_url(inner)
        return blob if isinstance(blob, str) or blob.mime else Blob(blob.data, mime)
    if inner.startswith(("http://", "https://")):
        return Blob(None, mime, inner)
    data = _base64(inner)
    if data is None:
        if not text_fallback:
            return "a string that is not a data URL, URL or base64"
        data = inner.encode("utf-8")
    return Blob(data, mime)


def _bytes_note(data: bytes) -> str:
    return f"{len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()[:12]}"


def digest_metric(expected: bytes, actual: bytes) -> tuple[bool, str]:
    if expected == actual:
        return True, f"identical ({len(actual)} bytes)"
    return False, f"expected {_bytes_note(expected)}; got {_bytes_note(actual)}"


def _blobs(expected: object, actual: object, text_fallback: bool = False) -> tuple[Blob, Blob] | str:
    left, right = read_blob(expected, text_fallback), read_blob(actual, text_fallback)
    if isinstance(left, str):
        return f"expected value is {left}"
    if isinstance(right, str):
        return f"actual value is {right}"
    return left, right


def _by_digest(left: Blob, right: Blob, tol: Tol, why: str | None) -> Comparison:
    """Size and SHA-256; ``why`` (a missing library, say) marks it as a stand-in for a better test."""
    if left.data is None or right.data is None:
        same = left.url == right.url and left.data == right.data
        note = (
            "same URL" if same else f"expected {left.url or 'inline data'}, got {right.url or 'inline data'}"
        )
        return Comparison(
            same, tol.kind, f"degraded: compared URLs, no data to compare ({note})", degraded=True
        )
    same, note = digest_metric(left.data, right.data)
    prefix = f"degraded: compared size and SHA-256 ({why}): " if why else "size and SHA-256: "
    return Comparison(same, tol.kind, prefix + note, degraded=why is not None)


def _perceptual(
    blobs: tuple[Blob, Blob] | str,
    tol: Tol,
    libraries: tuple[str, ...],
    measure: Callable[[bytes, bytes], tuple[bool, str]],
) -> Comparison:
    """Compare with ``measure`` when its libraries are present, else (or if it fails) by digest."""
    if isinstance(blobs, str):
        return Comparison(False, tol.kind, blobs)
    left, right = blobs
    absent = optional.missing(libraries)
    if absent or left.data is None or right.data is None:
        return _by_digest(left, right, tol, f"{absent} not installed" if absent else None)
    if left.data == right.data:
        return Comparison(True, tol.kind, f"identical ({len(left.data)} bytes)")
    try:
        matched, metric = measure(left.data, right.data)
    except Exception as exc:
        return _by_digest(left, right, tol, f"{libraries[0]} could not read it: {exc}")
    return Comparison(matched, tol.kind, metric)


def _ssim_measure(tol: Tol) -> Callable[[bytes, bytes], tuple[bool, str]]:
    threshold = tol.number("min_ssim", 0.95)

    def measure(expected: bytes, actual: bytes) -> tuple[bool, str]:
        score = optional.ssim(expected, actual)
        if isinstance(score, str):
            return False, score
        return score >= threshold, f"SSIM {score:.4f} ({'≥' if score >= threshold else '<'} {threshold})"

    return measure


def _one_image(expected: object, actual: object, tol: Tol) -> Comparison:
    if tol.kind == "size_sha256":
        blobs = _blobs(expected, actual)
        return Comparison(False, tol.kind, blobs) if isinstance(blobs, str) else _by_digest(*blobs, tol, None)
    return _perceptual(_blobs(expected, actual), tol, optional.IMAGE_LIBRARIES, _ssim_measure(tol))


def _group(parts: list[tuple[str, object, object]], tol: Tol) -> Comparison:
    results = [(label, _one_image(exp, act, tol)) for label, exp, act in parts]
    degraded = any(result.degraded for _, result in results)
    for label, result in results:
        if not result.matched:
            return Comparison(False, tol.kind, f"{label}: {result.metric}", degraded=degraded)
    note = next((f"; {label}: {r.metric}" for label, r in results if r.degraded), "")
    return Comparison(True, tol.kind, f"{len(results)} image(s) match{note}", degraded=degraded)


def compare_image(expected: object, actual: object, tol: Tol) -> Comparison:
    return _one_image(expected, actual, tol)


def compare_image_grid(expected: object, actual: object, tol: Tol) -> Comparison:
    lists = []
    for side, value in (("expected", expected), ("actual", actual)):
        found, problem = as_list(
            value.get("images") if isinstance(value, Mapping) else value, f"{side} images"
        )
        if found is None:
            return Comparison(False, tol.kind, problem or "")
        lists.append(found)
    if len(lists[0]) != len(lists[1]):
        return Comparison(False, tol.kind, f"expected {len(lists[0])} images, got {len(lists[1])}")
    pairs = zip(lists[0], lists[1], strict=True)
    return _group([(f"image {i + 1}", e, a) for i, (e, a) in enumerate(pairs)], tol)


def compare_image_pair(expected: object, actual: object, tol: Tol) -> Comparison:
    if not isinstance(expected, Mapping) or not isinstance(actual, Mapping):
        return Comparison(False, tol.kind, f"expected two objects with before/after, got {kind_of(expected)} "
                          f"and {kind_of(actual)}")  # fmt: skip
    return _group([(part, expected.get(part), actual.get(part)) for part in ("before", "after")], tol)


def compare_audio(expected: object, actual: object, tol: Tol) -> Comparison:
    if tol.kind == "size_sha256":
        blobs = _blobs(expected, actual)
        return Comparison(False, tol.kind, blobs) if isinstance(blobs, str) else _by_digest(*blobs, tol, None)
    limit = tol.number("max_l2", 0.05)
    rate, mels = tol.integer("sample_rate", 22050), tol.integer("n_mels", 128)

    def measure(left: bytes, right: bytes) -> tuple[bool, str]:
        distance = optional.spectrogram_l2(left, right, rate, mels)
        return (
            distance <= limit,
            f"spectrogram L2 {distance:.4f} ({'≤' if distance <= limit else '>'} {limit})",
        )

    return _perceptual(_blobs(expected, actual), tol, optional.AUDIO_LIBRARIES, measure)


def compare_video(expected: object, actual: object, tol: Tol) -> Comparison:
    blobs = _blobs(expected, actual)
    if isinstance(blobs, str):
        return Comparison(False, tol.kind, blobs)
    why = None if tol.kind == "size_sha256" else "Pixie has no video decoder for per-frame SSIM"
    return _by_digest(*blobs, tol, why)


def _csv_table(text: str, delimiter: str) -> dict[str, Any]:
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = rows[0] if rows else []

    def cell(raw: str) -> Any:
        if _NUMERIC.fullmatch(raw.strip()):
            number = float(raw)
            return (
                int(number) if number.is_integer() and "." not in raw and "e" not in raw.lower() else number
            )
        return raw

    body = [dict(zip(header, map(cell, row), strict=False)) for row in rows[1:] if row]
    return {"columns": header, "rows": body}


def _by_content(mime: str, left: bytes, right: bytes, tol: Tol) -> Comparison:
    """JSON parsed, CSV/TSV as a table (rows in any order), other text as text."""
    try:
        texts = (left.decode("utf-8-sig"), right.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return _by_digest(Blob(left), Blob(right), tol, None)
    if mime == "application/json" or mime.endswith("+json"):
        try:
            parsed = [json.loads(text) for text in texts]
        except ValueError as exc:
            return Comparison(False, tol.kind, f"file is not valid JSON: {exc}")
        return tol.result(first_difference(parsed[0], parsed[1], tol), "JSON content matches")
    if mime in ("text/csv", "text/tab-separated-values"):
        delimiter = "," if mime == "text/csv" else "\t"
        table_tol = Tol(tol.output_type, "rows_unordered", tol.values)
        result = compare_table(_csv_table(texts[0], delimiter), _csv_table(texts[1], delimiter), table_tol)
        return Comparison(result.matched, tol.kind, f"as a table: {result.metric}")
    return tol.result(text_difference(texts[0], texts[1]), f"text matches ({len(texts[1])} characters)")


def compare_file(expected: object, actual: object, tol: Tol) -> Comparison:
    """``sha256``: the bytes. ``mime_dispatch``: by content type, PDFs by their extracted text."""
    blobs = _blobs(expected, actual, text_fallback=True)
    if isinstance(blobs, str):
        return Comparison(False, tol.kind, blobs)
    left, right = blobs
    mime, other = (left.mime or right.mime or ""), (right.mime or left.mime or "")
    mime, other = (m.split(";")[0].strip() for m in (mime, other))
    if mime != other:
        return Comparison(False, tol.kind, f"content type differs: expected {mime}, got {other}")
    if tol.kind == "sha256" or left.data is None or right.data is None:
        return _by_digest(left, right, tol, None)
    if mime == "application/pdf":

        def measure(e: bytes, a: bytes) -> tuple[bool, str]:
            found = text_difference(optional.pdf_text(e).strip(), optional.pdf_text(a).strip())
            return found is None, "PDF text matches" if found is None else f"PDF text: {found}"

        return _perceptual(blobs, tol, optional.PDF_LIBRARIES, measure)
    if mime.startswith("text/") or mime == "application/json" or mime.endswith("+json"):
        return _by_content(mime, left.data, right.data, tol)
    return _by_digest(left, right, tol, None)
